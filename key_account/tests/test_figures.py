from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import REFRESH, KeyAccountCommon

TODAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestFigures(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._ka_product()
        c = cls.customer_a
        cls._ka_invoice(c, TODAY - timedelta(days=10), 50000)
        cls._ka_invoice(c, TODAY - timedelta(days=100), 30000)
        cls._ka_invoice(c, TODAY - timedelta(days=120), 5000, move_type="out_refund")
        cls._ka_invoice(c, TODAY - timedelta(days=400), 100000)
        # a draft invoice never counts
        cls._ka_invoice(c, TODAY - timedelta(days=5), 999999, post=False)
        cls._ka_order(c, cls.product, TODAY - timedelta(days=200), qty=3)
        cls._ka_order(c, cls.product, TODAY - timedelta(days=20), qty=2)
        cls._ka_order(c, cls.product, TODAY - timedelta(days=2), qty=9, confirm=False)
        # contacts' invoices belong to their company
        contact = cls.env["res.partner"].create(
            {"name": "王经理", "parent_id": cls.customer_b.id}
        )
        cls._ka_invoice(contact, TODAY - timedelta(days=30), 20000)

    def test_figures_from_posted_invoices_and_confirmed_orders(self):
        self.env["key_account.refresh"]._refresh_figures(self.env.company, TODAY)
        a = self.customer_a
        self.assertEqual(a.ka_revenue_12m, 75000)
        self.assertEqual(a.ka_revenue_prev_12m, 100000)
        self.assertEqual(a.ka_revenue_change_pct, -25.0)
        self.assertEqual(a.ka_order_count, 2)
        self.assertEqual(a.ka_first_order_date, TODAY - timedelta(days=200))
        self.assertEqual(a.ka_last_order_date, TODAY - timedelta(days=20))
        self.assertEqual(a.ka_days_since_order, 20)
        # (3 + 2) x (1000 - 600): both confirmed orders are in the last 12 months
        self.assertEqual(a.ka_margin_12m, 2000)
        # receivable: everything posted and unpaid, refunds deducted
        self.assertEqual(a.ka_receivable, 50000 + 30000 - 5000 + 100000)
        self.assertEqual(a.ka_overdue, a.ka_receivable)
        self.assertEqual(self.customer_b.ka_revenue_12m, 20000)
        self.assertFalse(self.customer_pool.ka_revenue_12m)

    def test_refresh_is_set_wise(self):
        """The number of queries does not depend on the number of customers."""
        self.env["key_account.pipeline"]._run(
            today=TODAY, codes=REFRESH
        )  # warm the caches
        cr = self.env.cr
        before = cr.sql_log_count
        self.env["key_account.pipeline"]._run(today=TODAY, codes=REFRESH)
        small = cr.sql_log_count - before
        for i in range(30):
            customer = self._ka_customer(
                f"批量客户{i}有限公司", self.sales_a, self.team_east
            )
            self._ka_invoice(customer, TODAY - timedelta(days=i + 1), 1000 + i)
        self.env.flush_all()
        before = cr.sql_log_count
        self.env["key_account.pipeline"]._run(today=TODAY, codes=REFRESH)
        large = cr.sql_log_count - before
        # new customers get a grade (history rows are inserted in one batch)
        self.assertLessEqual(large, small + 12)

    def test_rfm_scores_and_segments(self):
        refresh = self.env["key_account.refresh"]
        refresh._refresh_figures(self.env.company, TODAY)
        refresh._refresh_rfm(self.env.company, TODAY)
        for partner in self.customer_a | self.customer_b:
            self.assertIn(partner.ka_rfm_recency, range(1, 6))
            self.assertIn(partner.ka_rfm_frequency, range(1, 6))
            self.assertTrue(partner.ka_rfm_segment)
        self.assertFalse(self.customer_pool.ka_rfm_segment)

    def test_rfm_ties_share_the_lowest_quintile(self):
        """Customers who bought only 12 to 24 months ago have no revenue in
        12 months: tied at 0, they score M = 1, not the quintile their
        number reaches."""
        old, recent = self.env["res.partner"], self.env["res.partner"]
        for i in range(6):
            old |= self._ka_customer(f"老客户{i}有限公司", self.sales_a, self.team_east)
            self._ka_invoice(old[-1], TODAY - timedelta(days=400 + i), 8000)
        for i in range(4):
            recent |= self._ka_customer(
                f"近期客户{i}有限公司", self.sales_a, self.team_east
            )
            self._ka_invoice(recent[-1], TODAY - timedelta(days=10 + i), 1000 * (i + 1))
        # the RFM step scores the night's figures
        self.env["key_account.refresh"]._refresh_figures(self.env.company, TODAY)
        self.env["key_account.refresh"]._refresh_rfm(self.env.company, TODAY)
        self.assertEqual(set(old.mapped("ka_rfm_monetary")), {1})
        self.assertEqual(set(old.mapped("ka_rfm_frequency")), {1})
        self.assertTrue(all(m > 1 for m in recent.mapped("ka_rfm_monetary")))
        self.assertEqual(max(recent.mapped("ka_rfm_monetary")), 5)
        self.assertTrue(
            all(s.startswith("general") for s in old.mapped("ka_rfm_segment"))
        )


@tagged("post_install", "-at_install")
class TestClv(KeyAccountCommon):
    def test_clv_fitted_on_the_customer_base(self):
        today = self.env.company._ka_today()
        customers = self.env["res.partner"]
        for i in range(40):
            customer = self._ka_customer(
                f"回头客{i}有限公司", self.sales_a, self.team_east
            )
            customers |= customer
            # purchases every (10 + i) days, stopping earlier for higher i
            stop = 30 * (i % 8)
            for k in range(1 + i % 5):
                day = today - timedelta(days=stop + k * (10 + i))
                self._ka_invoice(customer, day, 1000 + 100 * (i % 7) + 10 * k)
        self.assertTrue(
            self.env["key_account.refresh"]._refresh_clv(self.env.company, today)
        )
        alive = customers.mapped("ka_p_alive")
        self.assertTrue(all(0 <= p <= 1 for p in alive))
        self.assertGreater(max(alive), min(alive))
        buyers = customers.filtered(lambda c: c.ka_clv > 0)
        self.assertTrue(buyers)
        # five purchases each; one bought today, the other stopped 120 days ago
        recent, lapsed = customers[24], customers[4]
        self.assertGreater(recent.ka_p_alive, lapsed.ka_p_alive)
        self.assertGreater(recent.ka_clv, lapsed.ka_clv)

    def test_weekly_fit_and_new_buyers_in_between(self):
        """The models are fitted once a week; a night in between scores again
        only the customers who bought since the fit, with the fitted
        parameters, and a night without purchases writes nothing."""
        refresh = self.env["key_account.refresh"]
        company = self.env.company
        today = date(2026, 6, 30)
        customers = self.env["res.partner"]
        for i in range(40):
            customer = self._ka_customer(
                f"周拟合{i}有限公司", self.sales_a, self.team_east
            )
            customers |= customer
            # as in the test above, one day earlier: nobody bought on the day
            stop = 30 * (i % 8)
            for k in range(1 + i % 5):
                day = today - timedelta(days=1 + stop + k * (10 + i))
                self._ka_invoice(customer, day, 1000 + 100 * (i % 7) + 10 * k)
        self.assertTrue(refresh._refresh_clv(company, today))
        fitted = company.ka_clv_model
        self.assertEqual(fitted["date"], "2026-06-30")
        self.assertEqual(set(fitted), {"date", "bg", "gg"})
        before = {c.id: c.ka_clv for c in customers}
        # the next night, nothing bought: no fit, nothing written
        self.assertEqual(refresh._refresh_clv(company, today + timedelta(days=1)), 0)
        self.assertEqual(company.ka_clv_model, fitted)
        # two nights on, one customer bought: only that one is scored again
        buyer = customers[5]
        self._ka_invoice(buyer, today + timedelta(days=2), 5000)
        # the buyers since the fit are summed over their whole history, as
        # in the full summary
        day = today + timedelta(days=2)
        full = refresh._clv_summary(company, day)
        recent = refresh._clv_summary(company, day, since=today)
        self.assertEqual(recent[0].tolist(), [buyer.id])
        row = full[0].tolist().index(buyer.id)
        self.assertEqual(
            [column[0] for column in recent[1:]], [column[row] for column in full[1:]]
        )
        self.assertEqual(recent[1][0], 1, "its purchase before the fit counts")
        self.assertEqual(refresh._refresh_clv(company, today + timedelta(days=2)), 1)
        self.assertEqual(company.ka_clv_model, fitted)
        self.assertEqual(
            {c.id: c.ka_clv for c in customers - buyer},
            {cid: value for cid, value in before.items() if cid != buyer.id},
        )
        # a week after the fit, the models are fitted again
        refresh._refresh_clv(company, today + timedelta(days=7))
        self.assertEqual(company.ka_clv_model["date"], "2026-07-07")

    def test_too_few_customers_does_not_fail(self):
        self._ka_invoice(self.customer_a, self.env.company._ka_today(), 100)
        self.assertFalse(
            self.env["key_account.refresh"]._refresh_clv(
                self.env.company, self.env.company._ka_today()
            )
        )


@tagged("post_install", "-at_install")
class TestFiguresTable(KeyAccountCommon):
    """The figures live in key_account.partner.figures, read through the
    partner's related fields."""

    def test_every_company_partner_has_its_row(self):
        company = self.env["res.partner"].create(
            {"name": "新建公司", "is_company": True}
        )
        contact = self.env["res.partner"].create({"name": "联系人"})
        self.assertTrue(company.ka_figures_id)
        self.assertEqual(company.ka_figures_id.partner_id, company)
        self.assertFalse(contact.ka_figures_id)
        # a company partner created later by SQL gets its row from the pipeline
        self.env.cr.execute(
            "UPDATE res_partner SET ka_figures_id = NULL WHERE id = %s", [company.id]
        )
        self.env.cr.execute(
            "DELETE FROM key_account_partner_figures WHERE partner_id = %s",
            [company.id],
        )
        company.invalidate_recordset()
        self.env["key_account.refresh"]._refresh_figures(self.env.company, TODAY)
        self.assertTrue(company.ka_figures_id)

    def test_figures_search_sort_and_group_as_stored_fields(self):
        a, b = self.customer_a, self.customer_b
        a.ka_revenue_12m, b.ka_revenue_12m = 5000, 9000
        self.assertEqual(a.ka_figures_id.ka_revenue_12m, 5000)
        Partner = self.env["res.partner"].with_user(self.sales_a)
        found = Partner.search(
            [("ka_revenue_12m", ">=", 5000), ("id", "in", (a | b).ids)],
            order="ka_revenue_12m desc",
        )
        # the salesperson sees only their own customer, and reads its figure
        self.assertEqual(found, a)
        self.assertEqual(found.ka_revenue_12m, 5000)
        groups = self.env["res.partner"].read_group(
            [("id", "in", (a | b).ids)], ["ka_revenue_12m:sum"], []
        )
        self.assertEqual(groups[0]["ka_revenue_12m"], 14000)

    def test_users_cannot_read_the_table_directly(self):
        figures = self.env["key_account.partner.figures"].with_user(self.sales_a)
        with self.assertRaises(AccessError):
            figures.search([])  # pylint: disable=no-search-all
