from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """The lifecycle thresholds of the company's customers (defaults of the
    grades that set none)."""

    _inherit = "res.company"

    ka_new_days = fields.Integer(
        string="New Customer Period (days)",
        default=90,
        help="A customer is new for this many days after its first "
        "confirmed order, then active.",
    )
    ka_dormant_days = fields.Integer(
        string="Dormant After (days)",
        default=180,
        help="A customer without a confirmed order for this many days is dormant, "
        "unless its grade sets its own number.",
    )
    ka_lost_days = fields.Integer(
        string="Lost After (days)",
        default=365,
        help="A customer without a confirmed order for this many days is lost, "
        "unless its grade sets its own number.",
    )

    @api.constrains("ka_new_days", "ka_dormant_days", "ka_lost_days")
    def _check_ka_lifecycle_days(self):
        for company in self:
            if company.ka_new_days < 0 or company.ka_dormant_days <= 0:
                raise ValidationError(
                    self.env._(
                        "The new-customer period cannot be negative and the dormant "
                        "days must be positive."
                    )
                )
            if company.ka_lost_days <= company.ka_dormant_days:
                raise ValidationError(
                    self.env._(
                        "A customer must be dormant before it is lost: the lost "
                        "days must be more than the dormant days."
                    )
                )
