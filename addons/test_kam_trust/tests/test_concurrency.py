"""Eight real transactions at once on the same records.

The test's own transaction is invisible to other cursors, so the data is
committed beforehand through a separate cursor and deleted afterwards. Each
worker runs its call the way the RPC layer does (as ``odoo.service.model.
retrying``: serialization failures are retried on a fresh snapshot, integrity
errors become a ValidationError), in its own cursor and thread, all released
together by a barrier.
"""

import logging
import random
import sys
import threading
import time
import traceback
import uuid
from collections import Counter

from psycopg2 import IntegrityError, OperationalError

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError, ValidationError
from odoo.modules.registry import Registry
from odoo.service.model import (
    MAX_TRIES_ON_CONCURRENCY_FAILURE,
    PG_CONCURRENCY_EXCEPTIONS_TO_RETRY,
    _as_validation_error,
)
from odoo.tests import BaseCase, get_db_name, new_test_user, tagged
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)

WORKERS = 8
JOIN_TIMEOUT = 30


def retrying(func, env):
    """``odoo.service.model.retrying`` without its registry reload (the test
    runner holds the registry lock; the registry does not change here)."""
    for tryno in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
        try:
            result = func()
            env.flush_all()
            env.cr.commit()
            return result
        except (IntegrityError, OperationalError) as exc:
            env.cr.rollback()
            env.transaction.clear()
            if isinstance(exc, IntegrityError):
                raise _as_validation_error(env, exc) from exc
            if not isinstance(exc, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
                raise
            if tryno == MAX_TRIES_ON_CONCURRENCY_FAILURE:
                raise
            time.sleep(random.uniform(0.0, 2**tryno))
        except Exception:
            env.cr.rollback()
            env.transaction.clear()
            raise
    raise RuntimeError("unreachable")


@tagged("post_install", "-at_install")
class TestConcurrency(BaseCase):
    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.tag = uuid.uuid4().hex[:8]
        self.cleanups = []  # (model, ids) deleted in reverse order
        self.addCleanup(self._cleanup)

    # ------------------------------------------------------------------ helpers

    def _committed(self, func):
        """Run ``func(env)`` as superuser in its own committed transaction."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            result = func(env)
            env.flush_all()
        return result

    def _forget_later(self, model, ids):
        self.cleanups.append((model, list(ids)))

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            for model, ids in reversed(self.cleanups):
                records = env[model].browse(ids).exists()
                if model == "sale.order":
                    records.with_context(disable_cancel_warning=True).action_cancel()
                if model == "res.users":
                    records.active = False
                    continue
                records.unlink()

    def _user(self, env, login, groups):
        user = new_test_user(
            env,
            login=f"trust_{login}_{self.tag}",
            name=f"{login} {self.tag}",
            groups=groups,
        )
        self._forget_later("res.users", user.ids)
        return user

    def _race(self, uid, work):
        """``work(env)`` in WORKERS transactions at once; their outcomes."""
        barrier = threading.Barrier(WORKERS, timeout=60)
        outcomes = [None] * WORKERS
        pids = set()
        lock = threading.Lock()

        def worker(index):
            try:
                with self.registry.cursor() as cr:
                    with lock:
                        pids.add(cr._cnx.get_backend_pid())
                    # the main thread holds the registry lock while the tests
                    # run: give the cursor its transaction without asking
                    # Registry() for it
                    cr.transaction = api.Transaction(self.registry)
                    # mails are queued, not sent after the commit through a
                    # new registry (which waits for the same lock)
                    env = api.Environment(cr, uid, {"mail_notify_force_send": False})
                    barrier.wait()
                    retrying(lambda: work(env, index), env)
                outcomes[index] = ("ok", "")
            except Exception as error:  # noqa: BLE001 (reported below)
                outcomes[index] = (type(error).__name__, str(error))

        threads = [
            threading.Thread(target=worker, args=(i,), name=f"trust-race-{i}")
            for i in range(WORKERS)
        ]
        # the losers' failed queries are expected: keep them out of the log
        with mute_logger("odoo.sql_db", "odoo.service.model"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=JOIN_TIMEOUT)
        stuck = [thread for thread in threads if thread.is_alive()]
        if stuck:
            frames = sys._current_frames()
            for thread in stuck:
                _logger.info(
                    "stuck worker %s:\n%s",
                    thread.name,
                    "".join(traceback.format_stack(frames[thread.ident])),
                )
        self.assertFalse(stuck, "workers are stuck (deadlock?)")
        self._assert_no_lock_left(pids)
        return outcomes

    def _assert_no_lock_left(self, pids):
        with self.registry.cursor() as cr:
            cr.execute(
                """
                SELECT pid, state FROM pg_stat_activity
                 WHERE pid = ANY(%s) AND state != 'idle'
                   AND pid != pg_backend_pid()
                """,
                [list(pids)],
            )
            self.assertEqual(cr.fetchall(), [], "a worker's session is still busy")
            cr.execute(
                """
                SELECT l.pid, l.locktype, l.mode
                  FROM pg_locks l
                  JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE a.datname = current_database()
                   AND (NOT l.granted OR l.pid = ANY(%s))
                   AND l.pid != pg_backend_pid()
                """,
                [list(pids)],
            )
            self.assertEqual(cr.fetchall(), [], "locks left behind")
            cr.execute(
                """
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database()
                   AND state = 'idle in transaction'
                   AND pid = ANY(%s)
                """,
                [list(pids)],
            )
            self.assertEqual(cr.fetchone()[0], 0)

    def _assert_clear_losers(self, outcomes, winners=1):
        _logger.info("outcomes: %s", outcomes)
        kinds = Counter(kind for kind, _message in outcomes)
        self.assertEqual(kinds["ok"], winners, outcomes)
        for kind, message in outcomes:
            if kind == "ok":
                continue
            # a business message, not a database error
            self.assertIn(kind, (UserError.__name__, ValidationError.__name__), message)
            for raw in ("duplicate key", "could not serialize", "deadlock", "psycopg2"):
                self.assertNotIn(raw, message)
            self.assertTrue(message.strip())

    # ------------------------------------------------------------------ tests

    def _licensed_world(self, env):
        user = self._user(env, "seller", "key_account.key_account_group_user")
        product = env["product.product"].create(
            {
                "name": f"并发授权软件 {self.tag}",
                "type": "service",
                "list_price": 100.0,
                "invoice_policy": "order",
                "as_is_licensed": True,
                "as_licence_seats": 3,
                "as_licence_months": 12,
            }
        )
        customer = env["res.partner"].create(
            {"name": f"并发客户 {self.tag}", "is_company": True, "user_id": user.id}
        )
        self._forget_later("product.product", product.ids)
        self._forget_later("res.partner", customer.ids)
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": user.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": qty})
                    for qty in (1, 2)
                ],
            }
        )
        self._forget_later("sale.order", order.ids)
        return user.id, order.id

    def _authorizations(self, order_id):
        def read(env):
            auths = env["after_sales.authorization"].search(
                [("order_id", "=", order_id)]
            )
            self._forget_later("after_sales.authorization", auths.ids)
            return [(a.sale_line_id.id, a.key, a.state) for a in auths]

        return self._committed(read)

    def test_confirm_same_order(self):
        """8 transactions confirm the same order: one set of keys, unique."""
        uid, order_id = self._committed(self._licensed_world)

        def confirm(env, _index):
            env["sale.order"].browse(order_id).action_confirm()

        outcomes = self._race(uid, confirm)
        _logger.info(
            "confirm race, %d workers: %s", WORKERS, Counter(o[0] for o in outcomes)
        )
        self._assert_clear_losers(outcomes)
        auths = self._authorizations(order_id)
        self.assertEqual(len(auths), 2, auths)
        self.assertEqual(len({line for line, _k, _s in auths}), 2)
        self.assertEqual(len({key for _l, key, _s in auths}), 2)
        self.assertEqual({state for _l, _k, state in auths}, {"active"})

    def test_renew_same_authorization(self):
        """8 transactions renew the same key: one new key, the others are told."""
        _seller_id, order_id = self._committed(self._licensed_world)

        def prepare(env):
            env["sale.order"].browse(order_id).action_confirm()
            manager = self._user(env, "as_mgr", "after_sales.after_sales_group_manager")
            auth = env["after_sales.authorization"].search(
                [("order_id", "=", order_id)], limit=1
            )
            return manager.id, auth.id

        manager_id, auth_id = self._committed(prepare)

        def renew(env, _index):
            env["after_sales.authorization"].browse(auth_id)._renew()

        outcomes = self._race(manager_id, renew)
        _logger.info(
            "renew race, %d workers: %s", WORKERS, Counter(o[0] for o in outcomes)
        )
        self._assert_clear_losers(outcomes)
        auths = self._authorizations(order_id)
        # the second line's key, the revoked key and its one successor
        self.assertEqual(len(auths), 3, auths)
        self.assertEqual(len({key for _l, key, _s in auths}), 3)
        states = Counter(state for _l, _k, state in auths)
        self.assertEqual(states, Counter({"active": 2, "revoked": 1}))

    def test_assign_tickets_at_once(self):
        """8 tickets of 8 customers created at once in one team of 4 feedback
        staff: each gets one assignee and the loads stay balanced (2 each)."""

        def prepare(env):
            creator = self._user(env, "intake", "after_sales.after_sales_group_user")
            members = [
                self._user(env, f"agent{i}", "after_sales.after_sales_group_user")
                for i in range(4)
            ]
            team = env["helpdesk.ticket.team"].create(
                {
                    "name": f"并发售后组 {self.tag}",
                    "user_ids": [(4, u.id) for u in members + [creator]],
                }
            )
            self._forget_later("helpdesk.ticket.team", team.ids)
            staff = env["after_sales.feedback.staff"].create(
                [{"user_id": u.id, "team_id": team.id} for u in members]
            )
            self._forget_later("after_sales.feedback.staff", staff.ids)
            # calls from eight different customers at the same moment
            customers = env["res.partner"].create(
                [
                    {"name": f"工单客户{i} {self.tag}", "is_company": True}
                    for i in range(WORKERS)
                ]
            )
            self._forget_later("res.partner", customers.ids)
            return creator.id, team.id, customers.ids, [u.id for u in members]

        creator_id, team_id, customer_ids, member_ids = self._committed(prepare)

        def create_ticket(env, index):
            env["helpdesk.ticket"].create(
                {
                    "name": f"并发工单 {self.tag}",
                    "description": "同时来电",
                    "partner_id": customer_ids[index],
                    "team_id": team_id,
                }
            )

        outcomes = self._race(creator_id, create_ticket)
        _logger.info(
            "ticket race, %d workers: %s", WORKERS, Counter(o[0] for o in outcomes)
        )
        self.assertEqual([kind for kind, _m in outcomes], ["ok"] * WORKERS, outcomes)

        def read(env):
            tickets = env["helpdesk.ticket"].search([("team_id", "=", team_id)])
            self._forget_later("helpdesk.ticket", tickets.ids)
            return [t.user_id.id for t in tickets]

        assignees = self._committed(read)
        self.assertEqual(len(assignees), WORKERS)
        self.assertTrue(set(assignees) <= set(member_ids), assignees)
        loads = Counter(assignees)
        _logger.info("ticket race loads: %s", sorted(loads.values()))
        self.assertEqual(
            sorted(loads[uid] for uid in member_ids),
            [WORKERS // 4] * 4,
            f"unbalanced loads {dict(loads)}",
        )
