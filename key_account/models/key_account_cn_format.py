from odoo import api, models

from ..lib import cn_format


class KeyAccountCnFormat(models.AbstractModel):
    """Chinese amounts and phone numbers for reports, mails and other addons.

    In QWeb: ``cn_format.amount_in_words(o.amount_total)`` (every template
    gets ``cn_format``), or ``o.env['key_account.cn.format']`` anywhere. The
    formatting itself is in ``key_account/lib/cn_format.py`` (no Odoo).
    """

    _name = "key_account.cn.format"
    _description = "Chinese Amount and Phone Formats"

    @api.private
    @api.model
    def amount_in_words(self, amount):
        """大写金额: 壹佰贰拾叁元肆角伍分; empty for an empty amount."""
        if amount is None or amount is False:
            return ""
        return cn_format.amount_in_words(amount)

    @api.private
    @api.model
    def amount_short(self, amount, symbol=False, digits=2):
        """1,234.57万 / 1,234.57亿 / 9,876.50, with ¥ if ``symbol``."""
        return cn_format.amount_short(amount or 0, symbol=symbol, digits=digits)

    @api.private
    @api.model
    def phone(self, number):
        """138 0013 8000 / 010-1234 5678; other numbers unchanged."""
        return cn_format.phone_display(number or "")
