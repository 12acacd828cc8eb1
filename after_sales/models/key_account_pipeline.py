from odoo import api, models


class KeyAccountPipeline(models.AbstractModel):
    """after_sales' nightly work as steps of key_account's pipeline: each
    ``_step_<code>(company, today)`` works on that company's records for its
    business day, returns the rows it changed, and changes nothing when run
    again."""

    _inherit = "key_account.pipeline"

    @api.model
    def _steps(self):
        return super()._steps() + [
            # the contract value is a figure like the others: after them,
            # before the grade rules run, so that rules may use it
            (20, "contract_value"),
            # after key_account's steps: the reminders go to the account
            # managers the grades, warnings and pool left in place
            (130, "authorization_expiry"),
            (140, "contract_reminders"),
            (150, "periodic_revisits"),
            # the service figures: after the figures, before the grade and
            # warning rules that may use them
            (25, "service_figures"),
        ]

    @api.model
    def _step_names(self):
        return dict(
            super()._step_names(),
            contract_value=self.env._("Yearly contract value"),
            authorization_expiry=self.env._("Authorization expiry and reminders"),
            contract_reminders=self.env._("Contract expiry reminders"),
            periodic_revisits=self.env._("Periodic revisits and rating e-mails"),
            service_figures=self.env._(
                "Service figures: tickets, complaints, SLA breaches, satisfaction"
            ),
        )

    @api.model
    def _step_contract_value(self, company, today):
        return self.env["res.partner"]._as_refresh_contract_value(company, today)

    @api.model
    def _step_authorization_expiry(self, company, today):
        rows = self.env["after_sales.authorization"]._as_expire_and_remind(
            company, today
        )
        # housekeeping of the status route's counters (not the company's
        # records, nor counted: the minutes of the rate limit are past)
        self.env["after_sales.licence.rate"]._gc_counters()
        return rows

    @api.model
    def _step_contract_reminders(self, company, today):
        return self.env["contract.contract"]._as_remind_expiry(company, today)

    @api.model
    def _step_periodic_revisits(self, company, today):
        Revisit = self.env["after_sales.revisit"]
        planned = Revisit._schedule_periodic(company, today)
        sent = Revisit._send_due_rating_requests(company, today)
        return len(planned) + len(sent)

    @api.model
    def _step_service_figures(self, company, today):
        return self.env["key_account.partner.figures"]._as_refresh_service_figures(
            company, today
        )
