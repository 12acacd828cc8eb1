from odoo import models


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _prepare_environment(self, values):
        # every template (reports, mails, portal) may write
        # cn_format.amount_in_words(o.amount_total) or cn_format.phone(p.mobile)
        values.setdefault("cn_format", self.env["key_account.cn.format"])
        return super()._prepare_environment(values)
