from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import KeyAccountCommon

TODAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestReports(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="ka_accountant",
            name="会计己",
            groups="account.group_account_invoice",
        )
        product = cls._ka_product(price=1000, cost=600)
        # customer_a brings 80 % of the revenue, customer_b 15 %, west 5 %
        for partner, amount in (
            (cls.customer_a, 80000),
            (cls.customer_b, 15000),
            (cls.customer_west, 5000),
        ):
            cls._ka_invoice(partner, TODAY - timedelta(days=40), amount)
        cls._ka_order(cls.customer_a, product, TODAY - timedelta(days=40), qty=2)
        cls.env["key_account.refresh"]._refresh_figures(cls.env.company, TODAY)

    def _report(self, user, model="key_account.report"):
        return (
            self.env[model]
            .with_user(user)
            .search(
                [
                    (
                        "partner_id",
                        "in",
                        (self.customer_a | self.customer_b | self.customer_west).ids,
                    )
                ]
            )
        )

    def test_analysis_sums_posted_revenue_and_order_margin(self):
        rows = self._report(self.manager)
        revenue = {p: 0 for p in rows.partner_id}
        for row in rows:
            revenue[row.partner_id] += row.revenue
        self.assertEqual(revenue[self.customer_a], 80000)
        self.assertEqual(revenue[self.customer_west], 5000)
        margin = sum(
            rows.filtered(lambda r: r.partner_id == self.customer_a).mapped("margin")
        )
        self.assertEqual(margin, 800)
        groups = (
            self.env["key_account.report"]
            .with_user(self.manager)
            ._read_group(
                [("partner_id", "=", self.customer_a.id)], ["user_id"], ["revenue:sum"]
            )
        )
        self.assertEqual(groups, [(self.sales_a, 80000)])

    def test_salesperson_sees_only_own_rows(self):
        self.assertEqual(self._report(self.sales_a).partner_id, self.customer_a)
        self.assertEqual(
            self._report(self.leader).partner_id, self.customer_a | self.customer_b
        )

    def test_pareto_classes(self):
        rows = {
            r.partner_id: r
            for r in self._report(self.manager, "key_account.pareto.report")
        }
        self.assertEqual(rows[self.customer_a].rank, 1)
        self.assertEqual(rows[self.customer_a].pareto_class, "top")
        self.assertEqual(rows[self.customer_b].pareto_class, "middle")
        self.assertEqual(rows[self.customer_west].pareto_class, "tail")
        self.assertEqual(rows[self.customer_west].cumulative_share, 100)

    def test_accountant_reads_figures_of_every_customer(self):
        west = self.customer_west.with_user(self.accountant)
        self.assertEqual(west.ka_revenue_12m, 5000)
        self.assertEqual(len(self._report(self.accountant).partner_id), 3)
        with self.assertRaises(AccessError):
            self.env["key_account.grade"].with_user(self.accountant).create(
                {"name": "Z"}
            )

    def test_only_managers_recompute_everything(self):
        with self.assertRaises(AccessError):
            self.env["key_account.refresh"].with_user(self.sales_a).action_refresh_all()
        result = (
            self.env["key_account.refresh"].with_user(self.manager).action_refresh_all()
        )
        self.assertEqual(result["tag"], "display_notification")
