from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ka_new_days = fields.Integer(related="company_id.ka_new_days", readonly=False)
    ka_dormant_days = fields.Integer(
        related="company_id.ka_dormant_days", readonly=False
    )
    ka_lost_days = fields.Integer(related="company_id.ka_lost_days", readonly=False)
