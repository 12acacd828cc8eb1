import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .sales_followup_visit_plan import business_today

_logger = logging.getLogger(__name__)

PARAM_PERIOD = "sales_followup.followup_period_days"
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
    )
    sf_anniversary_date = fields.Date(
        string="Company Anniversary",
        help="Founding day of the customer or start of the cooperation: the "
        "account manager is reminded every year, some days before.",
    )
    sf_visit_plan_ids = fields.One2many(
        "sales_followup.visit.plan", "partner_id", string="Visit Plans", readonly=True
    )
    sf_visit_plan_count = fields.Integer(
        string="Visits", compute="_compute_sf_visit_plan_count"
    )
    sf_followup_overdue = fields.Boolean(
        string="Follow-up Overdue",
        readonly=True,
        copy=False,
        index=True,
        help="Set by the nightly policy check: this key account had no done "
        "follow-up or visit within the follow-up period.",
    )
    sf_followup_notice_date = fields.Date(
        string="Follow-up Reminder Sent",
        readonly=True,
        copy=False,
        help="When the account manager was last reminded that the follow-up is "
        "overdue; reminded once per period.",
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
    # follow-up policy (nightly)
    # ------------------------------------------------------------------
    @api.model
    def _cron_sf_followup_policy(self):
        self._sf_run_followup_policy()

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
    def _sf_run_followup_policy(self, today=None):
        """Flag the key accounts without a done follow-up in the period.

        A key account is an active company-level customer with a grade and an
        account manager. A follow-up is a done activity (of any type) on the
        customer or its contacts, or a done visit. Customers created or claimed
        within the period are not due yet. The account manager gets one
        activity per customer, at most once per period. Set-wise: one SELECT,
        three UPDATEs and one INSERT of activities (with their followers),
        whatever the number of customers.
        Returns (customers flagged, reminders created).
        """
        today = today or business_today(self.env)
        period = self._sf_followup_period()
        since = today - timedelta(days=period)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            WITH followed AS (
                SELECT c.commercial_partner_id AS pid
                  FROM mail_message m
                  JOIN res_partner c ON c.id = m.res_id
                 WHERE m.model = 'res.partner'
                   AND m.mail_activity_type_id IS NOT NULL
                   AND m.date >= %(since)s
                UNION
                SELECT v.partner_id
                  FROM sales_followup_visit_plan v
                 WHERE v.state = 'done'
                   AND COALESCE(v.checkin_date, v.planned_date) >= %(since)s
            )
            SELECT p.id, p.user_id, p.sf_followup_notice_date
              FROM res_partner p
             WHERE p.active AND p.parent_id IS NULL
               AND p.user_id IS NOT NULL AND p.ka_grade_id IS NOT NULL
               AND GREATEST(p.create_date, p.ka_claim_date) < %(since)s
               AND NOT EXISTS (SELECT 1 FROM followed f WHERE f.pid = p.id)
            """,
                since=since,
            )
        )
        rows = self.env.cr.fetchall()
        overdue_ids = [pid for pid, _uid, _noticed in rows]
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET sf_followup_overdue = TRUE "
                "WHERE id = ANY(%(ids)s) AND sf_followup_overdue IS NOT TRUE",
                ids=overdue_ids,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET sf_followup_overdue = FALSE "
                "WHERE sf_followup_overdue "
                "AND id NOT IN (SELECT unnest(%(ids)s::int[]))",
                ids=overdue_ids,
            )
        )
        to_notify = [
            (pid, uid) for pid, uid, noticed in rows if not noticed or noticed <= since
        ]
        if to_notify:
            todo = self.env.ref("mail.mail_activity_data_todo").id
            summary = self.env._("No follow-up in the last %(days)s days", days=period)
            self.env["mail.activity"]._ka_create_for_partners(
                [(pid, uid, todo, today, summary) for pid, uid in to_notify]
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET sf_followup_notice_date = %(today)s "
                    "WHERE id = ANY(%(ids)s)",
                    today=today,
                    ids=[pid for pid, _uid in to_notify],
                )
            )
        self.invalidate_model(["sf_followup_overdue", "sf_followup_notice_date"])
        _logger.info(
            "sales_followup policy: %s overdue, %s reminders",
            len(overdue_ids),
            len(to_notify),
        )
        return len(overdue_ids), len(to_notify)
