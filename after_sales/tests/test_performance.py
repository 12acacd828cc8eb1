"""Query counts of after_sales' steps of the nightly pipeline: each costs the
same number of queries for 3 records as for 30 (set-wise: searches, one
write per value, activities in one batch)."""

from datetime import timedelta

from odoo.tests import tagged

from .common import AfterSalesCommon, make_authorization


@tagged("post_install", "-at_install")
class TestStepQueryCounts(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Pipeline = cls.env["key_account.pipeline"]
        cls.company = cls.env.company
        cls.today = cls.company._ka_today()
        cls.grade_perf = cls.env["key_account.grade"].create(
            {"name": "性能测试等级", "code": "PF", "as_revisit_interval_days": 30}
        )
        # only this test's customers are due for periodic revisits
        cls.env["key_account.grade"].search(
            [("id", "!=", cls.grade_perf.id)]
        ).as_revisit_interval_days = 0
        cls.users = cls.sales_a | cls.sales_b | cls.sales_west

    def _customers(self, count, tag, **vals):
        return self.env["res.partner"].create(
            [
                {
                    "name": f"性能{tag}客户{i}有限公司",
                    "is_company": True,
                    "user_id": self.users[i % 3].id,
                    **vals,
                }
                for i in range(count)
            ]
        )

    def _contracts(self, customers, days_left):
        return self.env["contract.contract"].create(
            [
                {
                    "name": "性能测试合同",
                    "partner_id": customer.id,
                    "line_recurrence": True,
                    "contract_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.licensed.id,
                                "name": "年度维护",
                                "quantity": 1,
                                "price_unit": 1200,
                                "recurring_rule_type": "monthly",
                                "recurring_interval": 1,
                                "date_start": self.today - timedelta(days=30),
                                "date_end": self.today + timedelta(days=days_left),
                            },
                        )
                    ],
                }
                for customer in customers
            ]
        )

    def _queries(self, code):
        """(queries, rows) of one run of the step ``code``."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        rows = getattr(self.Pipeline, f"_step_{code}")(self.company, self.today)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before, rows

    def _check_constant(self, code, make):
        """The step costs as much for 30 records as for 3, and an idle run
        (nothing left to do) changes nothing."""
        make(3, "w")
        self._queries(code)  # warm the caches (and do the first batch)
        counts = {}
        for size in (3, 30):
            make(size, f"n{size}")
            counts[size], rows = self._queries(code)
            self.assertGreaterEqual(rows, size)
        self.assertEqual(counts[3], counts[30], f"{code}: {counts}")
        idle, rows = self._queries(code)
        self.assertEqual(rows, 0)
        self.assertLessEqual(idle, counts[3])
        return counts[30]

    def test_authorization_expiry(self):
        def make(size, tag):
            customers = self._customers(size, tag)
            for customer in customers:
                make_authorization(self.env, customer, self.licensed, days_left=-2)
                make_authorization(self.env, customer, self.licensed, days_left=10)

        self._check_constant("authorization_expiry", make)

    def test_contract_reminders(self):
        self._check_constant(
            "contract_reminders",
            lambda size, tag: self._contracts(self._customers(size, tag), 10),
        )

    def test_contract_value(self):
        self._check_constant(
            "contract_value",
            lambda size, tag: self._contracts(self._customers(size, tag), 200),
        )

    def test_periodic_revisits(self):
        # by phone (no e-mail): planning is one query and one batch create;
        # each rating e-mail is a message of its own (Odoo's composer)
        self._check_constant(
            "periodic_revisits",
            lambda size, tag: self._customers(
                size, tag, ka_grade_id=self.grade_perf.id
            ),
        )
