from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import SalesFollowupCommon

MARCH = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestKpiCollectionPlan(SalesFollowupCommon):
    """考核: the collections of the period against the receivable plans'
    instalments due in it (回款计划达成率)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Target = cls.env["sales_followup.kpi.target"]
        cls.product = cls._ka_product("回款考核产品", price=1000.0)
        cls.product.taxes_id = False
        order = cls._ka_order(cls.customer_a, cls.product, datetime(2026, 2, 10, 3))
        order.user_id = cls.sales_a
        other = cls._ka_order(cls.customer_b, cls.product, datetime(2026, 2, 10, 3))
        other.user_id = cls.sales_b
        Instalment = cls.env["key_account.instalment"]
        # planned for 销售甲 in March: 800 (the April one and 销售乙's do not count)
        Instalment.create(
            [
                {
                    "order_id": order.id,
                    "date": "2026-03-20",
                    "amount_type": "amount",
                    "amount": 500,
                },
                {
                    "order_id": order.id,
                    "date": "2026-03-31",
                    "amount_type": "amount",
                    "amount": 300,
                },
                {
                    "order_id": order.id,
                    "date": "2026-04-05",
                    "amount_type": "amount",
                    "amount": 200,
                },
                {
                    "order_id": other.id,
                    "date": "2026-03-20",
                    "amount_type": "amount",
                    "amount": 900,
                },
            ]
        )
        # collected by 销售甲 in March: 600 of a 1000 invoice
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer_a.id,
                "invoice_user_id": cls.sales_a.id,
                "invoice_date": date(2026, 3, 5),
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "服务费",
                            "quantity": 1,
                            "price_unit": 1000.0,
                            "tax_ids": [(6, 0, [])],
                        },
                    )
                ],
            }
        )
        invoice.action_post()
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"payment_date": date(2026, 3, 25), "amount": 600.0}
        )._create_payments()

    def _target(self, user, **vals):
        return self.Target.create(
            {"user_id": user.id, "period_type": "month", "period_start": MARCH, **vals}
        )

    def test_collections_against_the_plan(self):
        target = self._target(
            self.sales_a,
            target_collection=1000,
            weight_revenue=30,
            weight_collection=0,
            weight_collection_plan=20,
        )
        target.action_compute_actuals()
        self.assertAlmostEqual(target.actual_collection, 600.0)
        self.assertAlmostEqual(target.plan_collection, 800.0)
        self.assertAlmostEqual(target.rate_collection_plan, 75.0)
        # only the plan measure scores here: 75 * 20 %
        self.assertAlmostEqual(target.score, 15.0)
        other = self._target(self.sales_b)
        other.action_compute_actuals()
        self.assertAlmostEqual(other.plan_collection, 900.0)
        self.assertAlmostEqual(other.rate_collection_plan, 0.0)
        # the same figures from the measures, in one place (key_account)
        measure = self.env["key_account.measure"]
        self.env.cr.execute(
            SQL(
                "SELECT SUM(p.amount) FROM %s p WHERE p.user_id = %s",
                measure._planned_collections_sql(
                    self.env.company, date(2026, 3, 1), date(2026, 3, 31)
                ),
                self.sales_a.id,
            )
        )
        self.assertEqual(self.env.cr.fetchone()[0], 800.0)

    def test_plan_in_another_currency_counts_in_the_company_currency(self):
        """An order in another currency plans its collections in it; the KPI
        compares them with the collections in the company's currency, at
        the rate of the due date."""
        company = self.env.company
        foreign = self.env.ref("base.EUR")
        if foreign == company.currency_id:
            foreign = self.env.ref("base.USD")
        foreign.active = True
        # 2 units of the foreign currency for 1 of the company's
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "company_id": company.id,
                "name": "2026-03-01",
                "rate": 2.0 * company.currency_id.with_company(company).rate,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "外币价目表", "currency_id": foreign.id}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "user_id": self.sales_a.id,
                "pricelist_id": pricelist.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        line = self.env["key_account.instalment"].create(
            {
                "order_id": order.id,
                "date": "2026-03-15",
                "amount_type": "amount",
                "amount": 100,
            }
        )
        self.assertEqual(line.currency_id, foreign)
        self.assertAlmostEqual(line.amount_company, 50.0)
        target = self._target(self.sales_a)
        target.action_compute_actuals()
        self.assertAlmostEqual(target.plan_collection, 850.0)
        # a figure of the system: nobody writes it
        with self.assertRaises(AccessError):
            line.with_user(self.leader).write({"amount_company": 1})

    def test_nobody_writes_the_plan_figures(self):
        target = self._target(self.sales_a)
        with self.assertRaises(AccessError):
            target.with_user(self.leader).write({"plan_collection": 1})
        with self.assertRaises(AccessError):
            target.with_user(self.leader).write({"rate_collection_plan": 1})
