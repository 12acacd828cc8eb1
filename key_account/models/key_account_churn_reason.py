from odoo import fields, models


class KeyAccountChurnReason(models.Model):
    """流失原因: why a customer was lost, chosen when it is marked lost."""

    _name = "key_account.churn.reason"
    _description = "Churn Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    ask_competitor = fields.Boolean(
        string="Asks for the Competitor",
        help="Marking a customer lost for this reason asks which competitor it "
        "went to (流失方向).",
    )
    win_back = fields.Boolean(
        default=True,
        help="Customers lost for this reason stay on the win-back list; not for a "
        "company that closed down.",
    )
    description = fields.Text(translate=True)
