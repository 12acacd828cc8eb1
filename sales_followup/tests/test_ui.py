from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestVisitCheckinUi(HttpCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_check_in_on_a_phone(self):
        """A salesperson checks in with the phone's position and checks out."""
        self.env.ref("base.lang_zh_CN").active = True
        salesperson = new_test_user(
            self.env,
            login="sf_tour_sales",
            name="销售巡",
            groups="key_account.key_account_group_user",
            tz="UTC",
        )
        customer = self.env["res.partner"].create(
            {
                "name": "途测客户有限公司",
                "is_company": True,
                "user_id": salesperson.id,
                "partner_latitude": 31.2304,
                "partner_longitude": 121.4737,
            }
        )
        now = fields.Datetime.now()
        plan = self.env["sales_followup.visit.plan"].create(
            {
                "partner_id": customer.id,
                "planned_date": now.replace(hour=12, minute=0, second=0),
                "purpose": "现场回访",
            }
        )
        self.start_tour(
            "/odoo/action-sales_followup.sales_followup_visit_plan_action_today",
            "sales_followup_checkin_tour",
            login="sf_tour_sales",
        )
        self.assertEqual(plan.state, "done")
        self.assertTrue(plan.checkin_located)
        self.assertEqual(plan.checkin_accuracy, 12)
        self.assertAlmostEqual(plan.checkin_distance, 100.1, delta=0.5)
        self.assertFalse(plan.checkin_far)
        self.assertEqual(plan.next_step_activity_id.summary, "发送报价单")
