from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KeyAccountGrade(models.Model):
    """Lifecycle thresholds per grade: an A customer may be dormant sooner
    than a D customer."""

    _inherit = "key_account.grade"

    dormant_days = fields.Integer(
        string="Dormant After (days)",
        help="Days without a confirmed order after which a customer of this grade "
        "is dormant; 0 for the company's default.",
    )
    lost_days = fields.Integer(
        string="Lost After (days)",
        help="Days without a confirmed order after which a customer of this grade "
        "is lost; 0 for the company's default.",
    )

    @api.constrains("dormant_days", "lost_days")
    def _check_lifecycle_days(self):
        for grade in self:
            if grade.dormant_days < 0 or grade.lost_days < 0:
                raise ValidationError(
                    self.env._("The dormant and lost days cannot be negative.")
                )
        self._ka_check_lifecycle_order(
            self.env["res.company"].sudo().search([("active", "=", True)])
        )

    def _ka_check_lifecycle_order(self, companies):
        """A customer is dormant before it is lost, with the days each grade
        sets and, for the one it leaves at 0, each company's default: a grade
        that sets only its dormant days may not pass a company's lost days
        (nor its lost days come before a company's dormant days)."""
        for grade in self.filtered(lambda g: g.dormant_days or g.lost_days):
            for company in companies:
                dormant = grade.dormant_days or company.ka_dormant_days
                lost = grade.lost_days or company.ka_lost_days
                if lost <= dormant:
                    raise ValidationError(
                        self.env._(
                            "Grade %(grade)s: a customer would be lost (after "
                            "%(lost)s days) before it is dormant (after "
                            "%(dormant)s days) in %(company)s. The lost days "
                            "must be more than the dormant days, the company's "
                            "default counting for the one the grade leaves at 0.",
                            grade=grade.name,
                            lost=lost,
                            dormant=dormant,
                            company=company.name,
                        )
                    )
