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
            if grade.dormant_days and 0 < grade.lost_days <= grade.dormant_days:
                raise ValidationError(
                    self.env._(
                        "Grade %(grade)s: the lost days must be more than the "
                        "dormant days.",
                        grade=grade.name,
                    )
                )
