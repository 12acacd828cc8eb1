from odoo.tests import tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestSourceReport(KeyAccountCommon):
    def _opportunity(self, partner, won=False, lost=False):
        lead = self.env["crm.lead"].create(
            {
                "name": f"{partner.name} 商机",
                "type": "opportunity",
                "partner_id": partner.id,
            }
        )
        if won:
            lead.action_set_won()
        if lost:
            lead.action_set_lost()
        return lead

    def test_customers_revenue_and_win_rate_by_source(self):
        self.customer_a.write({"ka_source": "exhibition", "ka_revenue_12m": 1000.0})
        self.customer_b.write({"ka_source": "exhibition", "ka_revenue_12m": 3000.0})
        self.customer_west.write({"ka_source": "referral"})
        # exhibition: customer a won 1 of 1, customer b 1 of 4 decided
        self._opportunity(self.customer_a, won=True)
        self._opportunity(self.customer_b, won=True)
        for _i in range(3):
            self._opportunity(self.customer_b, lost=True)
        self._opportunity(self.customer_b)  # open: not counted
        self.env.flush_all()
        Report = self.env["key_account.source.report"]
        rows = Report.read_group(
            [("partner_id", "in", (self.customer_a | self.customer_b).ids)],
            ["customer_count:sum", "revenue_12m:sum", "win_rate"],
            ["source"],
        )
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row["source"], "exhibition")
        self.assertEqual(row["customer_count"], 2)
        self.assertEqual(row["revenue_12m"], 4000.0)
        # 2 won of 5 decided, not the mean of 100 % and 25 %
        self.assertEqual(row["win_rate"], 40.0)
        line = Report.search([("partner_id", "=", self.customer_b.id)])
        self.assertEqual((line.won_count, line.lost_count), (1, 3))
        # a salesperson reads the rows of own customers only
        mine = Report.with_user(self.sales_a).search(
            [("partner_id", "in", (self.customer_a | self.customer_west).ids)]
        )
        self.assertEqual(mine.partner_id, self.customer_a)
