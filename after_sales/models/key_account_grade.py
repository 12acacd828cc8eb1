from odoo import fields, models


class KeyAccountGrade(models.Model):
    _inherit = "key_account.grade"

    as_revisit_interval_days = fields.Integer(
        string="Revisit Every (days)",
        help="Customers of this grade get a periodic satisfaction revisit when "
        "their last one is older than this; empty for none.",
    )

    _sql_constraints = [
        (
            "as_revisit_interval_not_negative",
            "CHECK(as_revisit_interval_days IS NULL OR as_revisit_interval_days >= 0)",
            "The revisit interval cannot be negative.",
        ),
    ]
