from odoo import api, models


class KeyAccountPipeline(models.AbstractModel):
    _inherit = "key_account.pipeline"

    @api.model
    def _steps(self):
        # the contract value is a figure like the others: after them, before
        # the grade rules run, so that rules may use it
        return super()._steps() + [(20, "contract_value")]

    @api.model
    def _step_names(self):
        return dict(
            super()._step_names(),
            contract_value=self.env._("Yearly contract value"),
        )

    @api.model
    def _step_contract_value(self, company, today):
        return self.env["res.partner"]._as_refresh_contract_value(today)
