from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.key_account.tests.common import KeyAccountCommon

TODAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestContractInstalment(KeyAccountCommon):
    """回款计划 on a sales contract: its instalments are matched against the
    collections of the contract's posted invoices, warn once when overdue and
    count in the collections forecast."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._ka_product(price=1000.0)
        cls.product.taxes_id = False
        cls.Instalment = cls.env["key_account.instalment"]

    def _contract(self, partner, contract_type="sale"):
        return self.env["contract.contract"].create(
            {
                "name": "年度运维合同",
                "partner_id": partner.id,
                "contract_type": contract_type,
                "line_recurrence": True,
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "name": "运维服务费",
                            "quantity": 1,
                            "price_unit": 10000.0,
                            "recurring_rule_type": "monthly",
                            "recurring_interval": 1,
                            "date_start": date(2026, 1, 1),
                        },
                    )
                ],
            }
        )

    def _plan(self, contract, *rows):
        return self.Instalment.create(
            [
                {
                    "contract_id": contract.id,
                    "date": when,
                    "amount_type": "amount",
                    "amount": amount,
                }
                for when, amount in rows
            ]
        )

    def _collect(self, contract, invoiced, paid):
        """A posted invoice of the contract's line (as the OCA contract makes
        it), paid for ``paid``."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": contract.partner_id.id,
                "invoice_date": date(2026, 3, 1),
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "运维服务费",
                            "quantity": 1,
                            "price_unit": invoiced,
                            "tax_ids": [(6, 0, [])],
                            "contract_line_id": contract.contract_line_ids.id,
                        },
                    )
                ],
            }
        )
        invoice.action_post()
        if paid:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": paid, "payment_date": "2026-04-01"})._create_payments()
        return invoice

    def _run(self):
        return self.env["key_account.pipeline"]._step_receivables(
            self.env.company, TODAY
        )

    def _warnings(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("summary", "like", "年度运维合同"),
            ]
        )

    def test_contract_plan_matched_against_its_invoices(self):
        contract = self._contract(self.customer_a)
        first, second, third = self._plan(
            contract, ("2026-04-01", 3000), ("2026-05-31", 3000), ("2026-07-31", 4000)
        )
        self.assertEqual(first.partner_id, self.customer_a)
        self.assertEqual(first.team_id, self.team_east)
        self.assertEqual(first.user_id, self.sales_a)
        self.assertEqual(first.company_id, contract.company_id)
        # an order's collections do not count for the contract
        self._ka_order(self.customer_a, self.product, "2026-03-01", qty=20)
        self._collect(contract, 10000.0, 4500.0)
        self.assertGreater(self._run(), 0)
        self.assertEqual((first.state, first.paid_amount), ("paid", 3000.0))
        self.assertEqual((second.state, second.paid_amount), ("overdue", 1500.0))
        self.assertEqual((third.state, third.paid_amount), ("planned", 0.0))
        self.assertEqual(len(self._warnings(self.customer_a)), 1)
        self.assertEqual(second.overdue_notified_date, TODAY)
        # the same night again: nothing changes, no second warning
        self.assertEqual(self._run(), 0)
        self.assertEqual(len(self._warnings(self.customer_a)), 1)
        self.assertEqual(contract.as_instalment_ids, first | second | third)

    def test_contract_invoices_credit_whom_the_plan_credits(self):
        """The contract's invoices and its receivable plan credit the same
        salesperson (the collections KPI compares them): the customer's
        account manager, not whoever keyed in the contract."""
        contract = self._contract(self.customer_a)
        contract.user_id = self.sales_b
        (first,) = self._plan(contract, ("2026-04-01", 3000))
        self.assertEqual(first.user_id, self.sales_a)
        # the values the OCA contract creates its invoices with
        invoice = contract._prepare_invoice(date(2026, 1, 1))
        self.assertEqual(invoice["invoice_user_id"], self.sales_a.id)
        self.assertEqual(invoice["invoice_user_id"], first.user_id.id)
        # a customer without an account manager: the contract's responsible
        pool = self._contract(self.customer_pool)
        pool.user_id = self.sales_b
        invoice = pool._prepare_invoice(date(2026, 1, 1))
        self.assertEqual(invoice["invoice_user_id"], self.sales_b.id)

    def test_forecast_by_month_team_and_manager_includes_contracts(self):
        contract = self._contract(self.customer_a)
        self._plan(contract, ("2026-07-15", 3000), ("2026-08-15", 4000))
        order = self._ka_order(self.customer_west, self.product, "2026-03-01", qty=10)
        self.Instalment.create(
            {
                "order_id": order.id,
                "date": "2026-07-20",
                "amount_type": "percent",
                "percent": 50,
            }
        )
        rows = self.Instalment._read_group(
            [("company_id", "=", self.env.company.id), ("date", ">=", "2026-07-01")],
            ["date:month", "team_id", "user_id"],
            ["amount:sum"],
        )
        by_key = {
            (month.strftime("%Y-%m"), team.id, user.id): total
            for month, team, user, total in rows
        }
        self.assertEqual(
            by_key[("2026-07", self.team_east.id, self.sales_a.id)], 3000.0
        )
        self.assertEqual(
            by_key[("2026-08", self.team_east.id, self.sales_a.id)], 4000.0
        )
        self.assertEqual(
            by_key[("2026-07", order.team_id.id, order.user_id.id)], 5000.0
        )

    def test_a_contract_plan_is_planned_in_amounts_of_a_sales_contract(self):
        contract = self._contract(self.customer_a)
        with self.assertRaises(ValidationError):
            self.Instalment.create(
                {
                    "contract_id": contract.id,
                    "date": "2026-07-01",
                    "amount_type": "percent",
                    "percent": 30,
                    "amount": 100,
                }
            )
        supplier = self.env["res.partner"].create(
            {"name": "供应商乙", "is_company": True}
        )
        with self.assertRaises(ValidationError):
            self._plan(self._contract(supplier, "purchase"), ("2026-07-01", 100))
        order = self._ka_order(self.customer_a, self.product, "2026-03-01")
        with self.assertRaises(ValidationError):
            self.Instalment.create(
                {
                    "contract_id": contract.id,
                    "order_id": order.id,
                    "date": "2026-07-01",
                    "amount_type": "amount",
                    "amount": 100,
                }
            )
        with self.assertRaises(ValidationError):
            self.Instalment.create(
                {"date": "2026-07-01", "amount_type": "amount", "amount": 100}
            )

    def test_who_reads_a_contract_plan(self):
        contract = self._contract(self.customer_a)
        line = self._plan(contract, ("2026-07-01", 3000))
        # the account manager of the customer and the team leader read it
        self.assertEqual(
            line.with_user(self.sales_a).read(["amount"])[0]["amount"], 3000
        )
        self.assertTrue(line.with_user(self.leader).read(["amount"]))
        # a salesperson of another team does not
        with self.assertRaises(AccessError):
            line.with_user(self.sales_west).read(["amount"])
        # nobody writes the collected figures
        with self.assertRaises(AccessError):
            line.with_user(self.sales_a).write({"paid_amount": 3000})
        # the account manager the plan is for cannot change, delete or add to
        # it (its amounts are the plan of their collections KPI)
        with self.assertRaises(AccessError):
            line.with_user(self.sales_a).write({"amount": 1})
        with self.assertRaises(AccessError):
            line.with_user(self.sales_a).unlink()
        with self.assertRaises(AccessError):
            self.env["key_account.instalment"].with_user(self.sales_a).create(
                {
                    "contract_id": contract.id,
                    "date": "2026-08-01",
                    "amount_type": "amount",
                    "amount": 1,
                }
            )
        self.assertEqual(line.amount, 3000)
        self.assertTrue(line.exists())

    def test_step_is_set_wise_with_contracts(self):
        """The receivables step reads the contracts' collections in one
        query: the same count for one contract as for six (each with an
        overdue instalment and its warning, whose names are read together)."""

        def contracts(n):
            for _i in range(n):
                contract = self._contract(self.customer_a)
                self._plan(contract, ("2026-04-01", 5000), ("2026-07-31", 5000))
                self._collect(contract, 10000.0, 2000.0)

        # the registry's caches the warnings read (filled once per process)
        self.env.ref("mail.mail_activity_data_todo")
        self.env["ir.model"]._get_id("res.partner")
        self.env["mail.message.subtype"]._default_subtypes("res.partner")
        contracts(1)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self._run()
        one = self.env.cr.sql_log_count - before
        contracts(6)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.assertGreater(self._run(), 0)
        self.assertEqual(self.env.cr.sql_log_count - before, one)
        self.assertEqual(len(self._warnings(self.customer_a)), 7)

    # ------------------------------------------------------------------
    # hand-over: the plan still to be invoiced follows, the past stays
    # ------------------------------------------------------------------
    def _invoice(self, contract, when, amount):
        """An invoice of the contract's line made as the OCA contract makes
        it: for the contract's salesperson of the day."""
        vals = contract._prepare_invoice(when)
        vals["invoice_line_ids"] = [
            (
                0,
                0,
                {
                    "name": "运维服务费",
                    "quantity": 1,
                    "price_unit": amount,
                    "tax_ids": [(6, 0, [])],
                    "contract_line_id": contract.contract_line_ids.id,
                },
            )
        ]
        invoice = self.env["account.move"].create(vals)
        invoice.action_post()
        return invoice

    def _pay(self, invoice, amount, when):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": when})._create_payments()

    def _hand_over(self, source, target, customer, when):
        """The team leader hands ``customer`` over on the day ``when``."""
        with freeze_time(f"{when} 04:00:00"):  # noon in China
            self.env["key_account.handover.wizard"].with_user(self.leader).create(
                {
                    "from_user_id": source.id,
                    "to_user_id": target.id,
                    "partner_ids": [(6, 0, customer.ids)],
                }
            ).action_handover()
        self.assertEqual(customer.user_id, target)

    def _by_user(self, measure, date_from, date_to, customer):
        """{salesperson: amount} of a key_account measure for ``customer``."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT m.user_id, SUM(m.amount) FROM %s m"
                " WHERE m.partner_id = %s GROUP BY m.user_id",
                getattr(self.env["key_account.measure"], measure)(
                    self.env.company, date_from, date_to
                ),
                customer.id,
            )
        )
        return {
            self.env["res.users"].browse(uid): amount
            for uid, amount in self.env.cr.fetchall()
        }

    def test_handover_keeps_the_invoiced_plan_with_its_salesperson(self):
        """Invoiced on 5 January for S1, handed over to S2 on 10 January,
        paid on 20 January against the instalment due that day: January is
        S1's plan and S1's collection; the plan still to be invoiced is S2's,
        as the invoices that will pay it."""
        contract = self._contract(self.customer_a)
        due_jan, due_feb = self._plan(
            contract, ("2026-01-20", 3000), ("2026-02-20", 3000)
        )
        self.assertEqual((due_jan | due_feb).user_id, self.sales_a)
        invoice = self._invoice(contract, date(2026, 1, 5), 3000.0)
        self.assertEqual(invoice.invoice_user_id, self.sales_a)
        self._hand_over(self.sales_a, self.sales_b, self.customer_a, "2026-01-10")
        self.assertEqual(due_jan.user_id, self.sales_a)
        self.assertEqual(due_feb.user_id, self.sales_b)
        self.assertEqual(due_feb.team_id, self.sales_b.sale_team_id)
        self._pay(invoice, 3000.0, "2026-01-20")
        january = (date(2026, 1, 1), date(2026, 1, 31))
        self.assertEqual(
            self._by_user("_collections_sql", *january, self.customer_a),
            {self.sales_a: 3000.0},
        )
        self.assertEqual(
            self._by_user("_planned_collections_sql", *january, self.customer_a),
            {self.sales_a: 3000.0},
        )
        # February's invoice credits S2, as February's plan
        self.assertEqual(
            self._by_user(
                "_planned_collections_sql",
                date(2026, 2, 1),
                date(2026, 2, 28),
                self.customer_a,
            ),
            {self.sales_b: 3000.0},
        )
        self.assertEqual(
            contract._prepare_invoice(date(2026, 2, 5))["invoice_user_id"],
            self.sales_b.id,
        )

    def test_handover_moves_only_the_plan_still_to_come(self):
        """On the hand-over day an instalment moves when it is due later,
        nothing of it is collected and the invoices made so far do not reach
        it (first due, first invoiced); the others keep their salesperson. A
        new instalment credits the contract's salesperson of its day."""
        contract = self._contract(self.customer_a)
        past, collected, invoiced, future, later = self._plan(
            contract,
            ("2026-01-01", 2000),  # due before the hand-over, unpaid
            ("2026-01-20", 3000),  # partly collected
            ("2026-02-20", 3000),  # partly invoiced, nothing collected
            ("2026-03-20", 2000),
            ("2026-04-20", 2000),
        )
        invoice = self._invoice(contract, date(2026, 1, 5), 6000.0)
        self._pay(invoice, 3000.0, "2026-01-08")
        self.env["key_account.pipeline"]._step_receivables(
            self.env.company, date(2026, 1, 9)
        )
        self.assertEqual(
            (past + collected + invoiced).mapped("state"),
            ["paid", "partial", "planned"],
        )
        self._hand_over(self.sales_a, self.sales_b, self.customer_a, "2026-01-10")
        self.assertEqual((past | collected | invoiced).user_id, self.sales_a)
        self.assertEqual((future | later).user_id, self.sales_b)
        # planned after the hand-over: the new account manager's
        (new,) = self._plan(contract, ("2026-05-20", 1000))
        self.assertEqual(new.user_id, self.sales_b)
        # on a customer without account manager the contract's responsible
        # is credited: a new responsible takes over the plan still to come
        pool = self._contract(self.customer_pool)
        pool.user_id = self.sales_b
        due, coming = self._plan(pool, ("2026-01-20", 1000), ("2026-03-20", 1000))
        self.assertEqual((due | coming).user_id, self.sales_b)
        with freeze_time("2026-02-01 04:00:00"):
            pool.user_id = self.sales_west
        self.assertEqual(due.user_id, self.sales_b)
        self.assertEqual(coming.user_id, self.sales_west)
