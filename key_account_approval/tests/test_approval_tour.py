from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import ApprovalCommon

# Tours on a shared 2-core machine: a generous limit for the whole tour.
TOUR_TIMEOUT = 240


@tagged("post_install", "-at_install")
class TestApprovalTour(ApprovalCommon, HttpCase):
    """报价审批 in Chromium, in the Chinese interface: a quotation over the
    grade's limit waits for the team leader, who finds it in the activities
    of the systray, opens it and approves it; then the salesperson confirms
    it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.lang_zh_CN").active = True
        (cls.sales_a | cls.leader).write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        cls.customer = cls._ka_customer(
            "审批浏览器测试有限公司",
            cls.sales_a,
            cls.team_east,
            ka_grade_id=cls.grade_a.id,
        )

    def test_leader_approves_from_the_activity_then_confirmed(self):
        order = self._quotation(
            self.customer, self.sales_a, self.team_east, discount=25
        )
        self.assertTrue(order.ka_over_limit)
        url = f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}"

        self.start_tour(
            url,
            "key_account_approval_request_tour",
            login="ka_sales_a",
            timeout=TOUR_TIMEOUT,
        )
        self.env.invalidate_all()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.review_ids.mapped("status"), ["pending"])
        activity = self._approval_activities(order)
        self.assertEqual(activity.user_id, self.leader)
        with self.assertRaises(ValidationError):
            order.with_user(self.sales_a).action_confirm()
        # Requested yesterday: late in every time zone the browser may run in
        # (the systray opens the late and today's activities).
        activity.date_deadline = activity.date_deadline - timedelta(days=1)

        self.start_tour(
            "/odoo",
            "key_account_approval_leader_tour",
            login="ka_leader",
            timeout=TOUR_TIMEOUT,
        )
        self.env.invalidate_all()
        self.assertEqual(order.validation_status, "validated")
        self.assertEqual(order.review_ids.done_by, self.leader)
        self.assertFalse(self._approval_activities(order))
        self.assertEqual(order.state, "draft")

        self.start_tour(
            url,
            "key_account_approval_confirm_tour",
            login="ka_sales_a",
            timeout=TOUR_TIMEOUT,
        )
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
