from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAfterSalesAccess(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(
            cls.env, login="as_staff", groups="after_sales.after_sales_group_user"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "售后测试客户有限公司", "is_company": True}
        )

    def test_staff_handles_own_tickets_only(self):
        Ticket = self.env["helpdesk.ticket"]
        own = Ticket.with_user(self.staff).create(
            {
                "name": "打印模块报错",
                "description": "客户来电反馈",
                "partner_id": self.customer.id,
                "user_id": self.staff.id,
            }
        )
        other = Ticket.create(
            {"name": "别人的工单", "description": "-", "user_id": self.env.user.id}
        )
        visible = Ticket.with_user(self.staff).search([("id", "in", (own | other).ids)])
        self.assertEqual(visible, own)
        with self.assertRaises(AccessError):
            other.with_user(self.staff).write({"name": "改名"})
