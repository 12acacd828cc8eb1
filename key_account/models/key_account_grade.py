from odoo import fields, models


class KeyAccountGrade(models.Model):
    _name = "key_account.grade"
    _description = "Customer Grade"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code shown on badges, e.g. A.")
    sequence = fields.Integer(
        default=10,
        help="Lower is better: A comes before B. "
        "Used to tell upgrades from downgrades.",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    visit_interval_days = fields.Integer(
        string="Visit Every (days)",
        default=30,
        help="How often an account manager should visit a customer of this grade.",
    )
    ticket_response_hours = fields.Float(
        string="Ticket Response Target (hours)",
        default=24.0,
        help="First-response target for feedback tickets of customers of this grade.",
    )
    ticket_resolution_hours = fields.Float(
        string="Ticket Resolution Target (hours)", default=72.0
    )
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")
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
        ("code_uniq", "unique(code)", "The grade code must be unique."),
        (
            "visit_interval_positive",
            "CHECK(visit_interval_days > 0)",
            "The visit interval must be a positive number of days.",
        ),
        (
            "ka_pool_days_positive",
            (
                "CHECK(COALESCE(ka_pool_recycle_followup_days, 0) >= 0 "
                "AND COALESCE(ka_pool_recycle_deal_days, 0) >= 0)"
            ),
            "The recycling limits of a grade cannot be negative.",
        ),
    ]

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("ka_grade_id", "in", self.ids)], ["ka_grade_id"], ["__count"]
            )
        )
        for grade in self:
            grade.partner_count = counts.get(grade, 0)
