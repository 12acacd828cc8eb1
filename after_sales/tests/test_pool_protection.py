from datetime import timedelta

from odoo.tests import tagged

from .common import TicketCommon, make_authorization


@tagged("post_install", "-at_install")
class TestPoolProtectionAfterSales(TicketCommon):
    """The pool keeps, with a rescue activity, the customers after-sales is
    still serving: a running contract, an active authorization, an open
    ticket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool = cls.env["key_account.pool"]
        cls.env["ir.config_parameter"].set_param(
            "key_account.pool_calendar_days", "True"
        )
        cls.env["ir.config_parameter"].set_param("key_account.pool_protect_clv", "0")
        cls.team_east.write(
            {
                "user_id": cls.leader.id,
                "ka_pool_recycle_followup_days": 60,
                "ka_pool_recycle_deal_days": 0,
                "ka_pool_notice_days": 7,
            }
        )
        # the texts of the nightly run are in the company's language
        cls.env.company.partner_id.lang = "en_US"
        cls.today = cls.env.company._ka_today()
        cls.customer_c = cls._ka_customer(
            "上海丙方软件有限公司", cls.sales_a, cls.team_east
        )
        cls.customer_d = cls._ka_customer(
            "上海丁方物流有限公司", cls.sales_b, cls.team_east
        )
        customers = cls.customer_a | cls.customer_b | cls.customer_c | cls.customer_d
        customers.write({"ka_claim_date": cls.today - timedelta(days=100)})
        cls.customer_west.ka_claim_date = cls.today
        make_authorization(cls.env, cls.customer_a, cls.licensed)
        cls.ticket = cls._ticket(cls.customer_b)
        cls.env["contract.contract"].create(
            {
                "name": "运维合同",
                "partner_id": cls.customer_c.id,
                "contract_type": "sale",
                "line_recurrence": True,
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.plain.id,
                            "name": "年度运维",
                            "quantity": 1,
                            "price_unit": 1000,
                            "recurring_rule_type": "yearly",
                            "date_start": cls.today - timedelta(days=10),
                            "date_end": cls.today + timedelta(days=300),
                        },
                    )
                ],
            }
        )

    def test_serving_customers_are_kept(self):
        ids = (
            self.customer_a | self.customer_b | self.customer_c | self.customer_d
        ).ids
        protected = self.pool._ka_pool_protected_ids(self.env.company, ids, self.today)
        self.assertEqual(
            set(protected),
            {self.customer_a.id, self.customer_b.id, self.customer_c.id},
        )
        self.assertIn("authorization", protected[self.customer_a.id])
        self.assertIn("ticket", protected[self.customer_b.id])
        self.assertIn("contract", protected[self.customer_c.id])
        self.assertEqual(self.pool._run_recycle(self.env.company, self.today), (0, 1))
        self.assertTrue(self.customer_d.ka_in_pool)
        self.assertEqual(self.customer_b.user_id, self.sales_b)
        self.assertEqual(self.customer_b.ka_pool_log_ids[0].action, "kept")
        rescue = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer_b.id)]
        )
        self.assertEqual(rescue.user_id, self.sales_b | self.leader)
        # the ticket closed: nothing protects the customer any more, but it
        # was kept once in this holding; it goes back the next night
        self.ticket.stage_id = self.stage_done
        self.assertEqual(
            self.pool._run_recycle(self.env.company, self.today + timedelta(days=1)),
            (0, 1),
        )
        self.assertTrue(self.customer_b.ka_in_pool)
        self.customer_b.invalidate_recordset(["ka_pool_log_ids"])
        self.assertEqual(self.customer_b.ka_pool_log_ids[0].action, "recycle")
        self.assertIn("60", self.customer_b.ka_pool_log_ids[0].reason)

    def test_protection_queries_do_not_grow(self):
        ids = (
            self.customer_a | self.customer_b | self.customer_c | self.customer_d
        ).ids

        def count(pids):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.pool._ka_pool_protected_ids(self.env.company, pids, self.today)
            return self.env.cr.sql_log_count - before

        count(ids)  # caches filled
        self.assertEqual(count(ids[:1]), count(ids))
