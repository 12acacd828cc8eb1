from odoo import api, models


class ResCurrency(models.Model):
    _inherit = "res.currency"

    @api.private
    def ka_amount_in_words(self, amount):
        """大写金额 of ``amount`` for CNY (``o.currency_id.ka_amount_in_words(x)``
        in a report); other currencies get Odoo's ``amount_to_text``."""
        self.ensure_one()
        if self.name == "CNY":
            return self.env["key_account.cn.format"].amount_in_words(amount)
        return self.amount_to_text(amount)

    @api.private
    def ka_amount_short(self, amount, symbol=True):
        """1,234.57万 in 万/亿 for CNY, Odoo's format with the symbol otherwise."""
        self.ensure_one()
        if self.name == "CNY":
            return self.env["key_account.cn.format"].amount_short(amount, symbol=symbol)
        return self.format(amount)
