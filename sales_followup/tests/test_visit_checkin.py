from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.sales_followup_visit_plan import haversine_m
from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestVisitCheckin(SalesFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._plan(cls.customer_a, cls._at(cls.today))

    def test_haversine(self):
        # 北京天安门 to 上海人民广场: about 1,067 km
        distance = haversine_m(39.9042, 116.4074, 31.2304, 121.4737)
        self.assertAlmostEqual(distance / 1000, 1067, delta=3)
        self.assertEqual(haversine_m(31.2304, 121.4737, 31.2304, 121.4737), 0)
        # 0.001 degree of latitude is about 111 m
        self.assertAlmostEqual(
            haversine_m(31.0, 121.0, 31.001, 121.0), 111.2, delta=0.5
        )

    def test_check_in_near_the_customer(self):
        plan = self.plan.with_user(self.sales_a)
        plan.action_check_in(latitude=31.2313, longitude=121.4737, accuracy=20.0)
        self.assertTrue(plan.checkin_date)
        self.assertTrue(plan.checkin_located)
        self.assertAlmostEqual(plan.checkin_distance, 100.1, delta=0.5)
        self.assertEqual(plan.checkin_accuracy, 20.0)
        self.assertFalse(plan.checkin_far)
        self.assertEqual(plan.state, "planned")

    def test_check_in_far_from_the_customer(self):
        plan = self.plan.with_user(self.sales_a)
        # about 1.1 km north of the customer: beyond the default 500 m
        plan.action_check_in(latitude=31.2404, longitude=121.4737, accuracy=15.0)
        self.assertAlmostEqual(plan.checkin_distance, 1112, delta=2)
        self.assertTrue(plan.checkin_far)
        self.assertIn("1112", plan.message_ids[0].body)

    def test_radius_parameter(self):
        self.env["ir.config_parameter"].set_param(
            "sales_followup.checkin_radius_m", "50"
        )
        plan = self.plan.with_user(self.sales_a)
        plan.action_check_in(latitude=31.2313, longitude=121.4737)
        self.assertTrue(plan.checkin_far)

    def test_settings_write_the_parameters(self):
        settings = self.env["res.config.settings"].create(
            {"sf_checkin_radius_m": 800, "sf_followup_period_days": 14}
        )
        settings.execute()
        param = self.env["ir.config_parameter"].get_param
        self.assertEqual(param("sales_followup.checkin_radius_m"), "800")
        self.assertEqual(param("sales_followup.followup_period_days"), "14")

    def test_check_in_without_position_or_customer_location(self):
        plan = self.plan.with_user(self.sales_a)
        plan.action_check_in()
        self.assertTrue(plan.checkin_date)
        self.assertFalse(plan.checkin_located)
        self.assertFalse(plan.checkin_far)
        other = self._plan(self.customer_b, self._at(self.today))
        other.action_check_in(latitude=30.0, longitude=120.0)
        self.assertTrue(other.checkin_located)
        self.assertEqual(other.checkin_distance, 0.0, "customer b has no location")
        self.assertFalse(other.checkin_far)

    def test_check_out_closes_the_visit_with_next_step(self):
        plan = self.plan.with_user(self.sales_a)
        plan.action_check_in(latitude=31.2304, longitude=121.4737)
        with self.assertRaises(UserError):
            plan.action_check_in(latitude=31.2304, longitude=121.4737)
        plan.write(
            {
                "outcome": "progress",
                "note": "<p>客户同意试用</p>",
                "next_step": "安排产品演示",
                "next_step_date": self._days(5),
            }
        )
        plan.action_check_out(latitude=31.2305, longitude=121.4738, accuracy=30.0)
        self.assertEqual(plan.state, "done")
        self.assertTrue(plan.checkout_date)
        self.assertEqual(plan.checkout_accuracy, 30.0)
        activity = plan.next_step_activity_id
        self.assertTrue(activity)
        self.assertEqual(activity.res_model, "res.partner")
        self.assertEqual(activity.res_id, self.customer_a.id)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("sales_followup.mail_activity_type_visit"),
        )
        self.assertEqual(activity.user_id, self.sales_a)
        self.assertEqual(activity.date_deadline, self._days(5))
        self.assertEqual(activity.summary, "安排产品演示")
        # done again: no second activity
        plan.action_done()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id)]
            ),
            1,
        )
        with self.assertRaises(UserError):
            plan.action_check_out()

    def test_done_without_next_step_makes_no_activity(self):
        self.plan.action_done()
        self.assertFalse(self.plan.next_step_activity_id)

    def test_check_in_refuses_what_is_not_a_position(self):
        """The check-in is callable by RPC: text, NaN or a list get a clear
        error and nothing is written."""
        for latitude, longitude in (("abc", 121.0), (float("nan"), 121.0), ([1], 2)):
            with self.assertRaises(UserError):
                self.plan.action_check_in(latitude=latitude, longitude=longitude)
            self.assertFalse(self.plan.checkin_date)
        self.plan.action_check_in(latitude="31.23", longitude="121.47", accuracy=-5)
        self.assertEqual(self.plan.checkin_latitude, 31.23)
        self.assertEqual(self.plan.checkin_accuracy, 0.0)

    def test_check_out_needs_check_in(self):
        with self.assertRaises(UserError):
            self.plan.action_check_out()

    def test_cancelled_visit_cannot_check_in(self):
        self.plan.action_cancel()
        with self.assertRaises(UserError):
            self.plan.action_check_in()

    def test_impossible_position_is_refused(self):
        with self.assertRaises(UserError):
            self.plan.action_check_in(latitude=91.0, longitude=121.0)
        self.assertFalse(self.plan.checkin_date)

    def test_check_in_position_becomes_the_customer_location(self):
        plan = self._plan(self.customer_b, self._at(self.today)).with_user(self.sales_b)
        with self.assertRaises(UserError):
            plan.action_set_customer_location()
        plan.action_check_in(latitude=31.1, longitude=121.2, accuracy=8.0)
        plan.action_set_customer_location()
        self.assertAlmostEqual(self.customer_b.partner_latitude, 31.1)
        self.assertAlmostEqual(self.customer_b.partner_longitude, 121.2)
        self.assertEqual(plan.checkin_distance, 0.0)

    def test_cancel_and_plan_again(self):
        self.plan.action_cancel()
        self.assertEqual(self.plan.state, "cancelled")
        self.plan.action_reset()
        self.assertEqual(self.plan.state, "planned")
        self.plan.action_done()
        self.plan.action_cancel()
        self.plan.action_reset()
        self.assertEqual(self.plan.state, "done", "a done visit stays done")
