from odoo import api, fields, models

from odoo.addons.key_account.models.key_account_account_plan_contact import ATTITUDES


class SalesFollowupDecisionMaker(models.Model):
    _name = "sales_followup.decision.maker"
    _inherit = ["key_account.input.mixin"]
    _description = "Key Project Decision Maker"
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
        string="Contact",
        required=True,
        ondelete="restrict",
        index=True,
    )
    role = fields.Selection(
        selection="_selection_role",
        compute="_compute_role",
        store=True,
        readonly=False,
        help="Defaults to the decision role set on the contact.",
    )
    attitude = fields.Selection(
        ATTITUDES,
        default="neutral",
        required=True,
    )
    notes = fields.Text()

    @api.model
    def _selection_role(self):
        """The decision roles of key_account's contacts, in the user's language."""
        field = self.env["res.partner"]._fields["ka_decision_role"]
        return field._description_selection(self.env)

    @api.depends("partner_id")
    def _compute_role(self):
        # A default taken when the contact is chosen: a later change of the
        # contact's own role does not rewrite the project's decision chain.
        for line in self:
            line.role = line.partner_id.ka_decision_role or line.role
