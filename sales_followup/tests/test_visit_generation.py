from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestVisitGeneration(SalesFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a Wednesday with working days around it (the real today may be a
        # weekend, when visits are planned on the Monday)
        cls.today = date(2026, 6, 3)

    def _generate(self, today):
        return self.Plan._run_generation(self.company, today)

    def _generated(self, partner):
        return self.Plan.search(
            [("partner_id", "=", partner.id), ("origin", "=", "auto")],
            order="planned_date",
        )

    def test_first_run_plans_every_key_account_today(self):
        missed, created = self._generate(self.today)
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
        self.assertEqual(self._generate(self.today), (0, 3))
        self.assertEqual(self._generate(self.today), (0, 0))
        self.assertEqual(self.Plan.search_count([("origin", "=", "auto")]), 3)

    def test_interval_follows_the_grade(self):
        self._generate(self.today)
        for partner in (self.customer_a, self.customer_b):
            plan = self._generated(partner)
            plan.write({"checkin_date": self._at(self.today)})
            plan.action_done()
        # next day: the A customer (every 7 days) is due within the lead of 7
        # days, the C customer (every 90 days) is not; west missed its visit of
        # yesterday and is planned again
        missed, created = self._generate(self._days(1))
        self.assertEqual((missed, created), (1, 2))
        new_a = self._generated(self.customer_a).filtered(
            lambda p: p.state == "planned"
        )
        self.assertEqual(new_a.planned_date.date(), self._days(7))
        self.assertFalse(
            self._generated(self.customer_b).filtered(lambda p: p.state == "planned")
        )
        # 83 days on, the C customer is due within the lead days
        self._generate(self._days(83))
        new_b = self._generated(self.customer_b).filtered(
            lambda p: p.state == "planned"
        )
        self.assertEqual(new_b.planned_date.date(), self._days(90))

    def test_lead_days_parameter(self):
        (self.customer_b | self.customer_west).user_id = False
        self.env["ir.config_parameter"].set_param(
            "sales_followup.visit_plan_lead_days", "0"
        )
        self._generate(self.today)
        plan = self._generated(self.customer_a)
        plan.write({"checkin_date": self._at(self.today)})
        plan.action_done()
        self.assertEqual(self._generate(self._days(6))[1], 0)
        self.assertEqual(self._generate(self._days(7))[1], 1)

    def test_overdue_plans_become_missed_and_are_planned_again(self):
        manual = self._plan(self.customer_a, self._at(self._days(-2)))
        future = self._plan(self.customer_b, self._at(self._days(2)))
        missed, created = self._generate(self.today)
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
        self.assertEqual(self._generate(self.today)[0], 0)
        self.assertEqual(done.state, "done")
        self.assertEqual(cancelled.state, "cancelled")

    def test_inactive_grade_and_no_manager_are_skipped(self):
        self.customer_west.user_id = False
        self.customer_b.ka_grade_id = False
        self.assertEqual(self._generate(self.today)[1], 1)

    def test_unique_open_generated_plan_per_customer(self):
        self._generate(self.today)
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
        # a salesperson plans from their business day on: on the test's day
        with freeze_time(self._at(self.today)):
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
        self.assertEqual(self._generate(self.today)[1], 2)

    def test_pipeline_runs_the_step(self):
        rows = self._steps(["visit_plans"], today=self.today)
        self.assertEqual(rows, {"visit_plans": 3})
        self.assertEqual(
            self._generated(self.customer_a).planned_date.date(), self.today
        )
        self.assertEqual(
            self._steps(["visit_plans"], today=self.today), {"visit_plans": 0}
        )

    def test_cron_user_without_time_zone_at_2330_beijing(self):
        """The pipeline runs as a user without time zone: at 23:30 Beijing
        time (15:30 UTC) it is still the 30th for the company, and a visit
        planned at 07:30 that day (23:30 UTC the day before) is not missed;
        at 00:30 (16:30 UTC, still the 30th in UTC) the company's day is the
        1st: the visits of the 30th are missed and the new ones planned on
        the 1st."""
        cron_user = new_test_user(self.env, login="sf_cron_no_tz", tz=False)
        cron_user.tz = False
        self.company.partner_id.tz = False  # China by default
        early = self._plan(self.customer_b, datetime(2026, 6, 29, 23, 30))
        pipeline = self.env["key_account.pipeline"].with_user(cron_user).sudo()
        with freeze_time("2026-06-30 15:30:00"):
            pipeline._run(companies=self.company, codes=["visit_plans"])
        self.assertEqual(early.state, "planned")
        # 09:00 in Shanghai on 30 June (01:00 UTC)
        plan_a = self._generated(self.customer_a)
        self.assertEqual(plan_a.planned_date, datetime(2026, 6, 30, 1, 0))
        self.assertEqual(plan_a.company_id, self.company)
        with freeze_time("2026-06-30 16:30:00"):
            pipeline._run(companies=self.company, codes=["visit_plans"])
        self.assertEqual(early.state, "missed")
        self.assertEqual(plan_a.state, "missed")
        self.assertEqual(
            self._generated(self.customer_a)
            .filtered(lambda p: p.state == "planned")
            .planned_date,
            datetime(2026, 7, 1, 1, 0),
        )

    def test_account_manager_time_zone_and_company_default(self):
        """Plans are at 09:00 in the account manager's time zone; without
        one, in the company's."""
        self.company.partner_id.tz = "Asia/Shanghai"
        self.sales_a.tz = "Asia/Tokyo"
        self.sales_b.tz = False
        self._generate(date(2026, 11, 26))
        self.assertEqual(
            self._generated(self.customer_a).planned_date, datetime(2026, 11, 26, 0, 0)
        )
        self.assertEqual(
            self._generated(self.customer_b).planned_date, datetime(2026, 11, 26, 1, 0)
        )

    def test_only_the_customers_of_the_company(self):
        """A customer of another company is planned by that company's step,
        in that company."""
        other = self.env["res.company"].create({"name": "成都分公司"})
        self.customer_west.company_id = other
        self.assertEqual(self._generate(self.today), (0, 2))
        self.assertFalse(self._generated(self.customer_west))
        self.assertEqual(self.Plan._run_generation(other, self.today), (0, 1))
        self.assertEqual(self._generated(self.customer_west).company_id, other)

    def test_never_on_a_holiday_make_up_day_counts(self):
        """2026 National Day: nothing is planned from 1 to 7 October; a
        customer due on 2 October is planned on Thursday 8 October, and
        Saturday 10 October is a make-up working day (调休)."""
        (self.customer_b | self.customer_west).user_id = False
        _missed, created = self._generate(date(2026, 10, 1))
        self.assertEqual(created, 1)
        plan = self._generated(self.customer_a)
        self.assertEqual(plan.planned_date.date(), date(2026, 10, 8))
        # capacity 1 a day: three customers of one manager fill 8, 9 and 10
        # October (Saturday the 10th is worked), none lands on Sunday 11th
        self.env["ir.config_parameter"].set_param(
            "sales_followup.visit_plan_daily_capacity", "1"
        )
        (self.customer_b | self.customer_west).write(
            {"user_id": self.sales_a.id, "team_id": self.team_east.id}
        )
        # the plan of the 8th already uses that day's capacity
        self.assertEqual(self._generate(date(2026, 10, 6))[1], 2)
        days = sorted(
            self._generated(c).planned_date.date()
            for c in (self.customer_a, self.customer_b, self.customer_west)
        )
        self.assertEqual(
            days, [date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)]
        )

    def test_daily_capacity_per_account_manager(self):
        """At most the daily capacity of generated visits per account manager
        and working day; the rest on the next working days, or later."""
        self.env["ir.config_parameter"].set_param(
            "sales_followup.visit_plan_daily_capacity", "2"
        )
        self.env["ir.config_parameter"].set_param(
            "sales_followup.visit_plan_lead_days", "1"
        )
        customers = self.env["res.partner"]
        for i in range(5):
            customers |= self._ka_customer(
                f"容量客户{i}有限公司",
                self.sales_a,
                self.team_east,
                ka_grade_id=self.grade_a.id,
            )
        # six customers of sales_a: 2 on Wednesday 3 June, 2 on Thursday, two
        # wait; b and west have their own managers
        self.assertEqual(self._generate(self.today)[1], 4 + 1 + 1)
        per_day = {}
        for customer in customers | self.customer_a:
            plan = self._generated(customer)
            if plan:
                day = plan.planned_date.date()
                per_day[day] = per_day.get(day, 0) + 1
        self.assertEqual(per_day, {self.today: 2, self._days(1): 2})
