from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestHandover(KeyAccountCommon):
    def test_handover_moves_customers_leads_quotations_and_activities(self):
        second = self._ka_customer("上海甲方二厂", self.sales_a, self.team_east)
        lead = self.env["crm.lead"].create(
            {
                "name": "二期项目",
                "type": "opportunity",
                "partner_id": self.customer_a.id,
                "user_id": self.sales_a.id,
            }
        )
        product = self._ka_product()
        quotation = self._ka_order(
            self.customer_a, product, "2026-03-01", confirm=False
        )
        quotation.user_id = self.sales_a
        done = self._ka_order(second, product, "2026-03-01")
        done.user_id = self.sales_a
        activity = self.customer_a.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.sales_a.id, summary="回访"
        )
        wizard = (
            self.env["key_account.handover.wizard"]
            .with_user(self.leader)
            .create({"from_user_id": self.sales_a.id, "to_user_id": self.sales_b.id})
        )
        self.assertEqual(wizard.partner_ids, self.customer_a | second)
        result = wizard.action_handover()
        self.assertEqual((self.customer_a | second).user_id, self.sales_b)
        self.assertEqual(lead.user_id, self.sales_b)
        self.assertEqual(quotation.user_id, self.sales_b)
        # confirmed orders keep the salesperson who sold them
        self.assertEqual(done.user_id, self.sales_a)
        self.assertEqual(activity.user_id, self.sales_b)
        record = self.env["key_account.handover"].browse(result["res_id"])
        self.assertEqual(
            (record.partner_count, record.lead_count, record.order_count),
            (2, 1, 1),
        )
        self.assertEqual(record.activity_count, 1)

    def test_salesperson_cannot_hand_over(self):
        with self.assertRaises(AccessError):
            self.env["key_account.handover.wizard"].with_user(self.sales_a).create(
                {"from_user_id": self.sales_a.id, "to_user_id": self.sales_b.id}
            )
        self.assertEqual(self.customer_a.user_id, self.sales_a)

    def test_same_salesperson_is_refused(self):
        wizard = self.env["key_account.handover.wizard"].create(
            {"from_user_id": self.sales_a.id, "to_user_id": self.sales_a.id}
        )
        with self.assertRaises(UserError):
            wizard.action_handover()
