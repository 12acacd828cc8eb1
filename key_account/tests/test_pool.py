import logging
import re
import threading
import traceback
import uuid
from datetime import date, datetime, timedelta

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import Registry
from odoo.tests import new_test_user, tagged
from odoo.tests.common import BaseCase, get_db_name

from .common import KeyAccountCommon

_logger = logging.getLogger(__name__)


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
        # these tests count calendar days; the working days have their own test
        cls.env["ir.config_parameter"].set_param(
            "key_account.pool_calendar_days", "True"
        )

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
            self.pool.with_user(self.sales_a)._claim(own)

    def test_cannot_claim_a_customer_with_a_manager(self):
        with self.assertRaisesRegex(UserError, "already has an account manager"):
            self.pool.with_user(self.sales_b)._claim(self.customer_a.sudo())

    def test_claim_limit_per_salesperson(self):
        extra = self.env["res.partner"]
        for i in range(2):
            extra |= self._ka_customer(f"公海{i}号有限公司", False, False)
        # sales_a holds 1, the limit is 3: two more are fine, a third is not
        self.pool.with_user(self.sales_a)._claim(extra)
        with self.assertRaisesRegex(UserError, "limit"):
            self.pool.with_user(self.sales_a)._claim(self.customer_pool)
        self.assertFalse(self.customer_pool.user_id)

    def test_release_needs_a_reason_and_blocks_reclaim(self):
        Pool = self.pool.with_user(self.sales_a)
        with self.assertRaises(UserError):
            Pool._release(self.customer_a, "  ")
        Pool._release(self.customer_a, "客户已转向竞争对手")
        self.assertFalse(self.customer_a.user_id)
        self.assertEqual(
            self.customer_a.ka_pool_log_ids[0].reason, "客户已转向竞争对手"
        )
        with self.assertRaisesRegex(UserError, "cannot claim it again"):
            Pool._claim(self.customer_a)
        # someone else may
        self.pool.with_user(self.sales_b)._claim(self.customer_a)
        self.assertEqual(self.customer_a.user_id, self.sales_b)

    def test_salesperson_cannot_release_or_assign_others(self):
        with self.assertRaises(AccessError):
            self.pool.with_user(self.sales_a)._release(self.customer_b, "不要了")
        with self.assertRaises(AccessError):
            self.pool.with_user(self.sales_a)._assign(self.customer_pool, self.sales_a)

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
        today = self.env.company._ka_today()
        claimed = self.customer_a
        claimed.ka_claim_date = today - timedelta(days=55)
        # the pool customer of another team is not concerned
        self.customer_west.ka_claim_date = today
        notices, recycled = self.pool._run_recycle(self.env.company, today)
        self.assertEqual((notices, recycled), (1, 0))
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", claimed.id)]
        )
        self.assertEqual(activity.user_id, self.sales_a)
        self.assertEqual(activity.date_deadline, today + timedelta(days=5))
        # run twice: no second notice
        self.assertEqual(self.pool._run_recycle(self.env.company, today), (0, 0))
        # a follow-up done resets the clock
        activity.action_feedback("电话沟通，客户有新需求")
        self.assertEqual(
            self.pool._run_recycle(self.env.company, today + timedelta(days=6)), (0, 0)
        )
        self.assertEqual(claimed.ka_last_followup_date, today)
        # 61 days without follow-up: back in the pool, once; customer_b of the
        # same team had no follow-up since its creation and goes back too
        later = today + timedelta(days=61)
        self.assertEqual(self.pool._run_recycle(self.env.company, later), (0, 2))
        self.assertTrue(claimed.ka_in_pool)
        self.assertTrue(self.customer_b.ka_in_pool)
        self.assertEqual(self.customer_west.user_id, self.sales_west)
        self.assertEqual(claimed.ka_pool_log_ids[0].action, "recycle")
        self.assertEqual(self.pool._run_recycle(self.env.company, later), (0, 0))

    def test_recycle_counts_working_days_by_default(self):
        """Without the calendar-days parameter the limits count working days
        on the holiday calendar. Claimed on Friday 25 September 2026 with a
        limit of 8 working days (notice 2 before): 28, 29, 30 September, then
        8, 9, 10 (a Saturday worked, 调休), 12 and 13 October — Mid-Autumn and
        National Day (25 September to 7 October) are off. Noticed on Monday
        12 October, due and recycled on the 13th, where 8 calendar days would
        have recycled it on 3 October, in the middle of the holiday."""
        self.env["ir.config_parameter"].set_param("key_account.pool_calendar_days", "")
        self.team_east.write(
            {"ka_pool_recycle_followup_days": 8, "ka_pool_notice_days": 2}
        )
        (self.customer_b | self.customer_west).user_id = False
        self.customer_a.ka_claim_date = datetime(2026, 9, 25, 2, 0)
        company = self.env.company
        self.assertEqual(self.pool._run_recycle(company, date(2026, 9, 30)), (0, 0))
        self.assertEqual(self.pool._run_recycle(company, date(2026, 10, 3)), (0, 0))
        self.assertEqual(self.pool._run_recycle(company, date(2026, 10, 9)), (0, 0))
        self.assertEqual(self.pool._run_recycle(company, date(2026, 10, 12)), (1, 0))
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id)]
        )
        self.assertEqual(activity.date_deadline, date(2026, 10, 13))
        self.assertEqual(self.pool._run_recycle(company, date(2026, 10, 13)), (0, 1))
        self.assertTrue(self.customer_a.ka_in_pool)

    def test_recycle_queries_do_not_grow(self):
        today = self.env.company._ka_today()
        self.pool._run_recycle(self.env.company, today)
        cr = self.env.cr
        before = cr.sql_log_count
        self.pool._run_recycle(self.env.company, today)
        few = cr.sql_log_count - before
        for i in range(25):
            self._ka_customer(f"批量{i}有限公司", self.sales_b, self.team_east)
        self.env.flush_all()
        before = cr.sql_log_count
        self.pool._run_recycle(self.env.company, today)
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
        env["key_account.pool"]._claim(env["res.partner"].browse(self.partner_id))

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


