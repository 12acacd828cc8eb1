from datetime import date, timedelta

import numpy as np
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import BaseCase, tagged

from ..lib import clv
from .common import KeyAccountCommon

TODAY = date(2026, 6, 30)
PAPER = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


@tagged("post_install", "-at_install")
class TestLifecycle(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.write({"ka_new_days": 90, "ka_dormant_days": 180, "ka_lost_days": 365})
        cls.competitor = cls.env["res.partner"].create(
            {
                "name": "对手科技有限公司",
                "is_company": True,
                "ka_customer_type": "competitor",
            }
        )

    def _customer(self, name, first=None, last=None, user=None, **vals):
        partner = self._ka_customer(name, user or self.sales_a, self.team_east, **vals)
        partner.write(
            {
                "ka_first_order_date": first and TODAY - timedelta(days=first),
                "ka_last_order_date": last is not None and TODAY - timedelta(days=last),
            }
        )
        return partner

    def _run(self, today=TODAY):
        report = self.env["key_account.pipeline"]._run(
            companies=self.env.company, today=today, codes=["lifecycle"]
        )
        return report[0]["rows"]

    def _history(self, partner):
        return self.env["key_account.status.history"].search(
            [("partner_id", "=", partner.id)], order="id"
        )

    def test_rules_set_the_status(self):
        prospect = self._customer("潜在客户有限公司")
        new = self._customer("新客户有限公司", first=10, last=10)
        active = self._customer("活跃客户有限公司", first=400, last=20)
        dormant = self._customer("沉睡客户有限公司", first=500, last=200)
        lost = self._customer("流失客户有限公司", first=800, last=400)
        invalid = self._customer("无效客户有限公司", first=800, last=400)
        invalid.sudo().ka_status = "invalid"
        self.assertGreaterEqual(self._run(), 4)
        self.assertEqual(prospect.ka_status, "potential")
        self.assertEqual(new.ka_status, "new")
        self.assertEqual(active.ka_status, "active")
        self.assertEqual(dormant.ka_status, "dormant")
        self.assertEqual(lost.ka_status, "lost")
        self.assertEqual(invalid.ka_status, "invalid")
        self.assertEqual(dormant.ka_status_date, TODAY)
        change = self._history(dormant)
        self.assertEqual(len(change), 1)
        self.assertEqual(
            (change.old_status, change.new_status, change.source),
            ("potential", "dormant", "rule"),
        )
        self.assertEqual(change.manager_id, self.sales_a)
        self.assertEqual(change.team_id, self.team_east)
        self.assertEqual(change.company_id, self.env.company)
        self.assertFalse(self._history(invalid))
        # idempotent: the same night again changes nothing
        self.assertEqual(self._run(), 0)
        self.assertEqual(len(self._history(dormant)), 1)

    def test_thresholds_per_grade(self):
        self.grade_a.write({"dormant_days": 30, "lost_days": 60})
        a = self._customer("甲级客户有限公司", first=400, last=40)
        a.sudo().ka_grade_id = self.grade_a
        c = self._customer("丙级客户有限公司", first=400, last=40)
        c.sudo().ka_grade_id = self.grade_c
        self._run()
        self.assertEqual(a.ka_status, "dormant")
        self.assertEqual(c.ka_status, "active")
        a.sudo().write({"ka_last_order_date": TODAY - timedelta(days=61)})
        self._run()
        self.assertEqual(a.ka_status, "lost")

    def test_grade_days_checked_with_the_company_defaults(self):
        """A grade that sets only one of its two numbers is checked with the
        company's default for the other: dormant after 400 days while the
        company counts a customer lost after 365 would make it lost first."""
        with self.assertRaises(ValidationError):
            self.grade_a.write({"dormant_days": 400, "lost_days": 0})
        with self.assertRaises(ValidationError):
            self.grade_a.write({"dormant_days": 0, "lost_days": 100})
        self.grade_a.write({"dormant_days": 300, "lost_days": 0})
        # nor may the company's defaults pass the grade's own number
        with self.assertRaises(ValidationError):
            self.env.company.write({"ka_lost_days": 250, "ka_dormant_days": 200})
        self.env.company.write({"ka_lost_days": 500})

    def test_new_order_reactivates(self):
        dormant = self._customer("沉睡再来有限公司", first=500, last=200)
        lost = self._customer("流失再来有限公司", first=800, last=400)
        self._run()
        self.assertEqual((dormant.ka_status, lost.ka_status), ("dormant", "lost"))
        later = TODAY + timedelta(days=5)
        (dormant | lost).sudo().write({"ka_last_order_date": later})
        self._run(later)
        self.assertEqual((dormant.ka_status, lost.ka_status), ("active", "active"))
        self.assertEqual(self._history(lost).mapped("new_status"), ["lost", "active"])

    def test_a_real_order_makes_a_new_customer(self):
        prospect = self._customer("首单客户有限公司")
        self._run()
        self.assertEqual(prospect.ka_status, "potential")
        product = self._ka_product()
        today = self.env.company._ka_today()
        self._ka_order(prospect, product, fields.Datetime.now() - timedelta(hours=1))
        self.env["key_account.pipeline"]._run(
            companies=self.env.company, today=today, codes=["figures", "lifecycle"]
        )
        self.assertEqual(prospect.ka_status, "new")

    def test_lost_by_hand_with_reason_and_competitor(self):
        customer = self._customer("手工流失有限公司", first=400, last=5)
        self._run()
        self.assertEqual(customer.ka_status, "active")
        reason = self.env.ref("key_account.churn_reason_competitor")
        Wizard = self.env["key_account.status.wizard"].with_user(self.sales_a)
        # a competitor reason asks which competitor
        wizard = Wizard.create(
            {"partner_ids": [(6, 0, customer.ids)], "reason_id": reason.id}
        )
        # the wizard's own errors (an AccessError is a UserError too)
        with self.assertRaises(UserError) as caught:
            wizard.action_confirm()
        self.assertIs(type(caught.exception), UserError)
        with self.assertRaises(UserError) as caught:
            Wizard.create(
                {"partner_ids": [(6, 0, customer.ids)], "reason_id": False}
            ).action_confirm()
        self.assertIs(type(caught.exception), UserError)
        # a contact has no status of its own
        contact = self.env["res.partner"].create(
            {"name": "联系人甲", "parent_id": customer.id, "user_id": self.sales_a.id}
        )
        with self.assertRaises(UserError) as caught:
            Wizard.create(
                {"partner_ids": [(6, 0, contact.ids)], "new_status": "invalid"}
            ).action_confirm()
        self.assertIs(type(caught.exception), UserError)
        self.assertFalse(self._history(contact))
        wizard.competitor_id = self.competitor
        wizard.note = "对手降价三成"
        wizard.action_confirm()
        self.assertEqual(customer.ka_status, "lost")
        self.assertEqual(customer.ka_churn_reason_id, reason)
        self.assertEqual(customer.ka_churn_competitor_id, self.competitor)
        change = self._history(customer)[-1]
        self.assertEqual(
            (change.old_status, change.new_status, change.source, change.user_id),
            ("active", "lost", "user", self.sales_a),
        )
        self.assertEqual(change.competitor_id, self.competitor)
        self.assertEqual(change.note, "对手降价三成")
        # the rules keep it lost while no new order comes (its last order is
        # 5 days old: by the days alone it would be active)
        self.assertEqual(self._run(), 0)
        self.assertEqual(customer.ka_status, "lost")
        # a new order after the day it was lost reactivates it
        later = TODAY + timedelta(days=3)
        customer.ka_status_date = TODAY
        customer.sudo().ka_last_order_date = later
        self._run(later)
        self.assertEqual(customer.ka_status, "active")
        # the churn reason went with the lost status (the history keeps it)
        self.assertFalse(customer.ka_churn_reason_id)
        self.assertFalse(customer.ka_churn_competitor_id)
        self.assertEqual(self._history(customer)[-2].reason_id, reason)

    def test_back_to_the_rules_and_invalid(self):
        customer = self._customer("无效再用有限公司", first=400, last=5)
        Wizard = self.env["key_account.status.wizard"].with_user(self.manager)
        Wizard.create(
            {"partner_ids": [(6, 0, customer.ids)], "new_status": "invalid"}
        ).action_confirm()
        self.assertEqual(customer.ka_status, "invalid")
        self._run()
        self.assertEqual(customer.ka_status, "invalid")
        Wizard.create(
            {"partner_ids": [(6, 0, customer.ids)], "new_status": "rules"}
        ).action_confirm()
        self.assertEqual(customer.ka_status, "active")
        self.assertEqual(self._history(customer)[-1].source, "user")

    def test_status_is_not_writable(self):
        customer = self._customer("只读状态有限公司", first=400, last=5)
        with self.assertRaises(AccessError):
            customer.with_user(self.sales_a).write({"ka_status": "lost"})
        with self.assertRaises(AccessError):
            customer.with_user(self.manager).write({"ka_status": "active"})
        # a new customer from the form comes with the default status
        created = (
            self.env["res.partner"]
            .with_user(self.sales_a)
            .create(
                {
                    "name": "新建客户有限公司",
                    "is_company": True,
                    "ka_status": "potential",
                }
            )
        )
        self.assertEqual(created.ka_status, "potential")
        # a colleague's customer: only its account manager or a manager
        with self.assertRaises(AccessError):
            customer.with_user(self.sales_b).action_ka_change_status()
        self.assertEqual(
            customer.with_user(self.sales_a).action_ka_change_status()["res_model"],
            "key_account.status.wizard",
        )
        wizard = (
            self.env["key_account.status.wizard"]
            .with_user(self.sales_b)
            .create({"partner_ids": [(6, 0, customer.ids)], "new_status": "invalid"})
        )
        # the colleague's customer is not even in the colleague's wizard
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(customer.ka_status, "potential")
        # nor a pool customer
        pool = self._customer("公海状态有限公司", first=400, last=5)
        pool.sudo().user_id = False
        wizard = (
            self.env["key_account.status.wizard"]
            .with_user(self.sales_b)
            .create({"partner_ids": [(6, 0, pool.ids)], "new_status": "invalid"})
        )
        with self.assertRaises(AccessError):
            wizard.action_confirm()

    def test_history_follows_the_customer_rules(self):
        mine = self._customer("甲方历史有限公司", first=500, last=200)
        west = self._customer(
            "西部历史有限公司", first=500, last=200, user=self.sales_west
        )
        west.sudo().team_id = self.team_west
        self._run()
        History = self.env["key_account.status.history"]
        seen = History.with_user(self.sales_a).search(
            [("partner_id", "in", (mine | west).ids)]
        )
        self.assertEqual(seen.partner_id, mine)
        self.assertEqual(
            History.with_user(self.manager)
            .search([("partner_id", "in", (mine | west).ids)])
            .partner_id,
            mine | west,
        )
        with self.assertRaises(AccessError):
            History.with_user(self.sales_a).create(
                {"partner_id": mine.id, "new_status": "lost", "effective_date": TODAY}
            )
        with self.assertRaises(AccessError):
            self.env["key_account.churn.reason"].with_user(self.sales_a).create(
                {"name": "随便"}
            )

    def test_step_query_count_does_not_grow(self):
        def batch(prefix, n):
            for i in range(n):
                self._customer(f"{prefix}{i}有限公司", first=500, last=100 + 30 * i)

        batch("少量", 3)
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        self._run()
        few = self.env.cr.sql_log_count - start
        batch("大量", 30)
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        self._run(TODAY + timedelta(days=1))
        many = self.env.cr.sql_log_count - start
        self.assertLessEqual(many, few + 2)

    def test_win_back_activities_once(self):
        dormant = self._customer("挽回甲有限公司", first=500, last=200)
        closed = self._customer("挽回乙有限公司", first=500, last=5)
        active = self._customer("挽回丙有限公司", first=500, last=5)
        self._run()
        self.env["key_account.status.wizard"].with_user(self.manager).create(
            {
                "partner_ids": [(6, 0, closed.ids)],
                "reason_id": self.env.ref("key_account.churn_reason_company_closed").id,
            }
        ).action_confirm()
        customers = (dormant | closed | active).with_user(self.sales_a)
        customers.action_ka_win_back()
        kind = self.env.ref("key_account.mail_activity_type_win_back")
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", customers.ids),
                ("activity_type_id", "=", kind.id),
            ]
        )
        self.assertEqual(activities.mapped("res_id"), dormant.ids)
        self.assertEqual(activities.user_id, self.sales_a)
        customers.action_ka_win_back()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_id", "in", customers.ids), ("activity_type_id", "=", kind.id)]
            ),
            1,
        )
        with self.assertRaises(AccessError):
            dormant.with_user(self.sales_west).action_ka_win_back()

    def test_churn_rate_months_follow_the_business_day(self):
        """At 16:30 UTC on the last day of a month it is already the 1st in
        Beijing: the report shows that month (not the server's)."""
        self.env.company.partner_id.tz = "Asia/Shanghai"
        Rate = self.env["key_account.churn.rate"]
        with freeze_time("2026-06-30 16:30:00"):
            months = Rate.search([("company_id", "=", self.env.company.id)]).mapped(
                "date"
            )
        self.assertEqual(max(months), date(2026, 7, 1))
        self.assertEqual(len(months), 24)

    def test_churn_rate(self):
        """Lost in the month over the customers at its start: a customer that
        came and went within the month, or was lost before it, is in
        neither figure."""
        History = self.env["key_account.status.history"]
        Rate = self.env["key_account.churn.rate"]
        month = self.env.company._ka_today().replace(day=1)
        before = month - timedelta(days=10)
        domain = [("company_id", "=", self.env.company.id), ("date", "=", month)]
        self.env.flush_all()
        base = Rate.search(domain)
        start0, churned0 = base.customer_count, base.churned_count
        customers = [self._customer(f"流失率{i}有限公司") for i in range(6)]

        def change(customer, old, new, day):
            return {
                "partner_id": customer.id,
                "company_id": self.env.company.id,
                "old_status": old,
                "new_status": new,
                "effective_date": day,
                "source": "rule",
            }

        History.create(
            [change(c, "potential", "active", before) for c in customers[:4]]
            + [
                change(customers[0], "active", "lost", month),
                # came and went within the month
                change(customers[4], "potential", "new", month),
                change(customers[4], "new", "lost", month + timedelta(days=1)),
                # lost before the month
                change(customers[5], "potential", "active", before),
                change(customers[5], "active", "lost", before + timedelta(days=1)),
            ]
        )
        self.env.flush_all()
        self.env.invalidate_all()
        rate = Rate.search(domain)
        self.assertEqual(len(rate), 1)
        self.assertEqual(rate.customer_count, start0 + 4)
        self.assertEqual(rate.churned_count, churned0 + 1)
        self.assertAlmostEqual(
            rate.churn_rate,
            round(100.0 * rate.churned_count / rate.customer_count, 2),
            places=2,
        )
        with self.assertRaises(AccessError):
            self.env["key_account.churn.rate"].with_user(self.sales_a).search([])

    def test_clv_step_fills_the_chance_of_a_purchase(self):
        company = self.env.company
        params = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}
        company.sudo().ka_clv_model = {
            "date": str(TODAY),
            "bg": params,
            "gg": {"p": 6.0, "q": 4.0, "v": 15.0},
        }
        buyer = self._customer("概率客户有限公司")
        for days in (70, 35, 0):
            self._ka_invoice(buyer, TODAY - timedelta(days=days), 1000)
        self.env["key_account.refresh"]._refresh_clv(company, TODAY)
        expected = clv.probability_purchase_within(params, 90 / 7.0, [2], [10], [10])
        self.assertAlmostEqual(buyer.ka_p_purchase_90d, round(expected[0], 3), 3)
        self.assertGreater(buyer.ka_p_purchase_90d, 0)
        self.assertLessEqual(buyer.ka_p_purchase_90d, buyer.ka_p_alive)


