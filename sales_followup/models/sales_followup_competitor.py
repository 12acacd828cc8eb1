from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SalesFollowupCompetitor(models.Model):
    _name = "sales_followup.competitor"
    _inherit = ["key_account.input.mixin"]
    _description = "Key Project Competitor"
    _order = "lead_id, sequence, id"

    sequence = fields.Integer(default=10)
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="lead_id.company_id", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Competitor Company",
        ondelete="set null",
        index=True,
        domain="[('ka_customer_type', '=', 'competitor')]",
    )
    name = fields.Char(
        string="Competitor",
        compute="_compute_name",
        store=True,
        readonly=False,
        help="The competitor company's name, or any name when it is not recorded "
        "as a competitor partner.",
    )
    strengths = fields.Text()
    weaknesses = fields.Text()
    threat_level = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        default="medium",
        required=True,
    )

    @api.depends("partner_id")
    def _compute_name(self):
        for competitor in self:
            if competitor.partner_id:
                competitor.name = competitor.partner_id.name

    @api.constrains("name")
    def _check_name(self):
        if any(not competitor.name for competitor in self):
            raise ValidationError(
                self.env._("Give the competitor a name or a competitor company.")
            )
