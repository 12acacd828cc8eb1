from odoo import fields, models


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
