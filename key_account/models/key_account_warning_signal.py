from odoo import fields, models


class KeyAccountWarning(models.Model):
    _inherit = "key_account.warning"

    direction = fields.Selection(related="rule_id.direction", string="Direction")
