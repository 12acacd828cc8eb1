from datetime import date, timedelta

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import Registry
from odoo.tests import new_test_user, tagged
from odoo.tests.common import BaseCase, get_db_name

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestPool(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool = cls.env["key_account.pool"]
        cls.team_east.write(
            {
                "ka_pool_max_customers": 3,
                "ka_pool_reclaim_days": 30,
                "ka_pool_recycle_followup_days": 60,
                "ka_pool_recycle_deal_days": 0,
                "ka_pool_notice_days": 7,
            }
        )
        cls.pool_more = cls._ka_customer("公海戊方有限公司", False, False)

    def test_claim_makes_it_mine(self):
        self.customer_pool.with_user(self.sales_a).action_ka_claim()
        self.assertEqual(self.customer_pool.user_id, self.sales_a)
        self.assertEqual(self.customer_pool.team_id, self.team_east)
        self.assertFalse(self.customer_pool.ka_in_pool)
        log = self.customer_pool.ka_pool_log_ids
        self.assertEqual((log.action, log.user_id), ("claim", self.sales_a))
        mine = (
            self.env["res.partner"]
            .with_user(self.sales_a)
            .search([("user_id", "=", self.sales_a.id)])
        )
        self.assertIn(self.customer_pool, mine)

    def test_own_company_is_never_in_the_pool(self):
        own = self.env.company.partner_id
        own.user_id = False
        self.assertFalse(own.ka_in_pool)
        pool = self.env["res.partner"].search([("ka_in_pool", "=", True)])
        self.assertNotIn(own, pool)
        self.assertIn(self.customer_pool, pool)
        self.assertIn(own, self.env["res.partner"].search([("ka_in_pool", "=", False)]))
        with self.assertRaisesRegex(UserError, "own companies"):
            self.pool.with_user(self.sales_a).claim(own)

    def test_cannot_claim_a_customer_with_a_manager(self):
        with self.assertRaisesRegex(UserError, "already has an account manager"):
            self.pool.with_user(self.sales_b).claim(self.customer_a.sudo())

    def test_claim_limit_per_salesperson(self):
        extra = self.env["res.partner"]
        for i in range(2):
            extra |= self._ka_customer(f"公海{i}号有限公司", False, False)
        # sales_a holds 1, the limit is 3: two more are fine, a third is not
        self.pool.with_user(self.sales_a).claim(extra)
        with self.assertRaisesRegex(UserError, "limit"):
            self.pool.with_user(self.sales_a).claim(self.customer_pool)
        self.assertFalse(self.customer_pool.user_id)

    def test_release_needs_a_reason_and_blocks_reclaim(self):
        Pool = self.pool.with_user(self.sales_a)
        with self.assertRaises(UserError):
            Pool.release(self.customer_a, "  ")
        Pool.release(self.customer_a, "客户已转向竞争对手")
        self.assertFalse(self.customer_a.user_id)
        self.assertEqual(
            self.customer_a.ka_pool_log_ids[0].reason, "客户已转向竞争对手"
        )
        with self.assertRaisesRegex(UserError, "cannot claim it again"):
            Pool.claim(self.customer_a)
        # someone else may
        self.pool.with_user(self.sales_b).claim(self.customer_a)
        self.assertEqual(self.customer_a.user_id, self.sales_b)

    def test_salesperson_cannot_release_or_assign_others(self):
        with self.assertRaises(AccessError):
            self.pool.with_user(self.sales_a).release(self.customer_b, "不要了")
        with self.assertRaises(AccessError):
            self.pool.with_user(self.sales_a).assign(self.customer_pool, self.sales_a)

    def test_leader_assigns(self):
        wizard = (
            self.env["key_account.pool.wizard"]
            .with_user(self.leader)
            .create(
                {
                    "mode": "assign",
                    "partner_ids": [(6, 0, self.customer_b.ids)],
                    "user_id": self.sales_a.id,
                    "reason": "调整分工",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(self.customer_b.user_id, self.sales_a)
        actions = set(self.customer_b.ka_pool_log_ids.mapped("action"))
        self.assertEqual(actions, {"assign", "release"})

    def test_recycle_notice_then_recycle_once(self):
        today = date.today()
        claimed = self.customer_a
        claimed.ka_claim_date = today - timedelta(days=55)
        # the pool customer of another team is not concerned
        self.customer_west.ka_claim_date = today
        notices, recycled = self.pool.run_recycle(today)
        self.assertEqual((notices, recycled), (1, 0))
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", claimed.id)]
        )
        self.assertEqual(activity.user_id, self.sales_a)
        self.assertEqual(activity.date_deadline, today + timedelta(days=5))
        # run twice: no second notice
        self.assertEqual(self.pool.run_recycle(today), (0, 0))
        # a follow-up done resets the clock
        activity.action_feedback("电话沟通，客户有新需求")
        self.assertEqual(self.pool.run_recycle(today + timedelta(days=6)), (0, 0))
        self.assertEqual(claimed.ka_last_followup_date, today)
        # 61 days without follow-up: back in the pool, once; customer_b of the
        # same team had no follow-up since its creation and goes back too
        later = today + timedelta(days=61)
        self.assertEqual(self.pool.run_recycle(later), (0, 2))
        self.assertTrue(claimed.ka_in_pool)
        self.assertTrue(self.customer_b.ka_in_pool)
        self.assertEqual(self.customer_west.user_id, self.sales_west)
        self.assertEqual(claimed.ka_pool_log_ids[0].action, "recycle")
        self.assertEqual(self.pool.run_recycle(later), (0, 0))

    def test_recycle_queries_do_not_grow(self):
        today = date.today()
        self.pool.run_recycle(today)
        cr = self.env.cr
        before = cr.sql_log_count
        self.pool.run_recycle(today)
        few = cr.sql_log_count - before
        for i in range(25):
            self._ka_customer(f"批量{i}有限公司", self.sales_b, self.team_east)
        self.env.flush_all()
        before = cr.sql_log_count
        self.pool.run_recycle(today)
        self.assertEqual(cr.sql_log_count - before, few)


@tagged("post_install", "-at_install")
class TestConcurrentClaims(BaseCase):
    """Two salespeople claim the same customer at the same moment, in two real
    transactions: exactly one gets it, the other gets a clear message."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.user_ids = [
                new_test_user(
                    env,
                    login=f"ka_race_{i}",
                    name=f"抢单{i}",
                    groups="key_account.key_account_group_user",
                ).id
                for i in (1, 2)
            ]
            self.partner_id = (
                env["res.partner"]
                .create({"name": "抢手客户有限公司", "is_company": True})
                .id
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["key_account.pool.log"].search(
                [("partner_id", "=", self.partner_id)]
            ).unlink()
            env["res.partner"].browse(self.partner_id).unlink()
            env["res.users"].browse(self.user_ids).active = False

    def _claim(self, cr, uid):
        env = api.Environment(cr, uid, {})
        env["key_account.pool"].claim(env["res.partner"].browse(self.partner_id))

    def test_only_one_claim_wins(self):
        first, second = self.user_ids
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            # both transactions start before either claims
            cr2.execute("SELECT 1")
            self._claim(cr1, first)
            # the first holds the row lock: the second is told at once
            with self.assertRaisesRegex(UserError, "at this moment"):
                self._claim(cr2, second)
            cr1.commit()
            # after the commit the second transaction's snapshot is stale: still refused
            with self.assertRaisesRegex(UserError, "at this moment|someone else"):
                self._claim(cr2, second)
            cr2.rollback()
        with self.registry.cursor() as cr3:
            env = api.Environment(cr3, SUPERUSER_ID, {})
            partner = env["res.partner"].browse(self.partner_id)
            self.assertEqual(partner.user_id.id, first)
            logs = env["key_account.pool.log"].search([("partner_id", "=", partner.id)])
            self.assertEqual(logs.mapped("user_id").ids, [first])
            # a fresh attempt gets the plain message
            with self.assertRaisesRegex(UserError, "already has an account manager"):
                self._claim(cr3, second)
