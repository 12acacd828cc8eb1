from odoo import api, models


class KeyAccountPipeline(models.AbstractModel):
    """sales_followup's nightly work as steps of key_account's pipeline, after
    key_account's own (the grades, warnings and pool they read are then those
    of the day). Each ``_step_<code>(company, today)`` works on the customers
    and users of ``company`` for its business day ``today``, set-wise, returns
    the number of rows it changed, and changes nothing when run again."""

    _inherit = "key_account.pipeline"

    @api.model
    def _steps(self):
        return super()._steps() + [
            (80, "visit_plans"),
            (90, "followup_policy"),
            (100, "care_reminders"),
            (110, "kpi_actuals"),
            (120, "activity_reminders"),
        ]

    @api.model
    def _step_names(self):
        return dict(
            super()._step_names(),
            visit_plans=self.env._("Visit plans: missed visits and new plans"),
            followup_policy=self.env._("Follow-up policy of key accounts"),
            care_reminders=self.env._("Customer care reminders"),
            kpi_actuals=self.env._("Account-manager KPI actuals"),
            activity_reminders=self.env._("Reminders before activity deadlines"),
        )

    @api.model
    def _step_visit_plans(self, company, today):
        missed, created = self.env["sales_followup.visit.plan"]._run_generation(
            company, today
        )
        return missed + created

    @api.model
    def _step_followup_policy(self, company, today):
        # the last follow-ups are key_account's step of this night
        return self.env["res.partner"]._sf_run_followup_policy(
            company, today, refresh=False
        )[2]

    @api.model
    def _step_care_reminders(self, company, today):
        return self.env["sales_followup.care.reminder"]._run_care_reminders(
            company, today
        )

    @api.model
    def _step_kpi_actuals(self, company, today):
        return self.env["sales_followup.kpi.target"]._run_kpi_actuals(company, today)

    @api.model
    def _step_activity_reminders(self, company, today):
        return self.env["mail.activity"]._run_sf_activity_reminders(company, today)
