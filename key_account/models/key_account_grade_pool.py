from odoo import fields, models


class KeyAccountGrade(models.Model):
    """Recycling limits of the public pool per grade, beside the teams'."""

    _inherit = "key_account.grade"

    ka_pool_recycle_followup_days = fields.Integer(
        string="Recycle Without Follow-up (Days)",
        help="Customers of this grade go back to the public pool after this many "
        "days without follow-up (counted as the team's limits); 0: the team's "
        "limit.",
    )
    ka_pool_recycle_deal_days = fields.Integer(
        string="Recycle Without Deal (Days)",
        help="Customers of this grade go back to the public pool after this many "
        "days without a confirmed order; 0: the team's limit.",
    )

    _sql_constraints = [
        (
            "ka_pool_days_positive",
            (
                "CHECK(COALESCE(ka_pool_recycle_followup_days, 0) >= 0 "
                "AND COALESCE(ka_pool_recycle_deal_days, 0) >= 0)"
            ),
            "The recycling limits of a grade cannot be negative.",
        ),
    ]