# the messages a losing claim may get, in English and in Chinese
LOSER_MESSAGES = {
    "en_US": re.compile(
        "at this moment|someone else|already has an account manager|already holds"
    ),
    "zh_CN": re.compile("正在修改|已被他人领取|已有客户经理|已持有"),
}


@tagged("post_install", "-at_install")
class TestManyConcurrentClaims(BaseCase):
    """Eight salespeople, each in a thread with its own cursor, claim the same
    four pool customers at the same moment, one customer per transaction.

    Exactly one wins each customer, nobody holds more than the team's limit,
    every loser gets a clear UserError in their language, and no transaction
    is left open or holding a lock."""

    WORKERS = 8
    CUSTOMERS = 4
    LIMIT = 2

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.team_id = (
                env["crm.team"]
                .create({"name": f"抢单组{tag}", "ka_pool_max_customers": self.LIMIT})
                .id
            )
            users = env["res.users"]
            for i in range(self.WORKERS):
                users |= new_test_user(
                    env,
                    login=f"ka_race8_{tag}_{i}",
                    name=f"抢单员{i}",
                    groups="key_account.key_account_group_user",
                    # half of them read the messages in Chinese
                    lang="zh_CN" if i % 2 else "en_US",
                )
            for user in users:
                env["crm.team.member"].create(
                    {"user_id": user.id, "crm_team_id": self.team_id}
                )
            self.user_ids = users.ids
            self.partner_ids = (
                env["res.partner"]
                .create(
                    [
                        {"name": f"抢手客户{tag}{i}有限公司", "is_company": True}
                        for i in range(self.CUSTOMERS)
                    ]
                )
                .ids
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["key_account.pool.log"].search(
                [("partner_id", "in", self.partner_ids)]
            ).unlink()
            env["res.partner"].browse(self.partner_ids).unlink()
            env["crm.team.member"].search([("crm_team_id", "=", self.team_id)]).unlink()
            env["crm.team"].browse(self.team_id).unlink()
            env["res.users"].browse(self.user_ids).active = False

    def _worker(self, index, barrier, outcomes):
        uid = self.user_ids[index]
        lang = "zh_CN" if index % 2 else "en_US"
        # everyone tries every customer, each starting with a different one
        order = self.partner_ids[index % self.CUSTOMERS :]
        order += self.partner_ids[: index % self.CUSTOMERS]
        barrier.wait(timeout=30)
        for pid in order:
            with self.registry.cursor() as cr:
                # the test runner holds the registry lock that api.Environment
                # takes to find the registry: give the cursor its transaction
                cr.transaction = api.Transaction(self.registry)
                env = api.Environment(cr, uid, {"lang": lang})
                try:
                    env["key_account.pool"]._claim(env["res.partner"].browse(pid))
                except UserError as error:
                    cr.rollback()
                    outcomes.append(
                        (index, pid, "lost", lang, f"{error}\n{traceback.format_exc()}")
                    )
                except Exception as error:  # noqa: BLE001 - reported as a failure
                    cr.rollback()
                    outcomes.append((index, pid, "crash", lang, repr(error)))
                else:
                    # committed when the cursor closes
                    outcomes.append((index, pid, "won", lang, ""))

    def test_eight_workers_one_winner_per_customer(self):
        barrier = threading.Barrier(self.WORKERS)
        outcomes = []
        threads = [
            threading.Thread(target=self._worker, args=(i, barrier, outcomes))
            for i in range(self.WORKERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse([t for t in threads if t.is_alive()], "a worker hangs")
        self.assertEqual(len(outcomes), self.WORKERS * self.CUSTOMERS)
        crashes = [o for o in outcomes if o[2] == "crash"]
        self.assertFalse(crashes, "only clear UserErrors, no other exception")
        winners = {}
        for index, pid, result, _lang, _msg in outcomes:
            if result == "won":
                self.assertNotIn(pid, winners, "two winners for one customer")
                winners[pid] = self.user_ids[index]
        self.assertEqual(set(winners), set(self.partner_ids), "every customer won")
        for _index, _pid, result, lang, message in outcomes:
            if result == "lost":
                self.assertRegex(message, LOSER_MESSAGES[lang])
        per_user = {}
        for uid in winners.values():
            per_user[uid] = per_user.get(uid, 0) + 1
        self.assertLessEqual(max(per_user.values()), self.LIMIT)
        _logger.info(
            "concurrent claims: %s workers, %s attempts, %s won, %s refused",
            self.WORKERS,
            len(outcomes),
            len(winners),
            len(outcomes) - len(winners),
        )
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partners = env["res.partner"].browse(self.partner_ids)
            for partner in partners:
                self.assertEqual(partner.user_id.id, winners[partner.id])
                self.assertEqual(partner.team_id.id, self.team_id)
            logs = env["key_account.pool.log"].search(
                [("partner_id", "in", self.partner_ids)]
            )
            self.assertEqual(
                sorted((log.partner_id.id, log.user_id.id) for log in logs),
                sorted(winners.items()),
                "one claim in the pool history per customer",
            )
            # nothing left open: no transaction idle in a transaction, no lock
            # on the customers held by another connection
            cr.execute(
                """
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()
                   AND state LIKE 'idle in transaction%%'
                """
            )
            self.assertEqual(cr.fetchone()[0], 0)
            # (client connections of this database: autovacuum may be at
            # work on the table the test just filled)
            cr.execute(
                """
                SELECT count(*) FROM pg_locks l
                  JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE l.pid <> pg_backend_pid()
                   AND a.backend_type = 'client backend'
                   AND a.datname = current_database()
                   AND l.relation = 'res_partner'::regclass
                """
            )
            self.assertEqual(cr.fetchone()[0], 0)
