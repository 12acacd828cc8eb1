from odoo import api, fields, models
from odoo.exceptions import ValidationError

# a contact's attitude towards us (the relationship map, the decision chain)
ATTITUDES = [
    ("supporter", "Supporter"),
    ("neutral", "Neutral"),
    ("opponent", "Opponent"),
]


class KeyAccountAccountPlanContact(models.Model):
    """A contact of the customer on the account plan's relationship map."""

    _name = "key_account.account.plan.contact"
    _inherit = ["key_account.input.mixin"]
    _description = "Account Plan Relationship"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "key_account.account.plan", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, ondelete="cascade"
    )
    function = fields.Char(related="partner_id.function")
    role = fields.Selection(
        [
            ("decision_maker", "Decision Maker"),
            ("influencer", "Influencer"),
            ("user", "User"),
            ("gatekeeper", "Gatekeeper"),
        ],
        string="Decision Role",
    )
    attitude = fields.Selection(
        ATTITUDES,
        default="neutral",
        required=True,
    )
    influence = fields.Selection(
        [("high", "High"), ("medium", "Medium"), ("low", "Low")],
        default="medium",
        required=True,
    )
    note = fields.Char()

    @api.constrains("partner_id", "plan_id")
    def _check_partner(self):
        for line in self:
            if line.partner_id.commercial_partner_id != line.plan_id.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(customer)s.",
                        contact=line.partner_id.display_name,
                        customer=line.plan_id.partner_id.display_name,
                    )
                )
