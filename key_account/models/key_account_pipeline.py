import logging
import time

from odoo import api, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)


class KeyAccountPipeline(models.AbstractModel):
    """The nightly pipeline: one ordered list of steps, run per company with
    the company's business day.

    Each step is a private method ``_step_<code>(company, today)`` of this
    model returning the number of rows it changed. Addons add steps by
    inheriting this model: they extend :meth:`_steps` with ``super()`` and
    define their ``_step_*`` method; they never override another addon's
    step. Every step is set-wise and idempotent: run twice, it changes
    nothing the second time; interrupted, the next run completes it.
    """

    _name = "key_account.pipeline"
    _description = "Key-Account Nightly Pipeline"

    @api.model
    def _steps(self):
        """(sequence, code) of the steps, in the order they run."""
        return [
            (10, "figures"),
            (30, "rfm"),
            (40, "clv"),
            (50, "grades"),
            (60, "warnings"),
            (65, "receivables"),
            (68, "followups"),
            (70, "pool"),
            (75, "cn_calendar"),
        ]

    @api.model
    def _step_names(self):
        return {
            "cn_calendar": self.env._("Chinese holiday calendar: years without data"),
            "figures": self.env._("Figures from invoices, orders and receivables"),
            "rfm": self.env._("RFM scores"),
            "clv": self.env._("Customer lifetime value"),
            "grades": self.env._("Grades by the grade rules"),
            "warnings": self.env._("Warnings"),
            "followups": self.env._("Last follow-up of each customer"),
            "pool": self.env._("Public pool notices and recycling"),
            "receivables": self.env._("Receivable plans: collections and overdue"),
        }

    # ------------------------------------------------------------------
    # the steps of key_account
    # ------------------------------------------------------------------
    @api.model
    def _step_cn_calendar(self, company, today):
        return self.env["key_account.cn.holiday.year"]._ka_flag_missing_years(today)

    @api.model
    def _step_figures(self, company, today):
        return self.env["key_account.refresh"]._refresh_figures(company, today)

    @api.model
    def _step_rfm(self, company, today):
        return self.env["key_account.refresh"]._refresh_rfm(company, today)

    @api.model
    def _step_clv(self, company, today):
        return self.env["key_account.refresh"]._refresh_clv(company, today)

    @api.model
    def _step_grades(self, company, today):
        return self.env["key_account.grade.rule"]._apply_rules(company, today)

    @api.model
    def _step_warnings(self, company, today):
        opened, closed = self.env["key_account.warning.rule"]._run_rules(company, today)
        return opened + closed

    @api.model
    def _step_receivables(self, company, today):
        return self.env["key_account.instalment"]._run_matching(company, today)

    @api.model
    def _step_followups(self, company, today):
        """The customers' last follow-up, read by the pool and by the steps
        of other addons after it (the follow-up policy)."""
        return self.env["key_account.pool"]._refresh_last_followup(company, today)

    @api.model
    def _step_pool(self, company, today):
        notices, recycled = self.env["key_account.pool"]._run_recycle(
            company, today, refresh=False
        )
        return notices + recycled

    @api.model
    def _run(self, companies=None, today=None, codes=None, commit=False):
        """Run the steps (all, or those in ``codes``) for every company.

        ``today``: the business day to compute for (each company's own day by
        default). With ``commit`` (the cron), each step is committed when it
        ends and a failing step is logged and rolled back without stopping
        the others; otherwise an error propagates. Returns one dict per step
        and company: company, step, rows, seconds, error.
        """
        companies = companies or self.env["res.company"].sudo().search(
            [("active", "=", True)], order="id"
        )
        steps = sorted(self._steps())
        if codes:
            steps = [step for step in steps if step[1] in codes]
        report = []
        for company in companies:
            day = today or company._ka_today()
            # the texts a step stores (activity summaries, chatter notes) in
            # the company's language, whatever the cron user's
            step_env = self.with_company(company).with_context(
                ka_today=day,
                ka_company_id=company.id,
                lang=company.partner_id.lang or self.env.lang,
            )
            for _sequence, code in steps:
                start = time.perf_counter()
                error = False
                rows = 0
                self._batch_settings()
                try:
                    if commit:
                        with self.env.cr.savepoint():
                            rows = getattr(step_env, f"_step_{code}")(company, day)
                    else:
                        rows = getattr(step_env, f"_step_{code}")(company, day)
                except Exception as exc:
                    if not commit:
                        raise
                    error = str(exc)
                    self.env.invalidate_all()
                    _logger.exception(
                        "key_account pipeline: step %s of %s failed", code, company.name
                    )
                seconds = time.perf_counter() - start
                if commit:
                    # each step is its own transaction: a later failure keeps
                    # the steps done (the cron's runs are resumable)
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                report.append(
                    {
                        "company": company.id,
                        "step": code,
                        "rows": int(rows or 0),
                        "seconds": round(seconds, 3),
                        "error": error,
                    }
                )
                _logger.info(
                    "key_account pipeline: %s, %s (%s): %s rows in %.2f s%s",
                    company.name,
                    code,
                    day,
                    int(rows or 0),
                    seconds,
                    " FAILED" if error else "",
                )
        return report

    @api.model
    def _batch_settings(self):
        """PostgreSQL settings for the set-wise statements of a step, for the
        current transaction only (each committed step starts a new one):
        no JIT compilation (it costs 0.1 s per large statement and saves
        less on these aggregates) and enough memory for their hash joins and
        aggregates to stay out of temporary files (measured in
        ``make bench``: figures 1.84 s -> 1.39 s, RFM 0.93 s -> 0.72 s at
        100,000 customers)."""
        self.env.cr.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")

    @api.model
    def _cron_run(self):
        self.sudo()._run(commit=not self.env.registry.in_test_mode())

    @api.model
    def action_run(self):
        """The button of the customer list: key-account managers only."""
        if not self.env.user.has_group("key_account.key_account_group_manager"):
            raise AccessError(
                self.env._("Only key-account managers can run the nightly pipeline.")
            )
        companies = self.env.companies
        report = self.sudo()._run(companies=companies)
        names = self._step_names()
        lines = []
        for item in report:
            if len(companies) > 1 and item["step"] == report[0]["step"]:
                lines.append(companies.browse(item["company"]).name)
            lines.append(
                self.env._(
                    "%(step)s: %(rows)s in %(seconds)s s",
                    step=names.get(item["step"], item["step"]),
                    rows=item["rows"],
                    seconds=item["seconds"],
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Figures, grades and warnings are up to date."),
                "message": "\n".join(lines),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
