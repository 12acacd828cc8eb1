from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestVisitShare(SalesFollowupCommon):
    """A co-owner of a shared customer (客户共享) reads its visits; a colleague
    without share does not."""

    def test_co_owner_reads_the_visits(self):
        plan = self._plan(
            self.customer_a, datetime(2026, 3, 2, 2, 0), user_id=self.sales_a.id
        )
        Plan = self.Plan.with_user(self.sales_b)
        self.assertFalse(Plan.search([("id", "=", plan.id)]))
        self.env["key_account.share"].with_user(self.sales_a).create(
            {
                "partner_id": self.customer_a.id,
                "user_id": self.sales_b.id,
                "role": "service",
            }
        )
        self.assertEqual(Plan.search([("id", "=", plan.id)]), plan)
        self.assertFalse(
            self.Plan.with_user(self.sales_west).search([("id", "=", plan.id)])
        )
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            plan.with_user(self.sales_b).write({"purpose": "改一下"})
