from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestCustomerIsolation(KeyAccountCommon):
    def _visible(self, user):
        Partner = self.env["res.partner"].with_user(user)
        return Partner.search([("id", "in", self._ours().ids)])

    def _ours(self):
        return (
            self.customer_a | self.customer_b | self.customer_west | self.customer_pool
        )

    def test_salesperson_sees_own_and_pool(self):
        self.assertEqual(
            self._visible(self.sales_a), self.customer_a | self.customer_pool
        )

    def test_salesperson_cannot_edit_other_customer(self):
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.sales_a).write({"phone": "021-1234567"})
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.sales_a).read(["name"])

    def test_leader_sees_team_and_pool(self):
        self.assertEqual(
            self._visible(self.leader),
            self.customer_a | self.customer_b | self.customer_pool,
        )

    def test_manager_sees_all(self):
        self.assertEqual(self._visible(self.manager), self._ours())

    def test_salesperson_reads_grades_but_cannot_configure_them(self):
        grades = self.env["key_account.grade"].with_user(self.sales_a).search([])
        self.assertIn(self.grade_a, grades)
        with self.assertRaises(AccessError):
            self.grade_a.with_user(self.sales_a).write({"visit_interval_days": 1})
