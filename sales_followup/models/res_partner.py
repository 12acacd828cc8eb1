import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PARAM_PERIOD = "sales_followup.followup_period_days"
PARAM_PERIOD_CALENDAR = "sales_followup.followup_period_calendar_days"
DEFAULT_PERIOD_DAYS = 30
# set by the nightly follow-up policy check (with SQL), never by hand: refused
# to users' writes by key_account through _ka_system_fields()
SF_SYSTEM_FIELDS = frozenset({"sf_followup_overdue", "sf_followup_notice_date"})


class ResPartner(models.Model):
    _inherit = "res.partner"

    sf_birthday_lunar = fields.Boolean(
        string="Lunar Birthday",
        help="The month and day of the birthday are in the Chinese lunar "
        "calendar (农历生日): care reminders follow the lunar date.",
        groups="base.group_user",
    )
    sf_anniversary_date = fields.Date(
        string="Company Anniversary",
        help="Founding day of the customer or start of the cooperation: the "
        "account manager is reminded every year, some days before.",
        groups="base.group_user",
    )
    sf_visit_plan_ids = fields.One2many(
        "sales_followup.visit.plan",
        "partner_id",
        string="Visit Plans",
        readonly=True,
        groups="base.group_user",
    )
    sf_visit_plan_count = fields.Integer(
        string="Visits",
        compute="_compute_sf_visit_plan_count",
        groups="base.group_user",
    )
    sf_followup_overdue = fields.Boolean(
        string="Follow-up Overdue",
        related="ka_figures_id.sf_followup_overdue",
        help="Set by the nightly policy check: this key account had no done "
        "follow-up or visit within the follow-up period.",
        groups="base.group_user",
    )
    sf_followup_notice_date = fields.Date(
        string="Follow-up Reminder Sent",
        related="ka_figures_id.sf_followup_notice_date",
        help="When the account manager was last reminded that the follow-up is "
        "overdue; reminded once per period.",
        groups="base.group_user",
    )

    def _compute_sf_visit_plan_count(self):
        counts = dict(
            self.env["sales_followup.visit.plan"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.sf_visit_plan_count = counts.get(partner, 0)

    @api.model
    def _ka_system_fields(self):
        """key_account's hook: the partner fields refused to users' writes."""
        return super()._ka_system_fields() | SF_SYSTEM_FIELDS

    def action_sf_view_visit_plans(self):
        """Smart button of the customer form: its visits, for the users of
        key accounts who may read the customer (the visits are then read
        under their own access rules)."""
        if not self.env.su and not self.env.user.has_group(
            "key_account.key_account_group_user"
        ):
            raise AccessError(
                self.env._(
                    "Only salespeople, team leaders and key-account managers can "
                    "open the visits of a customer."
                )
            )
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_followup.sales_followup_visit_plan_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # ------------------------------------------------------------------
    # follow-up policy (a step of key_account's pipeline)
    # ------------------------------------------------------------------
    @api.model
    def _sf_followup_period(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(PARAM_PERIOD, DEFAULT_PERIOD_DAYS)
        )
        try:
            return max(int(value), 1)
        except (TypeError, ValueError):
            return DEFAULT_PERIOD_DAYS

    @api.model
    def _sf_run_followup_policy(self, company, today, refresh=True):
        """Flag the key accounts of ``company`` without a follow-up in the
        period that ends on its business day ``today``.

        A key account is a customer of the company (key_account's measure)
        with a grade and an account manager. A follow-up is what
        key_account's measure calls one (``_followup_events_sql``: a done
        activity on the customer or its contacts, a done visit, and what other
        addons add), read as the customers' last follow-up that the pool
        also reads (refreshed first with ``refresh``; the pipeline refreshes
        it in its own step). Customers created or claimed within the period
        are not due yet. The account manager gets one activity per customer,
        at most once per period. Set-wise: one SELECT, three UPDATEs and one
        batch of activities, whatever the number of customers.
        Returns (customers flagged, reminders created, rows changed).
        """
        measure = self.env["key_account.measure"]
        if refresh:
            self.env["key_account.pool"]._refresh_last_followup(company, today)
        period = self._sf_followup_period()
        # working days (default) or calendar days
        working = company._ka_working_days_param(PARAM_PERIOD_CALENDAR)
        since = company._ka_shift_days(today, -period, working)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            SELECT p.id, p.user_id, fg.sf_followup_notice_date
              FROM res_partner p
              LEFT JOIN key_account_partner_figures fg ON fg.id = p.ka_figures_id
             WHERE %(customer)s
               AND p.user_id IS NOT NULL AND p.ka_grade_id IS NOT NULL
               AND (GREATEST(p.create_date, p.ka_claim_date)
                    AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date < %(since)s
               -- no follow-up from the period's first day (the last one
               -- is on or before today)
               AND (fg.ka_last_followup_date IS NULL
                    OR fg.ka_last_followup_date < %(since)s)
             ORDER BY p.id
            """,
                customer=measure._customer_sql(company, "p"),
                tz=company._ka_tz().zone,
                since=since,
            )
        )
        rows = self.env.cr.fetchall()
        overdue_ids = [pid for pid, _uid, _noticed in rows]
        self.env.cr.execute(
            SQL(
                "UPDATE key_account_partner_figures SET sf_followup_overdue = TRUE "
                "WHERE partner_id = ANY(%(ids)s) AND sf_followup_overdue IS NOT TRUE",
                ids=overdue_ids,
            )
        )
        changed = self.env.cr.rowcount
        # the flags of this company's partners (also those no longer key
        # accounts) that are not overdue any more
        self.env.cr.execute(
            SQL(
                "UPDATE key_account_partner_figures f SET sf_followup_overdue = FALSE "
                "FROM res_partner p WHERE p.id = f.partner_id "
                "AND f.sf_followup_overdue AND %(figures_company)s = %(company)s "
                "AND NOT (p.id = ANY(%(ids)s))",
                figures_company=measure._figures_company_sql("p"),
                company=company.id,
                ids=overdue_ids,
            )
        )
        changed += self.env.cr.rowcount
        to_notify = [
            (pid, uid) for pid, uid, noticed in rows if not noticed or noticed <= since
        ]
        if to_notify:
            todo = self.env.ref("mail.mail_activity_data_todo").id
            summary = (
                self.env._(
                    "No follow-up in the last %(days)s working days", days=period
                )
                if working
                else self.env._("No follow-up in the last %(days)s days", days=period)
            )
            self.env["mail.activity"]._ka_create_for_partners(
                [(pid, uid, todo, today, summary) for pid, uid in to_notify]
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE key_account_partner_figures "
                    "SET sf_followup_notice_date = %(today)s "
                    "WHERE partner_id = ANY(%(ids)s)",
                    today=today,
                    ids=[pid for pid, _uid in to_notify],
                )
            )
            changed += len(to_notify)
        self.env["key_account.refresh"]._invalidate_figures(changed)
        _logger.info(
            "sales_followup policy: %s, %s overdue, %s reminders",
            company.name,
            len(overdue_ids),
            len(to_notify),
        )
        return len(overdue_ids), len(to_notify), changed
