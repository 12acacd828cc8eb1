from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    as_authorization_count = fields.Integer(
        string="Authorizations", compute="_compute_as_authorization_count"
    )

    @api.depends_context("uid")
    def _compute_as_authorization_count(self):
        Authorization = self.env["after_sales.authorization"]
        if not Authorization.has_access("read"):
            self.as_authorization_count = 0
            return
        commercial = self.commercial_partner_id
        counts = dict(
            Authorization._read_group(
                [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.as_authorization_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_as_view_authorizations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales.after_sales_authorization_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
