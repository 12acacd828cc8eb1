from odoo import api, models


class KeyAccountPipeline(models.AbstractModel):
    """The lifecycle step: after the figures and grades, before the warnings."""

    _inherit = "key_account.pipeline"

    @api.model
    def _steps(self):
        return super()._steps() + [(55, "lifecycle")]

    @api.model
    def _step_names(self):
        return dict(
            super()._step_names(),
            lifecycle=self.env._("Customer lifecycle: new, active, dormant, lost"),
        )

    @api.model
    def _step_lifecycle(self, company, today):
        return len(self.env["key_account.status.history"]._apply_rules(company, today))
