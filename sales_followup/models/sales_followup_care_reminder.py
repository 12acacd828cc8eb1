import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.key_account.lib.input_check import check_input
from odoo.addons.key_account.lib.system_fields import check_system_fields

from .sales_followup_care_occasion import occurrences

_logger = logging.getLogger(__name__)

PARAM_BIRTHDAY_DAYS = "sales_followup.birthday_days_before"
DEFAULT_BIRTHDAY_DAYS = 3
PARAM_BIRTHDAY_GREETING = "sales_followup.birthday_greeting"
GREETING_HOUR = 9
# what the nightly run generates: a reminder is its log, never made by hand
SYSTEM_FIELDS = frozenset(
    {
        "partner_id",
        "commercial_partner_id",
        "kind",
        "occasion_id",
        "key",
        "occasion_date",
        "user_id",
        "activity_id",
    }
)


class SalesFollowupCareReminder(models.Model):
    _name = "sales_followup.care.reminder"
    _description = "Care Reminder"
    _order = "occasion_date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer or Contact",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    commercial_partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    kind = fields.Selection(
        [
            ("birthday", "Birthday"),
            ("anniversary", "Company Anniversary"),
            ("occasion", "Holiday"),
        ],
        required=True,
        readonly=True,
    )
    occasion_id = fields.Many2one(
        "sales_followup.care.occasion", ondelete="cascade", readonly=True
    )
    key = fields.Char(
        required=True,
        readonly=True,
        help="birthday or occasion-<id>: with the customer and the date, what "
        "makes a reminder unique.",
    )
    occasion_date = fields.Date(string="Date", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Account Manager", ondelete="set null", readonly=True
    )
    activity_id = fields.Many2one(
        "mail.activity", ondelete="set null", readonly=True, index="btree_not_null"
    )

    _sql_constraints = [
        (
            "reminder_uniq",
            "unique(partner_id, key, occasion_date)",
            "A customer is reminded once per occasion.",
        ),
    ]

    @api.depends("partner_id", "key", "occasion_date")
    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = (
                f"{reminder.partner_id.display_name} {reminder.occasion_date}"
            )

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        check_system_fields(self, SYSTEM_FIELDS, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_input(self, [vals])
        check_system_fields(self, SYSTEM_FIELDS, [vals])
        return super().write(vals)

    # ------------------------------------------------------------------
    # nightly run
    # ------------------------------------------------------------------
    @api.model
    def _run_care_reminders(self, company, today):
        """One activity for the account manager N days before each birthday of a
        contact of a customer of ``company``, each anniversary of such a
        customer, and each holiday of every key account of ``company``, from
        its business day ``today``.

        Set-wise: one SELECT of the birthdays, one of the key accounts, one of
        the reminders already made, one INSERT of the reminders, one of the
        activities and one UPDATE linking them, whatever the number of
        customers. Idempotent and safe to interrupt: a reminder is logged with
        a unique (partner, occasion, date) before its activity and greeting
        are made, all in the run's transaction (see readme/DESCRIPTION.md).
        Returns the number of activities created.
        """
        self.env.flush_all()
        candidates = (
            self._care_birthdays(company, today)
            + self._care_anniversaries(company, today)
            + self._care_holidays(company, today)
        )
        if not candidates:
            return 0
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, key, occasion_date "
                "FROM sales_followup_care_reminder WHERE occasion_date >= %s",
                today,
            )
        )
        done = set(self.env.cr.fetchall())
        todo = []
        for cand in candidates:
            ident = (cand["partner_id"], cand["key"], cand["occasion_date"])
            if ident not in done:
                done.add(ident)
                todo.append(cand)
        if not todo:
            return 0
        # the log first: a reminder row is claimed by exactly one run (unique
        # index, ON CONFLICT DO NOTHING), and only the rows this run inserted
        # get their activity and greeting, in the same transaction
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO sales_followup_care_reminder (
                partner_id, commercial_partner_id, kind, occasion_id, key,
                occasion_date, user_id,
                create_uid, write_uid, create_date, write_date)
            SELECT v.pid, v.cid, v.kind, v.oid, v.key, v.day, v.uid,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM unnest(%(pids)s::int[], %(cids)s::int[], %(kinds)s::varchar[],
                          %(oids)s::int[], %(keys)s::varchar[], %(days)s::date[],
                          %(uids)s::int[])
                   AS v(pid, cid, kind, oid, key, day, uid)
            ON CONFLICT DO NOTHING
            RETURNING id, partner_id, key, occasion_date
            """,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                pids=[c["partner_id"] for c in todo],
                cids=[c["commercial_partner_id"] for c in todo],
                kinds=[c["kind"] for c in todo],
                oids=[c.get("occasion_id") for c in todo],
                keys=[c["key"] for c in todo],
                days=[c["occasion_date"] for c in todo],
                uids=[c["user_id"] for c in todo],
            )
        )
        claimed = {
            (pid, key, day): rid for rid, pid, key, day in self.env.cr.fetchall()
        }
        todo = [
            cand
            for cand in todo
            if (cand["partner_id"], cand["key"], cand["occasion_date"]) in claimed
        ]
        if not todo:
            return 0
        activities = self.env["mail.activity"]._ka_create_for_partners(
            [
                (
                    cand["partner_id"],
                    cand["user_id"],
                    cand["activity_type_id"],
                    cand["occasion_date"],
                    cand["summary"],
                )
                for cand in todo
            ]
        )
        self.env.cr.execute(
            SQL(
                """
            UPDATE sales_followup_care_reminder r
               SET activity_id = v.aid
              FROM unnest(%(rids)s::int[], %(aids)s::int[]) AS v(rid, aid)
             WHERE r.id = v.rid
            """,
                rids=[
                    claimed[(c["partner_id"], c["key"], c["occasion_date"])]
                    for c in todo
                ],
                aids=activities.ids,
            )
        )
        self.invalidate_model()
        self._send_care_greetings(
            company, [cand for cand in todo if cand.get("template_id")]
        )
        _logger.info("sales_followup care: %s, %s reminders", company.name, len(todo))
        return len(todo)

    @api.model
    def _send_care_greetings(self, company, candidates):
        """Queue the greeting e-mails of the reminders just created, for 9:00
        on the day in the company's time zone, to those with an e-mail
        address: one batch per template and day (a reminder is created once,
        so is its greeting). A greeting to a company (an anniversary, a
        holiday) goes to its primary and decision-making contacts; to the
        company's own address only when it has none with an e-mail."""
        if not candidates:
            return
        companies = {
            cand["partner_id"]
            for cand in candidates
            if cand["partner_id"] == cand["commercial_partner_id"]
        }
        people = self.env["res.partner"]._ka_greeting_recipients(companies)
        partners = self.env["res.partner"].browse(
            {cand["partner_id"] for cand in candidates}
        )
        partners.fetch(["email"])
        with_email = set(partners.filtered("email").ids)
        batches = defaultdict(list)
        for cand in candidates:
            batch = batches[(cand["template_id"], cand["occasion_date"])]
            if cand["partner_id"] in people:
                batch.extend(
                    pid for pid in people[cand["partner_id"]] if pid not in batch
                )
            elif cand["partner_id"] in with_email:
                batch.append(cand["partner_id"])
        for (template_id, day), partner_ids in batches.items():
            if not partner_ids:
                continue
            when = company._ka_day_start_utc(day) + timedelta(hours=GREETING_HOUR)
            self.env["mail.template"].browse(template_id).sudo().send_mail_batch(
                partner_ids,
                force_send=False,
                email_values={"scheduled_date": when},
            )

    @api.model
    def _birthday_greeting_template(self):
        """The birthday greeting template when the setting is on."""
        enabled = (
            self.env["ir.config_parameter"].sudo().get_param(PARAM_BIRTHDAY_GREETING)
        )
        if not enabled or enabled == "False":
            return False
        return self.env["ir.model.data"]._xmlid_to_res_id(
            "sales_followup.mail_template_care_birthday", raise_if_not_found=False
        )

    @api.model
    def _birthday_days_before(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(PARAM_BIRTHDAY_DAYS, DEFAULT_BIRTHDAY_DAYS)
        )
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return DEFAULT_BIRTHDAY_DAYS

    @api.model
    def _care_birthdays(self, company, today):
        """Contacts of customers of ``company`` with an account manager whose
        birthday (Gregorian, or lunar when marked) falls within the next N
        days."""
        end = today + timedelta(days=self._birthday_days_before())
        self.env.cr.execute(
            SQL(
                """
            SELECT c.id, c.commercial_partner_id, cp.user_id,
                   EXTRACT(MONTH FROM c.birthdate_date)::int,
                   EXTRACT(DAY FROM c.birthdate_date)::int,
                   COALESCE(c.sf_birthday_lunar, FALSE)
              FROM res_partner c
              JOIN res_partner cp ON cp.id = c.commercial_partner_id
             WHERE c.active AND c.birthdate_date IS NOT NULL
               AND NOT c.is_company
               AND %s AND cp.user_id IS NOT NULL
            """,
                self.env["key_account.measure"]._customer_sql(company, "cp"),
            )
        )
        rows = self.env.cr.fetchall()
        care_type = self.env.ref("sales_followup.mail_activity_type_care").id
        template_id = self._birthday_greeting_template()
        found = []
        for pid, cid, uid, month, day, lunar in rows:
            for when in occurrences(month, day, lunar, today, end):
                found.append(
                    {
                        "partner_id": pid,
                        "commercial_partner_id": cid,
                        "user_id": uid,
                        "kind": "birthday",
                        "key": "birthday",
                        "occasion_date": when,
                        "activity_type_id": care_type,
                        "template_id": template_id,
                        "summary": self.env._("Birthday on %(date)s", date=when),
                    }
                )
        return found

    @api.model
    def _care_anniversaries(self, company, today):
        """Customers of ``company`` with an account manager whose anniversary
        (founding day or start of the cooperation) falls within the next N
        days."""
        end = today + timedelta(days=self._birthday_days_before())
        self.env.cr.execute(
            SQL(
                """
            SELECT p.id, p.user_id, p.sf_anniversary_date
              FROM res_partner p
             WHERE %s AND p.user_id IS NOT NULL
               AND p.sf_anniversary_date IS NOT NULL
            """,
                self.env["key_account.measure"]._customer_sql(company, "p"),
            )
        )
        rows = self.env.cr.fetchall()
        care_type = self.env.ref("sales_followup.mail_activity_type_care").id
        found = []
        for pid, uid, since in rows:
            for when in occurrences(since.month, since.day, False, today, end):
                if when.year <= since.year:
                    continue
                found.append(
                    {
                        "partner_id": pid,
                        "commercial_partner_id": pid,
                        "user_id": uid,
                        "kind": "anniversary",
                        "key": "anniversary",
                        "occasion_date": when,
                        "activity_type_id": care_type,
                        "summary": self.env._(
                            "%(years)s years anniversary on %(date)s",
                            years=when.year - since.year,
                            date=when,
                        ),
                    }
                )
        return found

    @api.model
    def _care_holidays(self, company, today):
        """Every key account of ``company`` (a customer with a grade and an
        account manager) for each holiday whose date falls within its reminder
        days."""
        due = []
        for occasion in self.env["sales_followup.care.occasion"].search(
            [("active", "=", True)]
        ):
            end = today + timedelta(days=occasion.days_before)
            for when in occasion._occurrences(today, end):
                due.append((occasion, when))
        if not due:
            return []
        self.env.cr.execute(
            SQL(
                """
            SELECT p.id, p.user_id
              FROM res_partner p
             WHERE %s AND p.user_id IS NOT NULL AND p.ka_grade_id IS NOT NULL
            """,
                self.env["key_account.measure"]._customer_sql(company, "p"),
            )
        )
        accounts = self.env.cr.fetchall()
        found = []
        for occasion, when in due:
            summary = self.env._(
                "%(occasion)s greetings (%(date)s)", occasion=occasion.name, date=when
            )
            template_id = occasion.send_greeting and occasion.greeting_template_id.id
            for pid, uid in accounts:
                found.append(
                    {
                        "partner_id": pid,
                        "commercial_partner_id": pid,
                        "user_id": uid,
                        "kind": "occasion",
                        "occasion_id": occasion.id,
                        "key": f"occasion-{occasion.id}",
                        "occasion_date": when,
                        "activity_type_id": occasion.activity_type_id.id,
                        "summary": summary,
                        "template_id": template_id,
                    }
                )
        return found
