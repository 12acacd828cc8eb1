from odoo import fields, models


class KeyAccountHandover(models.Model):
    _inherit = "key_account.handover"

    visit_count = fields.Integer(string="Planned Visits Moved")
