from datetime import timedelta

from odoo.tests import tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestPoolProtection(KeyAccountCommon):
    """Recycling limits per grade; valuable customers kept, with a rescue
    activity and the reason in the pool log."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool = cls.env["key_account.pool"]
        cls.team_east.write(
            {
                "user_id": cls.leader.id,
                "ka_pool_recycle_followup_days": 60,
                "ka_pool_recycle_deal_days": 0,
                "ka_pool_notice_days": 7,
            }
        )
        cls.env["ir.config_parameter"].set_param(
            "key_account.pool_calendar_days", "True"
        )
        cls.env["ir.config_parameter"].set_param("key_account.pool_protect_clv", "1000")
        cls.env["ir.config_parameter"].set_param(
            "key_account.pool_protect_p_alive", "0.5"
        )
        # the texts of the nightly run are in the company's language
        cls.env.company.partner_id.lang = "en_US"
        cls.today = cls.env.company._ka_today()
        cls.claim = cls.today - timedelta(days=100)
        (cls.customer_a | cls.customer_b).write({"ka_claim_date": cls.claim})
        cls.customer_west.ka_claim_date = cls.today
        # customer_a owes us money
        cls._ka_invoice(cls.customer_a, cls.today - timedelta(days=120), 5000)
        cls.env["key_account.refresh"]._refresh_figures(cls.env.company, cls.today)

    def _activities(self, partner):
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )

    def test_receivable_keeps_the_customer_with_a_rescue(self):
        self.assertGreater(self.customer_a.ka_receivable, 0)
        notices, recycled = self.pool._run_recycle(self.env.company, self.today)
        self.assertEqual((notices, recycled), (0, 1))
        # customer_b: recycled, and the log says why
        self.assertTrue(self.customer_b.ka_in_pool)
        log_b = self.customer_b.ka_pool_log_ids[0]
        self.assertEqual(log_b.action, "recycle")
        self.assertIn("60", log_b.reason)
        # customer_a: kept, its manager and the team leader get a rescue task
        self.assertEqual(self.customer_a.user_id, self.sales_a)
        log_a = self.customer_a.ka_pool_log_ids[0]
        self.assertEqual(log_a.action, "kept")
        self.assertIn("receivable", log_a.reason)
        rescue = self._activities(self.customer_a)
        self.assertEqual(rescue.user_id, self.sales_a | self.leader)
        self.assertTrue(all("receivable" in s for s in rescue.mapped("summary")))
        # run again: nothing new, no second rescue
        self.assertEqual(self.pool._run_recycle(self.env.company, self.today), (0, 0))
        self.assertEqual(len(self._activities(self.customer_a)), 2)
        self.assertEqual(len(self.customer_a.ka_pool_log_ids), 1)

    def test_high_value_alive_is_kept(self):
        self.customer_b._ka_write_figures({"ka_clv": 5000.0, "ka_p_alive": 0.9})
        self.pool._run_recycle(self.env.company, self.today)
        self.assertEqual(self.customer_b.user_id, self.sales_b)
        self.assertIn("lifetime value", self.customer_b.ka_pool_log_ids[0].reason)
        # unlikely alive: no protection
        self.customer_west._ka_write_figures({"ka_clv": 5000.0, "ka_p_alive": 0.1})
        protected = self.pool._ka_pool_protected_ids(
            self.env.company, self.customer_west.ids, self.today
        )
        self.assertFalse(protected)

    def test_grade_limit_beats_the_team_limit(self):
        self.grade_c.ka_pool_recycle_followup_days = 200
        self.customer_b.ka_grade_id = self.grade_c
        self.assertEqual(self.pool._run_recycle(self.env.company, self.today), (0, 0))
        self.assertEqual(self.customer_b.user_id, self.sales_b)
        # 0: the team's limit again
        self.grade_c.ka_pool_recycle_followup_days = 0
        self.assertEqual(self.pool._run_recycle(self.env.company, self.today), (0, 1))

    def test_recycling_queries_do_not_grow(self):
        def run(day):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.pool._run_recycle(self.env.company, day)
            return self.env.cr.sql_log_count - before

        def due(count, receivable):
            partners = self.env["res.partner"]
            for i in range(count):
                partner = self._ka_customer(
                    f"回收测试{receivable}{i}有限公司", self.sales_a, self.team_east
                )
                partner.ka_claim_date = self.claim
                partners |= partner
            if receivable:
                partners._ka_write_figures({"ka_receivable": 100.0})
            return partners

        run(self.today)  # customer_a kept, customer_b recycled; caches filled
        due(2, True)
        due(2, False)
        few = run(self.today)
        due(8, True)
        due(8, False)
        many = run(self.today)
        self.assertEqual(few, many)
