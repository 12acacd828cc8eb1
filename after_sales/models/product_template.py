from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    as_is_licensed = fields.Boolean(
        string="Licensed Product",
        help="Confirming a sales order for this product issues one authorization "
        "key per order line.",
    )
    as_licence_seats = fields.Integer(
        string="Seats per Unit",
        default=1,
        help="Seats of the authorization for each unit sold: an order line of "
        "3 units of a 5-seat product gives 15 seats.",
    )
    as_licence_months = fields.Integer(
        string="Licence Duration (Months)",
        default=12,
        help="0 means a perpetual licence without expiry date.",
    )
    as_licence_edition = fields.Char(string="Edition")

    @api.constrains("as_licence_seats", "as_licence_months")
    def _check_as_licence_figures(self):
        for template in self:
            if template.as_licence_seats < 0 or template.as_licence_months < 0:
                raise ValidationError(
                    self.env._("Seats and licence duration cannot be negative.")
                )
