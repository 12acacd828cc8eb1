from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KeyAccountCommon

TODAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestInstalment(KeyAccountCommon):
    """回款计划: instalments of confirmed orders matched against collections."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._ka_product(price=1000.0)
        cls.product.taxes_id = False
        cls.Instalment = cls.env["key_account.instalment"]
        cls.pipeline = cls.env["key_account.pipeline"]

    def _order(self, partner=None, user=None, qty=10):
        partner = partner or self.customer_a
        order = self._ka_order(partner, self.product, "2026-03-01", qty=qty)
        order.user_id = user or partner.user_id
        return order

    def _plan(self, order, *rows):
        return self.Instalment.create(
            [
                {
                    "order_id": order.id,
                    "date": when,
                    "amount_type": "percent",
                    "percent": pct,
                }
                for when, pct in rows
            ]
        )

    def _collect(self, order, amount):
        invoice = order._create_invoices()
        invoice.action_post()
        if amount:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {"amount": amount, "payment_date": "2026-04-01"}
            )._create_payments()
        return invoice

    def _run(self):
        return self.pipeline._step_receivables(self.env.company, TODAY)

    def test_foreign_plan_converted_again_at_the_due_dates_rate(self):
        """A plan is made before its due date's rate is known: the nightly
        step converts it again once the rate is entered."""
        company = self.env.company
        foreign = self.env.ref("base.EUR")
        if foreign == company.currency_id:
            foreign = self.env.ref("base.USD")
        foreign.active = True
        base_rate = company.currency_id.with_company(company).rate
        Rate = self.env["res.currency.rate"]
        Rate.create(
            {
                "currency_id": foreign.id,
                "company_id": company.id,
                "name": "2026-03-01",
                "rate": 2.0 * base_rate,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "外币价目表", "currency_id": foreign.id}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "pricelist_id": pricelist.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        line = self.Instalment.create(
            {
                "order_id": order.id,
                "date": "2026-07-15",
                "amount_type": "amount",
                "amount": 100,
            }
        )
        self.assertAlmostEqual(line.amount_company, 50.0)
        # the due date's rate comes in later: 4 for 1
        Rate.create(
            {
                "currency_id": foreign.id,
                "company_id": company.id,
                "name": "2026-07-10",
                "rate": 4.0 * base_rate,
            }
        )
        self._run()
        self.assertAlmostEqual(line.amount_company, 25.0)

    def test_plan_on_a_confirmed_order(self):
        order = self._order()
        first, second = self._plan(order, ("2026-04-01", 30), ("2026-07-31", 70))
        self.assertEqual((first.amount, second.amount), (3000.0, 7000.0))
        self.assertEqual(first.residual, 3000.0)
        self.assertEqual(first.partner_id, self.customer_a)
        self.assertEqual(order.ka_instalment_residual, 10000.0)
        with self.assertRaises(ValidationError):
            self._plan(order, ("2026-08-31", 5))
        quotation = self._ka_order(
            self.customer_a, self.product, "2026-03-01", confirm=False
        )
        with self.assertRaises(ValidationError):
            self._plan(quotation, ("2026-08-31", 5))

    def test_matching_overdue_and_warning_once(self):
        order = self._order()
        first, second, third = self._plan(
            order, ("2026-04-01", 30), ("2026-05-31", 30), ("2026-07-31", 40)
        )
        self._collect(order, 4500.0)
        self.assertGreater(self._run(), 0)
        self.assertEqual((first.state, first.paid_amount), ("paid", 3000.0))
        self.assertEqual((second.state, second.paid_amount), ("overdue", 1500.0))
        self.assertEqual(second.residual, 1500.0)
        self.assertEqual((third.state, third.paid_amount), ("planned", 0.0))
        self.assertEqual(second.overdue_notified_date, TODAY)
        warnings = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id)]
        )
        self.assertEqual(len(warnings), 1)
        self.assertEqual(warnings.user_id, self.sales_a)
        self.assertIn(order.name, warnings.summary)
        # idempotent: the second run changes nothing and warns nobody again
        self.assertEqual(self._run(), 0)
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id)]
            ),
            1,
        )

    def test_unpaid_invoice_collects_nothing(self):
        order = self._order()
        (line,) = self._plan(order, ("2026-07-01", 100))
        self._collect(order, 0)
        self._run()
        self.assertEqual((line.state, line.paid_amount), ("planned", 0.0))

    def test_step_is_set_wise(self):
        def orders(n):
            result = []
            for _i in range(n):
                order = self._order(qty=2)
                self._plan(order, ("2026-04-01", 50), ("2026-07-31", 50))
                self._collect(order, 500.0)
                result.append(order)
            return result

        # the registry's caches the warnings read (filled once per process)
        self.env.ref("mail.mail_activity_data_todo")
        self.env["ir.model"]._get_id("res.partner")
        self.env["mail.message.subtype"]._default_subtypes("res.partner")
        orders(1)
        self.env.flush_all()
        self.env.invalidate_all()
        # (two of them: the plans in another currency to convert again)
        with self.assertQueryCount(12):
            self._run()
        # six more orders (twelve instalments, six overdue warnings): the same
        orders(6)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(12):
            self._run()

    def test_access(self):
        order = self._order()
        (line,) = self._plan(order, ("2026-07-01", 40))
        self.assertEqual(
            self.Instalment.with_user(self.sales_a).search([("id", "=", line.id)]), line
        )
        self.assertFalse(
            self.Instalment.with_user(self.sales_west).search([("id", "=", line.id)])
        )
        self.assertEqual(
            self.Instalment.with_user(self.leader).search([("id", "=", line.id)]), line
        )
        # the salesperson plans, but never writes what the matching computes
        line.with_user(self.sales_a).write({"percent": 50})
        with self.assertRaises(AccessError):
            line.with_user(self.sales_a).write({"paid_amount": 4000})
        with self.assertRaises(AccessError):
            line.with_user(self.sales_a).write({"state": "paid"})
        # nor the links the record rules read, taken from the order
        with self.assertRaises(AccessError):
            line.with_user(self.sales_a).write({"user_id": self.sales_b.id})
        with self.assertRaises(AccessError):
            self.Instalment.with_user(self.sales_a).create(
                {
                    "order_id": line.order_id.id,
                    "date": line.date,
                    "percent": 10,
                    "partner_id": self.customer_b.id,
                }
            )
        # a co-owner reads the plan, does not change it
        self.env["key_account.share"].create(
            {
                "partner_id": self.customer_a.id,
                "user_id": self.sales_b.id,
                "access": "write",
            }
        )
        self.assertEqual(
            self.Instalment.with_user(self.sales_b).search([("id", "=", line.id)]), line
        )
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            line.with_user(self.sales_b).write({"percent": 10})
