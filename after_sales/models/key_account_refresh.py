from odoo import api, models


class KeyAccountRefresh(models.AbstractModel):
    _inherit = "key_account.refresh"

    @api.model
    def _refresh_figures(self, today):
        # The contract value is a figure like the others: refreshed with them,
        # before the grade rules run, so that rules may use it.
        res = super()._refresh_figures(today)
        self.env["res.partner"]._as_refresh_contract_value(today)
        return res
