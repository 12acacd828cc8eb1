import logging
from datetime import date, timedelta

from odoo.tests import tagged

from .common import SalesFollowupCommon

_logger = logging.getLogger(__name__)

STEPS = (
    "visit_plans",
    "followup_policy",
    "care_reminders",
    "kpi_actuals",
    "activity_reminders",
)


@tagged("post_install", "-at_install")
class TestCronQueryCounts(SalesFollowupCommon):
    """The nightly steps cost the same number of queries for N and 3N
    customers.

    The activities they make are created in one batch by key_account's
    ``mail.activity._ka_create_for_partners``, whose cost grows with the
    number of distinct assigned users (a bus notification of each user's
    activity counter), not with the number of customers. The customers
    therefore grow here while the salespeople stay a fixed set: the counts
    are constant in the number of customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the fixed set of account managers of every customer made here
        cls.salespeople = cls.sales_a | cls.sales_b

    def _customers(self, count, tag):
        return self.env["res.partner"].create(
            [
                {
                    "name": f"{tag}性能客户{i:03d}有限公司",
                    "is_company": True,
                    "user_id": self.salespeople[i % len(self.salespeople)].id,
                    "team_id": self.team_east.id,
                    "ka_grade_id": (self.grade_a if i % 3 else self.grade_c).id,
                }
                for i in range(count)
            ]
        )

    def _count(self, fn):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = fn()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before, result

    def _generation_queries(self, count, tag):
        customers = self._customers(count, tag)
        Plan = self.env["sales_followup.visit.plan"]
        # overdue plans of the same customers, to be marked missed
        Plan.create(
            [
                {"partner_id": c.id, "planned_date": self._at(self._days(-3))}
                for c in customers
            ]
        )
        queries, (missed, created) = self._count(
            lambda: Plan._run_generation(self.company, self.today)
        )
        self.assertEqual(missed, count)
        self.assertGreaterEqual(created, count)
        _again, (_missed, created_again) = self._count(
            lambda: Plan._run_generation(self.company, self.today)
        )
        self.assertEqual(created_again, 0)
        Plan.search([]).unlink()
        customers.write({"active": False})
        return queries

    def test_generation_queries_do_not_grow(self):
        # every due customer fits in the window: the daily capacity is not
        # what this test measures
        self.env["ir.config_parameter"].set_param(
            "sales_followup.visit_plan_daily_capacity", "100"
        )
        # warm-up: caches, and the customers of the common set-up planned
        self.env["sales_followup.visit.plan"]._run_generation(self.company, self.today)
        small = self._generation_queries(20, "甲")
        large = self._generation_queries(60, "乙")
        _logger.info("visit plan generation queries: 20 -> %s, 60 -> %s", small, large)
        self.assertEqual(small, large)

    def _policy_queries(self, count, tag):
        customers = self._customers(count, tag)
        Partner = self.env["res.partner"]
        day = self._days(60)
        queries, (flagged, reminded, _changed) = self._count(
            lambda: Partner._sf_run_followup_policy(self.company, day)
        )
        self.assertGreaterEqual(flagged, count)
        self.assertGreaterEqual(reminded, count)
        self.assertEqual(Partner._sf_run_followup_policy(self.company, day)[1], 0)
        self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", customers.ids)]
        ).unlink()
        customers.sudo().write({"active": False, "sf_followup_notice_date": False})
        return queries

    def test_policy_queries_do_not_grow(self):
        # warm-up: caches, and the customers of the common set-up reminded
        self.env["res.partner"]._sf_run_followup_policy(self.company, self._days(60))
        # 20 then 60 customers, of the same two account managers
        small = self._policy_queries(20, "丙")
        large = self._policy_queries(60, "丁")
        _logger.info("follow-up policy queries: 20 -> %s, 60 -> %s", small, large)
        self.assertEqual(small, large)

    def _care_queries(self, count, tag):
        # contacts of customer_a: one account manager whatever their number
        contacts = self.env["res.partner"].create(
            [
                {
                    "name": f"{tag}联系人{i:03d}",
                    "parent_id": self.customer_a.id,
                    "birthdate_date": "1990-03-12",
                    "sf_birthday_lunar": bool(i % 2),
                }
                for i in range(count)
            ]
        )
        Reminder = self.env["sales_followup.care.reminder"]
        # 12 March 2027 (Gregorian) and lunar 3/12 2027 (7 April)
        day = date(2027, 3, 10)
        queries, created = self._count(
            lambda: Reminder._run_care_reminders(self.company, day)
        )
        self.assertEqual(created, count // 2, "the Gregorian ones")
        self.assertEqual(Reminder._run_care_reminders(self.company, day), 0)
        contacts.write({"active": False})
        return queries

    def test_care_queries_do_not_grow(self):
        self.env["sales_followup.care.occasion"].search([]).active = False
        # warm-up: caches, with one reminder made
        self.contact_a.birthdate_date = date(1990, 3, 12)
        day = date(2027, 3, 10)
        self.assertEqual(
            self.env["sales_followup.care.reminder"]._run_care_reminders(
                self.company, day
            ),
            1,
        )
        small = self._care_queries(20, "戊")
        large = self._care_queries(60, "己")
        _logger.info("care reminder queries: 20 -> %s, 60 -> %s", small, large)
        self.assertEqual(small, large)

    def _pipeline_queries(self, count, tag, day):
        """The queries of sales_followup's five steps on ``count`` customers
        of the same two account managers, each with a contact whose birthday
        is in two days, an overdue visit and no follow-up; rolled back."""
        cr = self.env.cr
        savepoint = cr.savepoint()
        try:
            customers = self._customers(count, tag)
            birthday = (day + timedelta(days=2)).replace(year=1992)
            self.env["res.partner"].create(
                [
                    {
                        "name": f"{tag}联系人{i:03d}",
                        "parent_id": customer.id,
                        "birthdate_date": birthday,
                    }
                    for i, customer in enumerate(customers)
                ]
            )
            self.Plan.create(
                [
                    {
                        "partner_id": c.id,
                        "planned_date": self._at(day - timedelta(days=3)),
                    }
                    for c in customers
                ]
            )
            queries, report = self._count(
                lambda: (
                    self.env["key_account.pipeline"]
                    .sudo()
                    ._run(companies=self.company, today=day, codes=STEPS)
                )
            )
            rows = {item["step"]: item["rows"] for item in report}
            # every step did work on every customer
            self.assertGreaterEqual(rows["visit_plans"], 2 * count)
            self.assertGreaterEqual(rows["followup_policy"], 2 * count)
            self.assertGreaterEqual(rows["care_reminders"], count)
            self.assertIn("kpi_actuals", rows)
            self.assertGreaterEqual(rows["activity_reminders"], count)
            return queries
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    def test_pipeline_steps_do_not_grow(self):
        day = self._days(60)
        self.env["sales_followup.care.occasion"].search([]).active = False
        # the follow-up reminders (to-do, due on the day) are reminded too
        self.env.ref("mail.mail_activity_data_todo").sf_reminder_days = 1
        self.env["sales_followup.kpi.target"].create(
            [
                {"user_id": user.id, "period_start": day, "target_visit": 10}
                for user in self.salespeople
            ]
        )
        # warm-up: caches, and the customers of the common set-up
        self.env["key_account.pipeline"].sudo()._run(
            companies=self.company, today=day, codes=STEPS
        )
        small = self._pipeline_queries(10, "庚", day + timedelta(days=1))
        large = self._pipeline_queries(30, "辛", day + timedelta(days=1))
        _logger.info("sales_followup steps' queries: 10 -> %s, 30 -> %s", small, large)
        self.assertEqual(small, large)
