from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestVisitForgery(SalesFollowupCommon):
    """A visit is created planned and becomes done only through its buttons:
    a salesperson cannot make up a done visit (a follow-up and a KPI actual),
    for themselves or for a colleague, over RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_a = cls._plan(cls.customer_a, cls._at(cls.today))
        cls.SalesPlan = cls.Plan.with_user(cls.sales_a)

    def _vals(self, **vals):
        return {
            "partner_id": self.customer_a.id,
            "planned_date": self._at(self.today),
            **vals,
        }

    # ------------------------------------------------------------------
    # the status and the check-in figures
    # ------------------------------------------------------------------
    def test_salesperson_cannot_create_a_done_visit(self):
        """The reported call: a done visit without check-in, of last month,
        for a colleague."""
        last_month = self._at(self.today - timedelta(days=30))
        for vals in (
            {"state": "done"},
            {"state": "done", "user_id": self.sales_b.id, "planned_date": last_month},
            {"state": "cancelled"},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(AccessError, "created planned"),
            ):
                self.SalesPlan.create(self._vals(**vals))
        self.assertFalse(
            self.Plan.search(
                [("partner_id", "=", self.customer_a.id), ("state", "=", "done")]
            )
        )

    def test_new_visit_may_come_with_its_default_status(self):
        plan = self.SalesPlan.create(self._vals(state="planned"))
        self.assertEqual(plan.state, "planned")
        self.assertEqual(plan.user_id, self.sales_a)

    def test_status_and_check_in_are_not_writable(self):
        now = fields.Datetime.now()
        for user in (self.sales_a, self.leader, self.manager):
            plan = self.plan_a.with_user(user)
            for vals in (
                {"state": "done"},
                {"state": "cancelled"},
                {"state": "planned"},
                {"checkin_date": now},
                {"checkout_date": now},
                {"checkin_located": True, "checkin_latitude": 31.2},
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaises(AccessError),
                ):
                    plan.write(vals)
        with self.assertRaises(AccessError):
            self.SalesPlan.create(self._vals(checkin_date=now))
        self.assertEqual(self.plan_a.state, "planned")
        self.assertFalse(self.plan_a.checkin_date)

    def test_refusal_is_in_the_users_language(self):
        plan = self.plan_a.with_user(self.sales_a).with_context(lang="zh_CN")
        with self.assertRaisesRegex(AccessError, "按钮"):
            plan.write({"state": "done"})
        with self.assertRaisesRegex(AccessError, "团队主管"):
            self.SalesPlan.with_context(lang="zh_CN").create(
                self._vals(user_id=self.sales_b.id)
            )

    # ------------------------------------------------------------------
    # whose visit
    # ------------------------------------------------------------------
    def test_salesperson_plans_only_own_visits(self):
        with self.assertRaisesRegex(AccessError, "only for themselves"):
            self.SalesPlan.create(self._vals(user_id=self.sales_b.id))
        with self.assertRaises(AccessError):
            self.SalesPlan.create(self._vals(user_id=False))
        plan = self.SalesPlan.create(self._vals(user_id=self.sales_a.id))
        with self.assertRaisesRegex(AccessError, "only for themselves"):
            plan.write({"user_id": self.sales_b.id})
        self.assertEqual(plan.user_id, self.sales_a)
        # another customer brings its own account manager: refused too
        with self.assertRaises(AccessError):
            plan.write({"partner_id": self.customer_b.id})
        plan.invalidate_recordset()  # the write was rolled back
        self.assertEqual(plan.partner_id, self.customer_a)
        # what the salesperson writes on their visit stays writable
        plan.write({"purpose": "产品演示", "planned_date": self._at(self._days(1))})
        self.assertEqual(plan.purpose, "产品演示")

    def test_leader_and_manager_plan_for_a_colleague(self):
        plan = self.Plan.with_user(self.leader).create(
            self._vals(user_id=self.sales_b.id)
        )
        self.assertEqual(plan.user_id, self.sales_b)
        plan.with_user(self.leader).write({"user_id": self.sales_a.id})
        self.assertEqual(plan.user_id, self.sales_a)
        plan = self.Plan.with_user(self.manager).create(
            self._vals(partner_id=self.customer_west.id)
        )
        self.assertEqual(plan.user_id, self.sales_west)

    # ------------------------------------------------------------------
    # the day of the visit
    # ------------------------------------------------------------------
    def test_salesperson_cannot_plan_a_past_day(self):
        yesterday = self._at(self._days(-1))
        with self.assertRaisesRegex(AccessError, "past day"):
            self.SalesPlan.create(self._vals(planned_date=yesterday))
        with self.assertRaisesRegex(AccessError, "past day"):
            self.plan_a.with_user(self.sales_a).write({"planned_date": yesterday})
        # a leader records a visit after the fact
        plan = self.Plan.with_user(self.leader).create(
            self._vals(planned_date=yesterday, user_id=self.sales_a.id)
        )
        self.assertEqual(plan.planned_date, yesterday)

    def test_visit_of_a_later_day_is_not_done_without_check_in(self):
        plan = self.SalesPlan.create(self._vals(planned_date=self._at(self._days(2))))
        with self.assertRaisesRegex(UserError, "later day"):
            plan.action_done()
        self.assertEqual(plan.state, "planned")
        plan.action_check_in(latitude=31.2305, longitude=121.4737)
        plan.action_check_out()
        self.assertEqual(plan.state, "done")

    def test_closed_visit_keeps_its_customer_and_date(self):
        plan = self.plan_a.with_user(self.sales_a)
        plan.action_done()
        for user in (self.sales_a, self.leader):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.plan_a.with_user(user).write(
                    {"planned_date": self._at(self._days(-20))}
                )
        with self.assertRaises(AccessError):
            plan.write({"partner_id": self.customer_a.id})
        self.assertEqual(plan.planned_date, self._at(self.today))

    # ------------------------------------------------------------------
    # the buttons still work for the salesperson
    # ------------------------------------------------------------------
    def test_buttons_of_own_visit(self):
        plan = self.SalesPlan.create(self._vals(purpose="季度拜访"))
        plan.action_check_in(latitude=31.2313, longitude=121.4737, accuracy=15.0)
        self.assertTrue(plan.checkin_date)
        self.assertAlmostEqual(plan.checkin_distance, 100.1, delta=0.5)
        plan.write({"outcome": "progress", "next_step": "发送报价"})
        plan.action_check_out(latitude=31.2313, longitude=121.4737)
        self.assertEqual(plan.state, "done")
        self.assertTrue(plan.checkout_date)
        self.assertEqual(plan.write_uid, self.sales_a)
        self.assertEqual(plan.next_step_activity_id.user_id, self.sales_a)
        # closed without a check-in (today), cancelled, planned again
        other = self.SalesPlan.create(self._vals())
        other.action_cancel()
        self.assertEqual(other.state, "cancelled")
        other.action_reset()
        self.assertEqual(other.state, "planned")
        other.action_done()
        self.assertEqual(other.state, "done")
        self.assertFalse(other.checkin_date)
        # a cancelled visit is not closed by Mark Done
        third = self.SalesPlan.create(self._vals())
        third.action_cancel()
        third.action_done()
        self.assertEqual(third.state, "cancelled")

    # ------------------------------------------------------------------
    # bad input
    # ------------------------------------------------------------------
    def test_bad_input_gets_a_clear_error(self):
        for vals in (
            {"planned_date": "2026-13-45"},
            {"planned_date": "abc"},
            {"next_step_date": "2026-02-30"},
            {"purpose": "拜访\x00"},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.SalesPlan.create(self._vals(**vals))
        plan = self.plan_a.with_user(self.sales_a)
        with self.assertRaisesRegex(ValidationError, "abc"):
            plan.write({"next_step_date": "abc"})
        with self.assertRaises(ValidationError):
            plan.with_context(lang="zh_CN").write({"planned_date": "2026-13-45"})
        target = self.env["sales_followup.kpi.target"].with_user(self.manager)
        with self.assertRaises(ValidationError):
            target.create(
                {
                    "user_id": self.sales_a.id,
                    "period_start": self.today,
                    "target_visit": 2**40,
                }
            )
        with self.assertRaises(ValidationError):
            self.customer_a.with_user(self.sales_a).activity_schedule(
                "sales_followup.mail_activity_type_phone",
                summary="电话\x00",
                user_id=self.sales_a.id,
            )
