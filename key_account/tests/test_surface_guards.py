from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestPoolWrites(KeyAccountCommon):
    """The pool's rules hold against a plain write over RPC: a salesperson
    claims (领取) and releases (释放) through the pool only."""

    def test_salesperson_cannot_take_a_pool_customer_by_writing(self):
        pool = self.customer_pool.with_user(self.sales_a)
        for vals in ({"user_id": self.sales_a.id}, {"active": False}, {"phone": "1"}):
            with self.assertRaisesRegex(AccessError, "public pool"):
                pool.write(vals)
        with self.assertRaises(AccessError):
            pool.write({"parent_id": self.customer_a.id})
        self.assertFalse(self.customer_pool.user_id)
        self.assertTrue(self.customer_pool.active)
        # the claim is the way in, and leaves its trace
        self.env["key_account.pool"].with_user(self.sales_a)._claim(pool)
        self.assertEqual(self.customer_pool.user_id, self.sales_a)
        self.assertTrue(self.customer_pool.ka_claim_date)

    def test_salesperson_cannot_release_by_writing(self):
        mine = self.customer_a.with_user(self.sales_a)
        with self.assertRaisesRegex(AccessError, "release"):
            mine.write({"user_id": False})
        self.assertEqual(self.customer_a.user_id, self.sales_a)
        # their own customer stays editable, and a leader still assigns
        mine.write({"phone": "021-65529988"})
        self.customer_pool.with_user(self.leader).write({"user_id": self.sales_b.id})
        self.assertEqual(self.customer_pool.user_id, self.sales_b)


@tagged("post_install", "-at_install")
class TestPortalAndLeads(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.env["res.partner"].create(
            {"name": "采购李工", "parent_id": cls.customer_a.id, "ka_hobbies": "围棋"}
        )
        cls.portal = new_test_user(
            cls.env,
            login="ka_portal",
            groups="base.group_portal",
            partner_id=cls.buyer.id,
        )
        cls.customer_a.write({"ka_revenue_12m": 123456.0, "ka_margin_12m": 45678.0})

    def test_portal_user_reads_no_internal_figure_of_its_company(self):
        company = self.customer_a.with_user(self.portal)
        self.assertEqual(company.read(["name"])[0]["name"], self.customer_a.name)
        for fname in ("ka_revenue_12m", "ka_margin_12m", "ka_grade_id", "ka_clv"):
            with self.assertRaises(AccessError):
                company.read([fname])
        with self.assertRaises(AccessError):
            self.buyer.with_user(self.portal).read(["ka_hobbies"])
        self.assertNotIn(
            "ka_revenue_12m", company.fields_get(attributes=["type"]).keys()
        )

    def test_margin_for_sales_and_accounting_only(self):
        employee = new_test_user(
            self.env, login="ka_employee", groups="base.group_user"
        )
        company = self.customer_a.with_user(employee)
        self.assertEqual(company.ka_revenue_12m, 123456.0)
        with self.assertRaises(AccessError):
            company.read(["ka_margin_12m"])
        self.assertEqual(self.customer_a.with_user(self.sales_a).ka_margin_12m, 45678.0)

    def test_lead_only_for_a_readable_customer(self):
        Lead = self.env["crm.lead"].with_user(self.sales_a)
        with self.assertRaises(AccessError):
            Lead.create({"name": "越权商机", "partner_id": self.customer_west.id})
        with self.assertRaises(AccessError):
            # the ORM takes a record as well
            Lead.create({"name": "越权商机", "partner_id": self.customer_west})
        lead = Lead.create({"name": "自己的商机", "partner_id": self.customer_a.id})
        with self.assertRaises(AccessError):
            lead.write({"partner_id": self.customer_west.id})
        self.assertEqual(lead.partner_id, self.customer_a)


@tagged("post_install", "-at_install")
class TestBadInput(KeyAccountCommon):
    def test_values_the_database_cannot_store_get_our_message(self):
        mine = self.customer_a.with_user(self.sales_a).with_context(lang="zh_CN")
        with self.assertRaisesRegex(ValidationError, "NUL"):
            mine.write({"ka_qq": "12\x0034"})
        with self.assertRaisesRegex(ValidationError, "2147483647"):
            mine.write({"ka_employee_count": 2**40})
        with self.assertRaises(ValidationError):
            mine.write({"ka_annual_revenue": -5})
        with self.assertRaises(ValidationError):
            mine.write({"ka_status_date": "2026-13-45"})
        with self.assertRaisesRegex(ValidationError, "NUL"):
            self.env["res.partner"].with_user(self.sales_a).create(
                {"name": "空字符\x00有限公司", "is_company": True}
            )
        self.assertFalse(self.customer_a.ka_qq)
