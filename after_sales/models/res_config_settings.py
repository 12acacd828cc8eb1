from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    as_revisit_daily_capacity = fields.Integer(
        string="Periodic Revisits per Night",
        config_parameter="after_sales.revisit_daily_capacity",
        default=200,
        help="At most this many periodic revisits are planned each night, the "
        "higher grades and the longest without a revisit first; the other due "
        "customers wait for the next nights. 0: no limit.",
    )

    @api.constrains("as_revisit_daily_capacity")
    def _check_as_revisit_daily_capacity(self):
        if any(settings.as_revisit_daily_capacity < 0 for settings in self):
            raise ValidationError(
                self.env._("The periodic revisits per night cannot be negative.")
            )
