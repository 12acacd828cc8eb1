from datetime import timedelta

from odoo.tests import tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestContractValue(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.env.company._ka_today()
        cls.contact_a = cls.env["res.partner"].create(
            {"name": "采购部 张三", "parent_id": cls.customer_a.id}
        )

    def _line(self, price, rule="yearly", start=-100, end=200, **vals):
        return (
            0,
            0,
            {
                "product_id": self.licensed.id,
                "name": "服务费",
                "quantity": 1,
                "price_unit": price,
                "recurring_rule_type": rule,
                "recurring_interval": 1,
                "date_start": self.today + timedelta(days=start),
                "date_end": end is not None and self.today + timedelta(days=end),
                **vals,
            },
        )

    def _contract(self, partner, lines, **vals):
        return self.env["contract.contract"].create(
            {
                "name": "年度服务合同",
                "partner_id": partner.id,
                "line_recurrence": True,
                "contract_line_ids": lines,
                **vals,
            }
        )

    def test_value_refreshed_with_figures_and_grades(self):
        self._contract(
            self.customer_a,
            [
                self._line(12000),  # 12,000 a year
                self._line(500, rule="monthly", end=None),  # 6,000 a year
                self._line(9999, start=-400, end=-1),  # ended
                self._line(9999, start=10),  # not started
                self._line(9999, is_canceled=True),
            ],
        )
        # a contract of a contact counts for its company
        self._contract(self.contact_a, [self._line(3000, rule="quarterly")])
        archived = self._contract(self.customer_b, [self._line(7000)])
        archived.active = False
        self.customer_b.as_contract_value = 123.0
        rule = self.env["key_account.grade.rule"].create(
            {
                "name": "合同大客户",
                "sequence": -100,
                "grade_id": self.grade_a.id,
                "domain": "[('as_contract_value', '>=', 20000)]",
            }
        )
        self.env["key_account.pipeline"]._run(today=self.today)
        self.assertEqual(self.customer_a.as_contract_value, 30000.0)
        self.assertEqual(self.customer_b.as_contract_value, 0.0)
        self.assertFalse(self.customer_west.as_contract_value)
        # stored and searchable, so usable in grade rules
        Partner = self.env["res.partner"]
        found = Partner.search(
            [("as_contract_value", ">", 0), ("id", "in", self.customer_a.ids)]
        )
        self.assertEqual(found, self.customer_a)
        self.assertEqual(self.customer_a.ka_grade_id, rule.grade_id)
        # nothing changed: nothing written
        self.assertEqual(
            Partner._as_refresh_contract_value(self.env.company, self.today), 0
        )

    def test_value_of_the_company_and_its_customers(self):
        """The step of a company counts that company's contracts, for its
        customers (key_account's definition) only."""
        other = self.env["res.company"].create({"name": "合同测试子公司"})
        self._contract(self.customer_a, [self._line(12000)])
        self._contract(self.customer_a, [self._line(99000)], company_id=other.id)
        supplier = self.env["res.partner"].create(
            {
                "name": "合同供应商有限公司",
                "is_company": True,
                "ka_customer_type": "supplier",
            }
        )
        self._contract(supplier, [self._line(5000)])
        theirs = self.env["res.partner"].create(
            {"name": "子公司合同客户", "is_company": True, "company_id": other.id}
        )
        self._contract(theirs, [self._line(24000)], company_id=other.id)
        Pipeline = self.env["key_account.pipeline"]
        self.assertEqual(Pipeline._step_contract_value(self.env.company, self.today), 1)
        self.assertEqual(self.customer_a.as_contract_value, 12000.0)
        self.assertFalse(supplier.as_contract_value)
        self.assertFalse(theirs.as_contract_value)
        self.assertEqual(Pipeline._step_contract_value(other, self.today), 1)
        self.assertEqual(theirs.as_contract_value, 24000.0)
        # the other company's contract of customer_a is not its figure
        self.assertEqual(self.customer_a.as_contract_value, 12000.0)
        self.assertEqual(Pipeline._step_contract_value(self.env.company, self.today), 0)
