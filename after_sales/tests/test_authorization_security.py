from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AfterSalesCommon, make_authorization


@tagged("post_install", "-at_install")
class TestAuthorizationSecurity(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.auth_a = make_authorization(cls.env, cls.customer_a, cls.licensed)
        cls.auth_b = make_authorization(cls.env, cls.customer_b, cls.licensed)
        cls.auth_west = make_authorization(cls.env, cls.customer_west, cls.licensed)
        cls.auth_pool = make_authorization(cls.env, cls.customer_pool, cls.licensed)
        cls.all_auths = cls.auth_a | cls.auth_b | cls.auth_west | cls.auth_pool
        contact = cls.env["res.partner"].create(
            {"name": "甲方采购 李四", "parent_id": cls.customer_a.id}
        )
        cls.portal_a = new_test_user(
            cls.env,
            login="as_sec_portal",
            groups="base.group_portal",
            partner_id=contact.id,
        )

    def _visible(self, user):
        return (
            self.env["after_sales.authorization"]
            .with_user(user)
            .search([("id", "in", self.all_auths.ids)])
        )

    def test_salesperson_own_customers_read_only(self):
        self.assertEqual(self._visible(self.sales_a), self.auth_a)
        self.assertEqual(self._visible(self.sales_west), self.auth_west)
        with self.assertRaises(AccessError):
            self.auth_b.with_user(self.sales_a).read(["key"])
        with self.assertRaises(AccessError):
            self.auth_a.with_user(self.sales_a).write({"seats": 99})
        with self.assertRaises(AccessError):
            self.auth_a.with_user(self.sales_a).action_revoke()
        with self.assertRaises(AccessError):
            self.env["after_sales.authorization"].with_user(self.sales_a).create(
                {"partner_id": self.customer_a.id, "product_id": self.licensed.id}
            )

    def test_leader_team(self):
        self.assertEqual(self._visible(self.leader), self.auth_a | self.auth_b)

    def test_key_account_manager_all_read_only(self):
        self.assertEqual(self._visible(self.manager), self.all_auths)
        with self.assertRaises(AccessError):
            self.auth_a.with_user(self.manager).action_suspend()

    def test_after_sales_staff_and_manager(self):
        self.assertEqual(self._visible(self.as_staff), self.all_auths)
        with self.assertRaises(AccessError):
            self.auth_a.with_user(self.as_staff).action_revoke()
        self.auth_a.with_user(self.as_manager).action_suspend()
        self.assertEqual(self.auth_a.state, "suspended")
        self.auth_b.with_user(self.as_manager).action_revoke()
        self.assertEqual(self.auth_b.state, "revoked")

    def test_portal_own_company_only(self):
        self.assertEqual(self._visible(self.portal_a), self.auth_a)
        with self.assertRaises(AccessError):
            self.auth_b.with_user(self.portal_a).read(["key"])
        with self.assertRaises(AccessError):
            self.auth_a.with_user(self.portal_a).write({"seats": 99})
        # Revoked keys disappear from the portal.
        self.auth_a.action_revoke()
        self.assertFalse(self._visible(self.portal_a))

    def test_private_key_for_system_only(self):
        company = self.auth_a.company_id
        company._as_licence_private_key()
        for user in (self.sales_a, self.as_manager, self.manager, self.portal_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                company.with_user(user).read(["as_licence_private_key"])
