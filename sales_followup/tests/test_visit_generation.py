from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.sales_followup_visit_plan import business_today
from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestVisitGeneration(SalesFollowupCommon):
    def _generated(self, partner):
        return self.Plan.search(
            [("partner_id", "=", partner.id), ("origin", "=", "auto")],
            order="planned_date",
        )

    def test_first_run_plans_every_key_account_today(self):
        missed, created = self.Plan._run_generation(today=self.today)
        self.assertEqual(missed, 0)
        self.assertEqual(created, 3, "customers a, b and west; not the pool customer")
        self.assertFalse(self._generated(self.customer_pool))
        plan = self._generated(self.customer_a)
        self.assertEqual(len(plan), 1)
        self.assertEqual(plan.state, "planned")
        self.assertEqual(plan.user_id, self.sales_a)
        self.assertEqual(plan.team_id, self.team_east)
        self.assertEqual(plan.grade_id, self.grade_a)
        # 09:00 in Shanghai is 01:00 UTC
        self.assertEqual(plan.planned_date, self._at(self.today, 1))

    def test_run_twice_creates_nothing_twice(self):
        self.assertEqual(self.Plan._run_generation(today=self.today), (0, 3))
        self.assertEqual(self.Plan._run_generation(today=self.today), (0, 0))
        self.assertEqual(self.Plan.search_count([("origin", "=", "auto")]), 3)

    def test_interval_follows_the_grade(self):
        self.Plan._run_generation(today=self.today)
        for partner in (self.customer_a, self.customer_b):
            plan = self._generated(partner)
            plan.write({"checkin_date": self._at(self.today)})
            plan.action_done()
        # next day: the A customer (every 7 days) is due within the lead of 7
        # days, the C customer (every 90 days) is not; west missed its visit of
        # yesterday and is planned again
        missed, created = self.Plan._run_generation(today=self._days(1))
        self.assertEqual((missed, created), (1, 2))
        new_a = self._generated(self.customer_a).filtered(
            lambda p: p.state == "planned"
        )
        self.assertEqual(new_a.planned_date.date(), self._days(7))
        self.assertFalse(
            self._generated(self.customer_b).filtered(lambda p: p.state == "planned")
        )
        # 83 days on, the C customer is due within the lead days
        self.Plan._run_generation(today=self._days(83))
        new_b = self._generated(self.customer_b).filtered(
            lambda p: p.state == "planned"
        )
        self.assertEqual(new_b.planned_date.date(), self._days(90))

    def test_lead_days_parameter(self):
        (self.customer_b | self.customer_west).user_id = False
        self.env["ir.config_parameter"].set_param(
            "sales_followup.visit_plan_lead_days", "0"
        )
        self.Plan._run_generation(today=self.today)
        plan = self._generated(self.customer_a)
        plan.write({"checkin_date": self._at(self.today)})
        plan.action_done()
        self.assertEqual(self.Plan._run_generation(today=self._days(6))[1], 0)
        self.assertEqual(self.Plan._run_generation(today=self._days(7))[1], 1)

    def test_overdue_plans_become_missed_and_are_planned_again(self):
        manual = self._plan(self.customer_a, self._at(self._days(-2)))
        future = self._plan(self.customer_b, self._at(self._days(2)))
        missed, created = self.Plan._run_generation(today=self.today)
        self.assertEqual(missed, 1)
        self.assertEqual(manual.state, "missed")
        self.assertEqual(future.state, "planned")
        # a and west are planned again; b has its open manual plan
        self.assertEqual(created, 2)
        self.assertEqual(
            self._generated(self.customer_a).planned_date.date(), self.today
        )
        self.assertFalse(self._generated(self.customer_b))

    def test_done_and_cancelled_plans_are_not_missed(self):
        done = self._plan(self.customer_a, self._at(self._days(-2)))
        done.action_done()
        cancelled = self._plan(self.customer_b, self._at(self._days(-2)))
        cancelled.action_cancel()
        self.assertEqual(self.Plan._run_generation(today=self.today)[0], 0)
        self.assertEqual(done.state, "done")
        self.assertEqual(cancelled.state, "cancelled")

    def test_inactive_grade_and_no_manager_are_skipped(self):
        self.customer_west.user_id = False
        self.customer_b.ka_grade_id = False
        self.assertEqual(self.Plan._run_generation(today=self.today)[1], 1)

    def test_unique_open_generated_plan_per_customer(self):
        self.Plan._run_generation(today=self.today)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.Plan.create(
                {
                    "partner_id": self.customer_a.id,
                    "planned_date": self._at(self._days(1)),
                    "origin": "auto",
                }
            )

    def test_hand_made_plan_on_a_contact(self):
        plan = self.Plan.with_user(self.sales_a).create(
            {
                "partner_id": self.contact_a.id,
                "contact_ids": [(4, self.contact_a.id)],
                "planned_date": self._at(self._days(1)),
                "purpose": "产品介绍",
            }
        )
        self.assertEqual(plan.partner_id, self.customer_a)
        self.assertEqual(plan.origin, "manual")
        self.assertEqual(plan.user_id, self.sales_a)
        self.assertEqual(plan.grade_id, self.grade_a)
        self.assertEqual(plan.name, "上海甲方科技有限公司 · 产品介绍")
        # an open hand-made plan means the cron does not plan that customer
        self.assertEqual(self.Plan._run_generation(today=self.today)[1], 2)

    def test_cron_runs(self):
        self.env.ref(
            "sales_followup.ir_cron_sales_followup_visit_plan"
        ).method_direct_trigger()
        self.assertEqual(
            self._generated(self.customer_a).planned_date.date(),
            business_today(self.env),
        )

    def test_nightly_run_counts_days_in_china(self):
        """The cron runs at night in China, in the afternoon UTC: "today" is
        the Chinese date, and yesterday's plans are missed from Chinese
        midnight on."""
        self.env.company.partner_id.tz = "Asia/Shanghai"
        yesterday_cn = self._plan(
            self.customer_b, datetime(2026, 11, 25, 3, 0)
        )  # 11:00 in Shanghai on 25 November
        with freeze_time("2026-11-25 19:30:00"):  # 03:30 on 26 November
            self.assertEqual(business_today(self.env), date(2026, 11, 26))
            self.Plan._run_generation()
        self.assertEqual(yesterday_cn.state, "missed")
        # 09:00 in Shanghai on 26 November
        self.assertEqual(
            self._generated(self.customer_a).planned_date,
            datetime(2026, 11, 26, 1, 0),
        )