class TestPurchaseProbabilities(BaseCase):
    def test_probabilities_sum_to_one_and_mean_is_expected(self):
        for params, t in (
            (PAPER, 39),
            (PAPER, 78),
            ({"r": 2.0, "alpha": 10.0, "a": 3.0, "b": 5.0}, 52),
            ({"r": 0.5, "alpha": 2.0, "a": 1.5, "b": 0.8}, 100),
        ):
            x = np.arange(0, 3000)
            p = clv.probability_of_purchases(params, t, x)
            self.assertTrue(np.all(p >= 0))
            self.assertAlmostEqual(float(p.sum()), 1.0, delta=1e-6)
            self.assertAlmostEqual(
                float((x * p).sum()),
                clv.expected_purchases_new_customer(params, t),
                delta=1e-6,
            )
        self.assertEqual(
            clv.probability_of_purchases(PAPER, 0, [0, 1]).tolist(), [1, 0]
        )
        with self.assertRaises(clv.CLVInputError):
            clv.probability_of_purchases(PAPER, 10, [1.5])

    def test_chance_of_a_purchase_within(self):
        x, t_x, T = [0, 2, 5, 5], [0, 10, 30, 5], [30, 30, 31, 31]
        chance = clv.probability_purchase_within(PAPER, 90 / 7.0, x, t_x, T)
        alive = clv.probability_alive(PAPER, x, t_x, T)
        self.assertTrue(np.all((chance > 0) & (chance <= alive)))
        # a recent buyer is likelier to buy than one silent for 26 weeks
        self.assertGreater(chance[2], chance[3])
        longer = clv.probability_purchase_within(PAPER, 52.0, x, t_x, T)
        self.assertTrue(np.all(longer > chance))
        self.assertEqual(
            clv.probability_purchase_within(PAPER, 0, x, t_x, T).tolist(), [0] * 4
        )
