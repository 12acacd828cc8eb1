from odoo import fields, models


class KeyAccountGrade(models.Model):
    _inherit = "key_account.grade"

    approval_max_discount = fields.Float(
        string="Discount Without Approval (%)",
        digits=(5, 2),
        help="A quotation with a line discount above this needs the team leader's "
        "approval. 0: no limit.",
    )
    approval_max_amount = fields.Float(
        string="Amount Without Approval",
        digits="Product Price",
        help="A quotation whose untaxed amount (in the company currency) is above "
        "this needs the team leader's approval. 0: no limit.",
    )

    _sql_constraints = [
        (
            "approval_limits_positive",
            (
                "CHECK(approval_max_discount >= 0 AND approval_max_discount <= 100 "
                "AND approval_max_amount >= 0)"
            ),
            "Approval limits are between 0 and 100 % and not negative.",
        ),
    ]
