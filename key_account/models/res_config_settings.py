from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ka_new_days = fields.Integer(related="company_id.ka_new_days", readonly=False)
    ka_dormant_days = fields.Integer(
        related="company_id.ka_dormant_days", readonly=False
    )
    ka_lost_days = fields.Integer(related="company_id.ka_lost_days", readonly=False)
    ka_pool_protect_clv = fields.Float(
        string="Protect Customers with a Lifetime Value From",
        config_parameter="key_account.pool_protect_clv",
        default=500000.0,
        help="A customer whose lifetime value reaches this amount, with a "
        "probability alive at least the one below, is never recycled to the "
        "public pool silently: its account manager and team leader get a rescue "
        "activity instead. 0 disables this protection.",
    )
    ka_pool_protect_p_alive = fields.Float(
        string="... and a Probability Alive From",
        config_parameter="key_account.pool_protect_p_alive",
        default=0.8,
        help="Between 0 and 1.",
    )
