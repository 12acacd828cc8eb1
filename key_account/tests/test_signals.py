from datetime import date, datetime, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import KeyAccountCommon

TODAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestValueSignals(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # our own rules only: the shipped ones are switched off
        cls.env["key_account.warning.rule"].search([]).active = False
        cls.thanks = cls.env.ref("key_account.mail_activity_type_thanks")

    def _rule(self, **vals):
        return self.env["key_account.warning.rule"].create(
            {
                "name": vals.pop("name", "价值信号"),
                "direction": "signal",
                "activity_type_id": self.thanks.id,
                **vals,
            }
        )

    def _run(self, today=TODAY):
        return self.env["key_account.warning.rule"]._run_rules(self.env.company, today)

    def _growing(self, name, pct, user=None):
        partner = self._ka_customer(name, user or self.sales_a, self.team_east)
        partner.write(
            {
                "ka_revenue_prev_12m": 1000.0,
                "ka_revenue_12m": 1000.0 * (1 + pct / 100.0),
                "ka_revenue_change_pct": pct,
            }
        )
        return partner

    def test_growth_signal_once_with_a_thanks_activity(self):
        rule = self._rule(name="增长三成", warning_type="growth", threshold=30)
        grower = self._growing("增长客户有限公司", 50)
        self._growing("平稳客户有限公司", 10)
        self.assertEqual(self._run(), (1, 0))
        signal = grower.ka_warning_ids
        self.assertEqual(signal.rule_id, rule)
        self.assertEqual(signal.direction, "signal")
        self.assertEqual(signal.value, 50)
        activity = signal.activity_id
        self.assertEqual(activity.activity_type_id, self.thanks)
        self.assertEqual(activity.user_id, self.sales_a)
        self.assertIn("增长三成", activity.summary)
        # once per open signal
        self.assertEqual(self._run(), (0, 0))
        # growth gone: the signal closes with its activity
        grower.write({"ka_revenue_change_pct": 5.0})
        self.assertEqual(self._run(), (0, 1))
        self.assertFalse(activity.exists())
        self.assertEqual(
            self.env["key_account.warning"].search_count(
                [("direction", "=", "signal"), ("partner_id", "=", grower.id)]
            ),
            1,
        )

    def test_upgrade_signal(self):
        self._rule(name="升级", warning_type="upgrade", days=30)
        History = self.env["key_account.grade.history"]
        History._record_bulk(
            [(self.customer_a.id, self.grade_c.id, self.grade_a.id, False)],
            day=TODAY - timedelta(days=3),
            chatter=False,
        )
        History._record_bulk(
            [(self.customer_b.id, self.grade_a.id, self.grade_c.id, False)],
            day=TODAY - timedelta(days=3),
            chatter=False,
        )
        self.assertEqual(self._run(), (1, 0))
        self.assertEqual(self.customer_a.ka_warning_ids.value, 3)
        self.assertFalse(self.customer_b.ka_warning_ids)

    def test_new_category_signal(self):
        self._rule(name="新品类", warning_type="new_category", days=30)
        Category = self.env["product.category"]
        software = self._ka_product("软件")
        software.categ_id = Category.create({"name": "软件类"})
        hardware = self._ka_product("硬件")
        hardware.categ_id = Category.create({"name": "硬件类"})
        old = datetime.combine(TODAY - timedelta(days=100), datetime.min.time())
        recent = datetime.combine(TODAY - timedelta(days=5), datetime.min.time())
        # a customer of the software buys hardware for the first time
        self._ka_order(self.customer_a, software, old)
        self._ka_order(self.customer_a, hardware, recent)
        # a customer who buys software again: nothing new
        self._ka_order(self.customer_b, software, old)
        self._ka_order(self.customer_b, software, recent)
        # a new customer's first order is not a new category
        self._ka_order(self.customer_west, hardware, recent)
        self.env.flush_all()
        self.assertEqual(self._run(), (1, 0))
        self.assertEqual(self.customer_a.ka_warning_ids.value, 1)

    def test_new_category_counts_contacts_and_stops_at_today(self):
        """Orders of the customer's contacts are the customer's; each new
        category counts once; an order after the business day is not read."""
        self._rule(name="新品类", warning_type="new_category", days=30)
        Category = self.env["product.category"]
        products = {}
        for name in ("软件", "硬件", "服务"):
            products[name] = self._ka_product(name)
            products[name].categ_id = Category.create({"name": f"{name}类"})
        old = datetime.combine(TODAY - timedelta(days=100), datetime.min.time())
        recent = datetime.combine(TODAY - timedelta(days=5), datetime.min.time())
        later = datetime.combine(TODAY + timedelta(days=2), datetime.min.time())
        buyer = self.env["res.partner"].create(
            {"name": "采购王工", "parent_id": self.customer_a.id}
        )
        self._ka_order(buyer, products["软件"], old)
        self._ka_order(self.customer_a, products["硬件"], recent)
        self._ka_order(buyer, products["服务"], recent)
        self._ka_order(buyer, products["服务"], recent)
        # customer_b's new category is ordered after the business day
        self._ka_order(self.customer_b, products["软件"], old)
        self._ka_order(self.customer_b, products["硬件"], later)
        self.env.flush_all()
        self.assertEqual(self._run(), (1, 0))
        self.assertEqual(self.customer_a.ka_warning_ids.value, 2)
        self.assertFalse(self.customer_b.ka_warning_ids)

    def test_figure_threshold_signal(self):
        clv = self.env["ir.model.fields"]._get("key_account.partner.figures", "ka_clv")
        self._rule(
            name="高价值", warning_type="figure", figure_field_id=clv.id, threshold=5000
        )
        self.customer_a.write({"ka_clv": 8000.0})
        self.customer_b.write({"ka_clv": 100.0})
        self.assertEqual(self._run(), (1, 0))
        self.assertEqual(self.customer_a.ka_warning_ids.value, 8000)
        with self.assertRaises(ValidationError):
            self._rule(name="无字段", warning_type="figure", threshold=1)
        partner_field = self.env["ir.model.fields"]._get("res.partner", "name")
        with self.assertRaises(ValidationError):
            self._rule(
                name="错字段",
                warning_type="figure",
                figure_field_id=partner_field.id,
                threshold=1,
            )
        with self.assertRaises(ValidationError):
            self._rule(name="无天数", warning_type="upgrade", days=0)

    def test_salesperson_sees_own_signals_and_edits_no_rule(self):
        self._rule(name="增长", warning_type="growth", threshold=30)
        mine = self._growing("自己的增长有限公司", 50)
        west = self._growing("西部增长有限公司", 50, user=self.sales_west)
        self._run()
        Warning = self.env["key_account.warning"].with_user(self.sales_a)
        found = Warning.search([("partner_id", "in", (mine | west).ids)])
        self.assertEqual(found.partner_id, mine)
        with self.assertRaises(AccessError):
            self.env["key_account.warning.rule"].with_user(self.sales_a).create(
                {
                    "name": "x",
                    "direction": "signal",
                    "warning_type": "growth",
                    "threshold": 5,
                }
            )

    def test_query_count_does_not_grow(self):
        self._rule(name="增长", warning_type="growth", threshold=30)
        self._rule(name="升级", warning_type="upgrade", days=30)
        self._rule(name="新品类", warning_type="new_category", days=30)

        def batch(prefix, n):
            for i in range(n):
                self._growing(f"{prefix}{i}有限公司", 40 + i)

        batch("少", 2)
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        self.assertEqual(self._run(), (2, 0))
        few = self.env.cr.sql_log_count - start
        batch("多", 20)
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        self.assertEqual(self._run(), (20, 0))
        many = self.env.cr.sql_log_count - start
        self.assertLessEqual(many, few + 2)
