from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    as_authorization_count = fields.Integer(
        string="Authorization Count", compute="_compute_as_authorization_count"
    )

    @api.depends_context("uid")
    def _compute_as_authorization_count(self):
        Authorization = self.env["after_sales.authorization"]
        if not Authorization.has_access("read") or not self.ids:
            self.as_authorization_count = 0
            return
        counts = dict(
            Authorization._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.as_authorization_count = counts.get(order, 0)

    def _action_confirm(self):
        result = super()._action_confirm()
        self.env["after_sales.authorization"]._issue_for_sale_lines(self.order_line)
        return result

    def action_as_view_authorizations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales.after_sales_authorization_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
