from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ApprovalCommon


@tagged("post_install", "-at_install")
class TestApproval(ApprovalCommon):
    """报价审批: quotations over the grade's limits wait for the team leader."""

    def test_within_limits_confirms_without_approval(self):
        order = self._quotation(
            self.customer_a, self.sales_a, self.team_east, qty=5, discount=10
        )
        self.assertFalse(order.ka_over_limit)
        self.assertFalse(order.need_validation)
        order.with_user(self.sales_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_approval_activity_in_the_reviewers_language(self):
        """The activity's summary is stored text: written in the reviewer's
        language, whoever asks for the review."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.leader.lang = "zh_CN"
        self.sales_a.lang = "en_US"
        order = self._quotation(
            self.customer_a, self.sales_a, self.team_east, discount=15
        )
        order.with_user(self.sales_a).request_validation()
        activity = self._approval_activities(order)
        self.assertEqual(activity.user_id, self.leader)
        self.assertEqual(activity.summary, f"审批报价单 {order.name}")

    def test_no_grade_no_limit(self):
        order = self._quotation(
            self.customer_b, self.sales_b, self.team_east, qty=90, discount=50
        )
        self.assertFalse(order.ka_over_limit)

    def test_discount_over_limit_waits_for_the_leader(self):
        order = self._quotation(
            self.customer_a, self.sales_a, self.team_east, discount=15
        )
        self.assertTrue(order.ka_over_limit)
        self.assertIn("15", order.ka_over_limit_reason)
        self.assertTrue(order.need_validation)
        mine = order.with_user(self.sales_a)
        with self.assertRaises(ValidationError):
            mine.action_confirm()
        mine.request_validation()
        review = order.review_ids
        self.assertEqual(len(review), 1)
        self.assertEqual(review.reviewer_ids, self.leader)
        activity = self._approval_activities(order)
        self.assertEqual(activity.user_id, self.leader)
        self.assertIn(order.name, activity.summary)
        # nobody but the reviewer decides, not even by writing the review
        with self.assertRaises(AccessError):
            review.with_user(self.sales_a).write({"status": "approved"})
        with self.assertRaises(AccessError):
            review.with_user(self.sales_a).write({"res_id": order.id + 1})
        with self.assertRaises(AccessError):
            self.env["tier.review"].with_user(self.sales_a).create(
                {
                    "model": "sale.order",
                    "res_id": order.id,
                    "definition_id": review.definition_id.id,
                    "status": "approved",
                }
            )
        mine.validate_tier()  # not a reviewer: nothing happens
        self.assertIn(review.status, ("waiting", "pending"))
        with self.assertRaises(ValidationError):
            mine.action_confirm()
        # the leader approves: the activity is done, the quotation confirms
        order.with_user(self.leader).validate_tier()
        self.assertEqual(review.status, "approved")
        self.assertEqual(review.done_by, self.leader)
        self.assertTrue(order.validated)
        self.assertFalse(activity.exists())
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: m.mail_activity_type_id == self.approval_type
            )
        )
        mine.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_amount_over_limit_rejected(self):
        order = self._quotation(self.customer_a, self.sales_a, self.team_east, qty=60)
        self.assertTrue(order.ka_over_limit)
        order.with_user(self.sales_a).request_validation()
        order.with_user(self.leader).reject_tier()
        self.assertTrue(order.rejected)
        self.assertFalse(self._approval_activities(order))
        with self.assertRaises(ValidationError):
            order.with_user(self.sales_a).action_confirm()

    def test_request_due_today_for_the_reviewer_after_16_utc(self):
        """At 00:30 in Beijing (16:30 UTC) the company's day is already the
        next one; a reviewer without a time zone (mail counts in UTC) still
        sees the request as due today, in the systray, not as planned."""
        self.leader.tz = False
        self.env.company.partner_id.tz = "Asia/Shanghai"
        order = self._quotation(
            self.customer_a, self.sales_a, self.team_east, discount=30
        )
        with freeze_time("2026-12-06 16:30:00"):
            self.assertEqual(self.env.company._ka_today(), date(2026, 12, 7))
            order.with_user(self.sales_a).request_validation()
            activity = self._approval_activities(order)
            self.assertEqual(activity.user_id, self.leader)
            self.assertEqual(activity.date_deadline, date(2026, 12, 6))
            activity.invalidate_recordset(["state"])
            self.assertEqual(activity.state, "today")
        # a reviewer in Beijing: Beijing's day
        self.leader.tz = "Asia/Shanghai"
        other = self._quotation(
            self.customer_a, self.sales_a, self.team_east, discount=30
        )
        with freeze_time("2026-12-06 16:30:00"):
            other.with_user(self.sales_a).request_validation()
            activity = self._approval_activities(other)
            self.assertEqual(activity.date_deadline, date(2026, 12, 7))
            activity.invalidate_recordset(["state"])
            self.assertEqual(activity.state, "today")

    def test_team_without_leader_goes_to_the_managers(self):
        order = self._quotation(
            self.customer_west, self.sales_west, self.team_west, discount=20
        )
        order.with_user(self.sales_west).request_validation()
        self.assertIn(self.manager, order.review_ids.reviewer_ids)
        self.assertNotIn(self.leader, order.review_ids.reviewer_ids)
        activities = self._approval_activities(order)
        self.assertIn(self.manager, activities.user_id)
        order.with_user(self.manager).validate_tier()
        self.assertTrue(order.validated)
        # the other managers' activities go too
        self.assertFalse(self._approval_activities(order))

    def test_restart_removes_the_activities(self):
        order = self._quotation(
            self.customer_a, self.sales_a, self.team_east, discount=30
        )
        order.with_user(self.sales_a).request_validation()
        self.assertTrue(self._approval_activities(order))
        order.with_user(self.sales_a).restart_validation()
        self.assertFalse(order.review_ids)
        self.assertFalse(self._approval_activities(order))

    def test_limits_are_checked(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.grade_a.approval_max_discount = 120
            self.grade_a.flush_recordset()
