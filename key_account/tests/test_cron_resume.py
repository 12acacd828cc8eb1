"""The nightly runs, interrupted and run again, give what one clean run gives.

Design (see readme/USAGE.md): each cron run is one transaction. Every step
is a few set-wise statements, so the whole run takes seconds even on a large
customer base, and there is no commit in between: a run that is killed or
fails is rolled back by the cron runner (or by PostgreSQL when the process
dies) and the next run starts from a clean state. Every step also compares
with what is already there (grades written only when they change, an open
warning never raised twice, a notice once per holding, a customer recycled
once), so running twice changes nothing either.

The tests interrupt a run at different points inside a savepoint, which is
what the cron runner's rollback does to the failed transaction, then run
again and compare grades, grade history, warnings, activities and the pool
history with those of one clean run.
"""

import contextlib
from datetime import date, timedelta
from unittest.mock import patch

from odoo.tests import tagged

from .common import REFRESH, KeyAccountCommon

TODAY = date(2026, 6, 30)


class Interrupted(Exception):
    """The process dies here."""


@tagged("post_install", "-at_install")
class TestCronResume(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the recycling limits below count calendar days
        cls.env["ir.config_parameter"].set_param(
            "key_account.pool_calendar_days", "True"
        )
        cls.env["key_account.grade.rule"].search([]).active = False
        cls.env["key_account.warning.rule"].search([]).active = False
        Rule = cls.env["key_account.grade.rule"]
        Rule.create(
            {
                "name": "大客户",
                "sequence": 1,
                "grade_id": cls.grade_a.id,
                "domain": "[('ka_revenue_12m', '>=', 50000)]",
            }
        )
        Rule.create(
            {"name": "其余", "sequence": 5, "grade_id": cls.grade_c.id, "domain": "[]"}
        )
        todo = cls.env.ref("mail.mail_activity_data_todo").id
        Warning = cls.env["key_account.warning.rule"]
        Warning.create(
            {
                "name": "收入下滑",
                "warning_type": "revenue_drop",
                "threshold": 30,
                "activity_type_id": todo,
            }
        )
        Warning.create(
            {
                "name": "久未下单",
                "warning_type": "no_order",
                "days": 60,
                "activity_type_id": todo,
            }
        )
        Warning.create(
            {
                "name": "降级",
                "warning_type": "downgrade",
                "days": 30,
                "activity_type_id": todo,
            }
        )
        cls.customers = cls.customer_a | cls.customer_b | cls.customer_west
        for i in range(6):
            cls.customers |= cls._ka_customer(
                f"续跑测试{i}有限公司",
                cls.sales_a if i % 2 else cls.sales_b,
                cls.team_east,
            )
        product = cls._ka_product()
        for i, customer in enumerate(cls.customers):
            cls._ka_invoice(customer, TODAY - timedelta(days=10 + i), 20000 * (i + 1))
            cls._ka_invoice(customer, TODAY - timedelta(days=400), 30000 * (4 - i % 4))
            cls._ka_order(customer, product, TODAY - timedelta(days=30 * i))
        # a grade some will lose: the downgrade warning has something to see
        cls.customers.write({"ka_grade_id": cls.grade_a.id})
        cls.team_east.write(
            {
                "ka_pool_recycle_followup_days": 30,
                "ka_pool_recycle_deal_days": 0,
                "ka_pool_notice_days": 10,
            }
        )
        # held since 25 days: notice; since 40 days: recycled
        held = cls.customers.filtered(lambda p: p.team_id == cls.team_east)
        for i, customer in enumerate(held):
            customer.ka_claim_date = TODAY - timedelta(days=25 if i % 2 else 40)

    # ------------------------------------------------------------------
    def _snapshot(self):
        self.env.flush_all()
        self.env.invalidate_all()
        ids = self.customers.ids
        history = self.env["key_account.grade.history"].search(
            [("partner_id", "in", ids)]
        )
        warnings = self.env["key_account.warning"].search([("partner_id", "in", ids)])
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", ids)]
        )
        logs = self.env["key_account.pool.log"].search([("partner_id", "in", ids)])
        return {
            "figures": sorted(
                (p.id, p.ka_revenue_12m, p.ka_rfm_segment or "", p.ka_order_count)
                for p in self.customers
            ),
            "grades": sorted((p.id, p.ka_grade_id.id) for p in self.customers),
            "owners": sorted(
                (p.id, p.user_id.id, str(p.ka_pool_notice_date)) for p in self.customers
            ),
            "history": sorted(
                (h.partner_id.id, h.old_grade_id.id, h.new_grade_id.id, h.rule_id.id)
                for h in history
            ),
            "warnings": sorted(
                (w.partner_id.id, w.rule_id.id, w.state, w.value, bool(w.activity_id))
                for w in warnings
            ),
            "activities": sorted(
                (a.res_id, a.user_id.id, a.summary, str(a.date_deadline))
                for a in activities
            ),
            "pool_log": sorted(
                (log.partner_id.id, log.action, log.user_id.id) for log in logs
            ),
        }

    def _clean_run(self, run):
        """The snapshot of one uninterrupted run, then rolled back."""
        result = {}
        with contextlib.suppress(Interrupted), self.env.cr.savepoint():
            run()
            result.update(self._snapshot())
            raise Interrupted()
        self.env.invalidate_all()
        return result

    def _interrupt(self, run, model, method, after_calls):
        """Run ``run`` and die in the ``after_calls``+1-th call of ``method``;
        the transaction of the run is rolled back, as the cron runner does."""
        cls = type(self.env[model])
        original = getattr(cls, method)
        calls = []

        def dying(this, *args, **kwargs):
            if len(calls) >= after_calls:
                raise Interrupted()
            calls.append(1)
            return original(this, *args, **kwargs)

        with (
            patch.object(cls, method, dying),
            self.assertRaises(Interrupted),
            self.env.cr.savepoint(),
        ):
            run()
        self.env.invalidate_all()

    def _refresh(self):
        self.env["key_account.pipeline"]._run(today=TODAY, codes=REFRESH)

    def _recycle(self):
        self.env["key_account.pool"]._run_recycle(self.env.company, TODAY)

    # ------------------------------------------------------------------
    def test_refresh_interrupted_anywhere_then_rerun(self):
        clean = self._clean_run(self._refresh)
        self.assertTrue(clean["history"] and clean["activities"])
        kinds = {row[1] for row in clean["warnings"]}
        self.assertEqual(len(kinds), 3, "every warning rule raised something")
        points = [
            ("key_account.refresh", "_refresh_rfm", 0),
            ("key_account.grade.history", "_record_bulk", 0),
            ("key_account.warning", "_raise_warnings", 1),
            ("mail.activity", "_ka_create_for_partners", 1),
        ]
        for model, method, after in points:
            with self.subTest(interrupted_in=method):
                self._interrupt(self._refresh, model, method, after)
        self._refresh()
        self.assertEqual(self._snapshot(), clean)
        # and once more: nothing twice
        self._refresh()
        self.assertEqual(self._snapshot(), clean)

    def test_recycle_interrupted_then_rerun(self):
        clean = self._clean_run(self._recycle)
        actions = {row[1] for row in clean["pool_log"]}
        self.assertEqual(actions, {"notice", "recycle"})
        for model, method, after in (
            ("key_account.pool", "_send_notices", 0),
            ("key_account.pool", "_log", 1),
            ("mail.activity", "_ka_create_for_partners", 0),
        ):
            with self.subTest(interrupted_in=method):
                self._interrupt(self._recycle, model, method, after)
        self._recycle()
        self.assertEqual(self._snapshot(), clean)
        self._recycle()
        self.assertEqual(self._snapshot(), clean)

    def test_refresh_then_recycle_interrupted_in_between(self):
        """Both crons of a night, the second killed, then both run again."""

        def night():
            self._refresh()
            self._recycle()

        clean = self._clean_run(night)
        self._refresh()
        self._interrupt(self._recycle, "key_account.pool", "_log", 1)
        night()
        self.assertEqual(self._snapshot(), clean)
