from odoo import api, models


class KeyAccountPipeline(models.AbstractModel):
    """The service figures as a step of the nightly pipeline: after the
    figures, before the grade and warning rules that may use them."""

    _inherit = "key_account.pipeline"

    @api.model
    def _steps(self):
        return super()._steps() + [(25, "service_figures")]

    @api.model
    def _step_names(self):
        return dict(
            super()._step_names(),
            service_figures=self.env._(
                "Service figures: tickets, complaints, SLA breaches, satisfaction"
            ),
        )

    @api.model
    def _step_service_figures(self, company, today):
        return self.env["key_account.partner.figures"]._as_refresh_service_figures(
            company, today
        )
