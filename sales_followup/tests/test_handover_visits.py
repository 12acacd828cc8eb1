from datetime import datetime

from odoo.tests import tagged

from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestHandoverVisits(SalesFollowupCommon):
    """The hand-over moves the planned visits of the customers; done visits
    stay with who made them."""

    def test_planned_visits_move(self):
        planned = self._plan(
            self.customer_a, datetime(2026, 7, 2, 2, 0), user_id=self.sales_a.id
        )
        done = self._plan(
            self.customer_a, datetime(2026, 3, 2, 2, 0), user_id=self.sales_a.id
        )
        done.state = "done"
        elsewhere = self._plan(
            self.customer_b, datetime(2026, 7, 2, 2, 0), user_id=self.sales_a.id
        )
        wizard = (
            self.env["key_account.handover.wizard"]
            .with_user(self.leader)
            .create({"from_user_id": self.sales_a.id, "to_user_id": self.sales_b.id})
        )
        handover = self.env["key_account.handover"].browse(
            wizard.action_handover()["res_id"]
        )
        self.assertEqual(planned.user_id, self.sales_b)
        self.assertEqual(done.user_id, self.sales_a)
        self.assertEqual(elsewhere.user_id, self.sales_a)  # not a moved customer
        self.assertEqual(handover.visit_count, 1)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "key_account.report_handover", handover.ids
        )
        self.assertIn(b"visits", html)
