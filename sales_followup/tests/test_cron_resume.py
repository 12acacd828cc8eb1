"""Every nightly run of sales_followup can be killed in the middle and run
again: the result is the one of a single clean run, nothing twice, nothing
lost.

A killed cron worker leaves its transaction open; PostgreSQL rolls it back.
The tests reproduce this on the same data: a clean run is made and undone
(savepoint), then a step of the run is patched to raise part-way, after some
of the work is written, and its savepoint is rolled back as PostgreSQL would;
the run is made again and its result compared with the clean one; a third run
adds nothing."""

from datetime import date, datetime, timedelta
from unittest.mock import patch

from odoo.tests import tagged

from .common import SalesFollowupCommon


class Interrupted(Exception):
    """Stands for the worker being killed."""


@tagged("post_install", "-at_install")
class TestCronResume(SalesFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.Activity = cls.env["mail.activity"]
        cls.customers = (
            cls.customer_a | cls.customer_b | cls.customer_west | cls.customer_pool
        )
        cls.contact_a.write({"email": "wang@example.com", "lang": "zh_CN"})
        cls.contact_b = cls.env["res.partner"].create(
            {
                "name": "李主任",
                "parent_id": cls.customer_b.id,
                "type": "contact",
                "email": "li@example.com",
            }
        )
        cls.all_partners = cls.customers | cls.contact_a | cls.contact_b

    # ------------------------------------------------------------------
    # the harness
    # ------------------------------------------------------------------
    def _check_resumable(self, run, snapshot, model, method, before=False):
        """Clean run vs. interrupted run + re-run on identical data.

        `method` of `model` is patched to raise after its first call returns
        (or, with `before`, instead of running): the run has written part of
        its work when it is interrupted."""
        cr = self.env.cr
        self.env.flush_all()
        initial = snapshot()
        savepoint = cr.savepoint()
        try:
            run()
            self.env.flush_all()
            clean = snapshot()
        finally:
            savepoint.close(rollback=True)
        self.env.invalidate_all()
        self.assertEqual(snapshot(), initial, "the clean run is undone")
        self.assertNotEqual(clean, initial, "the clean run does something")

        model_class = type(self.env[model])
        original = getattr(model_class, method)
        seen = {"partial": None}

        def interrupted(this, *args, **kwargs):
            if not before:
                original(this, *args, **kwargs)
            self.env.flush_all()
            seen["partial"] = snapshot()
            raise Interrupted(method)

        with (
            patch.object(model_class, method, interrupted),
            self.assertRaises(Interrupted),
            cr.savepoint(),
        ):
            run()
        self.env.invalidate_all()
        self.assertNotEqual(seen["partial"], initial, "interrupted part-way")
        self.assertNotEqual(seen["partial"], clean, "interrupted part-way")
        self.assertEqual(snapshot(), initial, "the killed run left nothing")

        run()
        self.env.flush_all()
        self.assertEqual(snapshot(), clean, "re-run = one clean run")
        run()
        self.env.flush_all()
        self.assertEqual(snapshot(), clean, "a further run adds nothing")

    def _activities(self):
        return sorted(
            (a.res_id, a.user_id.id, a.activity_type_id.id, a.date_deadline, a.summary)
            for a in self.Activity.search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", self.all_partners.ids),
                ]
            )
        )

    def _mails(self):
        return sorted(
            (tuple(m.recipient_ids.ids), m.subject, m.scheduled_date)
            for m in self.env["mail.mail"].search(
                [("recipient_ids", "in", self.all_partners.ids)]
            )
        )

    # ------------------------------------------------------------------
    # the runs
    # ------------------------------------------------------------------
    def test_visit_plan_generation(self):
        Plan = self.Plan
        # an overdue plan to mark missed, a done visit long ago
        self._plan(self.customer_b, self._at(self._days(-3)))
        self._plan(self.customer_west, self._at(self._days(-90))).state = "done"

        def snapshot():
            return sorted(
                (p.partner_id.id, p.planned_date, p.state, p.origin, p.user_id.id)
                for p in Plan.search([("partner_id", "in", self.customers.ids)])
            )

        self._check_resumable(
            lambda: Plan._run_generation(self.company, self.today),
            snapshot,
            "sales_followup.visit.plan",
            "_mark_missed",
        )
        self.assertEqual(Plan._run_generation(self.company, self.today), (0, 0))

    def test_followup_policy(self):
        Partner = self.env["res.partner"]
        day = self._days(60)

        def snapshot():
            return (
                [
                    (p.id, p.sf_followup_overdue, p.sf_followup_notice_date)
                    for p in self.customers.sorted("id")
                ],
                self._activities(),
            )

        self._check_resumable(
            lambda: Partner._sf_run_followup_policy(self.company, day),
            snapshot,
            "mail.activity",
            "_ka_create_for_partners",
        )
        self.assertEqual(Partner._sf_run_followup_policy(self.company, day), (3, 0, 0))

    def test_care_reminders(self):
        Reminder = self.env["sales_followup.care.reminder"]
        national_day = self.env.ref("sales_followup.care_occasion_national_day")
        self.env["sales_followup.care.occasion"].search(
            [("id", "!=", national_day.id)]
        ).active = False
        national_day.send_greeting = True
        self.env["ir.config_parameter"].set_param(
            "sales_followup.birthday_greeting", "True"
        )
        self.contact_a.birthdate_date = date(1985, 10, 1)
        self.contact_b.birthdate_date = date(1990, 9, 30)
        self.customer_a.email = "jiafang@example.com"
        today = date(2028, 9, 28)

        def snapshot():
            return (
                sorted(
                    (r.partner_id.id, r.key, r.occasion_date, r.user_id.id)
                    for r in Reminder.search(
                        [("partner_id", "in", self.all_partners.ids)]
                    )
                ),
                sorted(
                    r.partner_id.id
                    for r in Reminder.search(
                        [
                            ("partner_id", "in", self.all_partners.ids),
                            ("activity_id", "=", False),
                        ]
                    )
                ),
                self._activities(),
                self._mails(),
            )

        self._check_resumable(
            lambda: Reminder._run_care_reminders(self.company, today),
            snapshot,
            "mail.activity",
            "_ka_create_for_partners",
        )
        reminders = Reminder.search([("partner_id", "in", self.all_partners.ids)])
        # 2 birthdays + national day for a, b and west
        self.assertEqual(len(reminders), 5)
        self.assertTrue(all(reminders.mapped("activity_id")))
        self.assertEqual(Reminder._run_care_reminders(self.company, today), 0)

    def test_activity_reminders(self):
        phone = self.env.ref("sales_followup.mail_activity_type_phone")
        phone.sf_reminder_days = 1
        day = date(2027, 5, 10)
        self.Activity.search([("date_deadline", ">=", day)]).unlink()
        for user, customer in (
            (self.sales_a, self.customer_a),
            (self.sales_a, self.customer_b),
            (self.sales_b, self.customer_b),
        ):
            self.Activity.create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": customer.id,
                    "activity_type_id": phone.id,
                    "user_id": user.id,
                    "date_deadline": day + timedelta(days=1),
                    "summary": "电话回访",
                }
            )
        users = self.sales_a | self.sales_b

        def snapshot():
            messages = self.env["mail.message"].search(
                [
                    ("message_type", "=", "user_notification"),
                    ("partner_ids", "in", users.partner_id.ids),
                    ("subject", "!=", False),
                ]
            )
            return (
                sorted(
                    (a.res_id, a.user_id.id, a.sf_reminded)
                    for a in self.Activity.search([("date_deadline", ">=", day)])
                ),
                sorted((m.partner_ids.ids[0], m.subject, m.body) for m in messages),
            )

        # killed after the first user's message
        self._check_resumable(
            lambda: self.Activity._run_sf_activity_reminders(self.company, day),
            snapshot,
            "mail.thread",
            "message_notify",
        )
        self.assertEqual(self.Activity._run_sf_activity_reminders(self.company, day), 0)

    def test_kpi(self):
        Target = self.env["sales_followup.kpi.target"]
        targets = Target.create(
            [
                {
                    "user_id": user.id,
                    "period_type": "month",
                    "period_start": date(2026, 3, 1),
                    "target_visit": 4,
                }
                for user in (self.sales_a, self.sales_b)
            ]
        )
        for n, user in enumerate((self.sales_a, self.sales_a, self.sales_b)):
            self._plan(
                self.customer_b, datetime(2026, 3, 10 + n, 3), user_id=user.id
            ).state = "done"
        fields_ = ["actual_visit", "rate_visit", "score", "rank"]

        def snapshot():
            targets.invalidate_recordset()
            return targets.read(fields_)

        self._check_resumable(
            lambda: Target._run_kpi_actuals(self.company, date(2026, 3, 31)),
            snapshot,
            "sales_followup.kpi.target",
            "_update_ranks",
            before=True,
        )
        self.assertEqual(targets.mapped("actual_visit"), [2, 1])
        self.assertEqual(targets.mapped("rank"), [1, 2])
