from odoo import fields, models


class KeyAccountPartnerFigures(models.Model):
    _inherit = "key_account.partner.figures"

    ka_p_purchase_90d = fields.Float(
        string="Chance of a Purchase in 90 Days", readonly=True
    )
