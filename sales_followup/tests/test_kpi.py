from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SalesFollowupCommon

MARCH = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestKpi(SalesFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Target = cls.env["sales_followup.kpi.target"]
        cls.product = cls._ka_product("考核测试产品", price=1000.0)
        cls.visit_type = cls.env.ref("sales_followup.mail_activity_type_visit")
        # revenue of 销售甲 in March: 1000 posted - 200 refund = 800;
        # the draft invoice and the April one do not count
        cls.invoice = cls._invoice(cls.sales_a, date(2026, 3, 5), 1000.0)
        cls._invoice(cls.sales_a, date(2026, 3, 6), 500.0, post=False)
        cls._invoice(cls.sales_a, date(2026, 3, 20), 200.0, move_type="out_refund")
        cls._invoice(cls.sales_a, date(2026, 4, 2), 700.0)
        cls._invoice(cls.sales_b, date(2026, 3, 8), 300.0)
        # collections: 600 received on the 1000 invoice in March
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.invoice.ids
        ).create(
            {"payment_date": date(2026, 3, 25), "amount": 600.0}
        )._create_payments()
        # new customers: customer_a won by 销售甲 in March (two orders, counted
        # once); customer_b first bought from 销售乙 in January
        cls._ka_order(cls.customer_a, cls.product, datetime(2026, 3, 10, 3))
        cls._ka_order(cls.customer_a, cls.product, datetime(2026, 3, 15, 3))
        cls._ka_order(
            cls.customer_b, cls.product, datetime(2026, 1, 10, 3)
        ).user_id = cls.sales_b
        cls._ka_order(cls.customer_b, cls.product, datetime(2026, 3, 12, 3))
        cls._ka_order(
            cls.customer_west, cls.product, datetime(2026, 3, 12, 3), confirm=False
        )
        cls.env["sale.order"].search(
            [("partner_id", "in", (cls.customer_a | cls.customer_b).ids)]
        ).filtered(lambda o: o.date_order.month == 3).user_id = cls.sales_a
        cls.env["sale.order"].search(
            [("partner_id", "=", cls.customer_west.id)]
        ).user_id = cls.sales_a
        # visits: one done in March, one missed, one done in April
        cls._visit(datetime(2026, 3, 11, 3), "done")
        cls._visit(datetime(2026, 3, 12, 3), "missed")
        cls._visit(datetime(2026, 4, 11, 3), "done")
        # follow-ups: one done activity in March; a plain note does not count
        cls._message(cls.sales_a, datetime(2026, 3, 9, 3), cls.visit_type)
        cls._message(cls.sales_a, datetime(2026, 3, 9, 4), False)
        cls._message(cls.sales_a, datetime(2026, 5, 9, 4), cls.visit_type)

    @classmethod
    def _invoice(cls, user, day, amount, move_type="out_invoice", post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer_a.id,
                "invoice_user_id": user.id,
                "invoice_date": day,
                "invoice_date_due": day,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "服务费",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [(6, 0, [])],
                        },
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _visit(cls, when, state):
        plan = cls._plan(cls.customer_a, when, user_id=cls.sales_a.id)
        plan.write({"state": state})
        return plan

    @classmethod
    def _message(cls, user, when, activity_type):
        # a done activity is logged by the user who marks it done
        return (
            cls.env["mail.message"]
            .with_user(user)
            .sudo()
            .create(
                {
                    "model": "res.partner",
                    "res_id": cls.customer_a.id,
                    "message_type": "notification",
                    "body": "跟进",
                    "author_id": user.partner_id.id,
                    "date": when,
                    "mail_activity_type_id": activity_type and activity_type.id,
                }
            )
        )

    def _target(self, user, start=MARCH, **vals):
        return self.Target.create(
            {"user_id": user.id, "period_type": "month", "period_start": start, **vals}
        )

    def test_period_and_team(self):
        target = self._target(self.sales_a, date(2026, 2, 14))
        self.assertEqual(target.date_from, date(2026, 2, 1))
        self.assertEqual(target.date_to, date(2026, 2, 28))
        self.assertEqual(target.team_id, self.team_east)
        target.period_type = "quarter"
        self.assertEqual(target.date_from, date(2026, 1, 1))
        self.assertEqual(target.date_to, date(2026, 3, 31))
        target.period_type = "year"
        self.assertEqual(target.date_to, date(2026, 12, 31))

    def test_one_target_per_period(self):
        self._target(self.sales_a, date(2026, 3, 1))
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self._target(self.sales_a, date(2026, 3, 20))

    def test_weights_add_up_to_100(self):
        with self.assertRaises(ValidationError):
            self._target(self.sales_a, weight_revenue=20)
        target = self._target(self.sales_a, weight_revenue=40, weight_followup=5)
        self.assertEqual(target.weight_revenue, 40)

    def test_actuals(self):
        target = self._target(
            self.sales_a,
            target_revenue=1000,
            target_collection=1000,
            target_new_customer=2,
            target_visit=2,
            target_followup=4,
        )
        target.action_compute_actuals()
        self.assertAlmostEqual(target.actual_revenue, 800.0)
        self.assertAlmostEqual(target.actual_collection, 600.0)
        self.assertEqual(target.actual_new_customer, 1)
        self.assertEqual(target.actual_visit, 1)
        self.assertEqual(target.actual_followup, 1)
        self.assertAlmostEqual(target.rate_revenue, 80.0)
        self.assertAlmostEqual(target.rate_collection, 60.0)
        self.assertAlmostEqual(target.rate_new_customer, 50.0)
        self.assertAlmostEqual(target.rate_visit, 50.0)
        self.assertAlmostEqual(target.rate_followup, 25.0)
        # 80*.30 + 60*.20 + 50*.20 + 50*.15 + 25*.15
        self.assertAlmostEqual(target.score, 57.25)
        self.assertTrue(target.compute_date)
        april = self._target(self.sales_a, date(2026, 4, 1), target_revenue=100)
        april._compute_actuals()
        self.assertAlmostEqual(april.actual_revenue, 700.0)
        self.assertEqual(april.actual_visit, 1)
        self.assertEqual(april.actual_new_customer, 0)

    def test_score_and_rank(self):
        target_a = self._target(
            self.sales_a,
            target_revenue=1000,
            target_collection=1000,
            target_new_customer=2,
            target_visit=2,
            target_followup=4,
        )
        target_b = self._target(self.sales_b, target_revenue=100)
        target_west = self._target(self.sales_west, target_revenue=100)
        targets = target_a | target_b | target_west
        targets._compute_actuals()
        # 300 of 100: capped at 150 %, weighted 30 %
        self.assertAlmostEqual(target_b.rate_revenue, 150.0)
        self.assertAlmostEqual(target_b.score, 45.0)
        self.assertEqual(target_a.rank, 1)
        self.assertEqual(target_b.rank, 2)
        self.assertEqual(target_west.rank, 1, "ranked within its own team")
        # a lower target raises 销售乙's score above 销售甲's: ranks follow
        target_b.write(
            {
                "target_collection": 0,
                "weight_revenue": 100,
                "weight_collection": 0,
                "weight_new_customer": 0,
                "weight_visit": 0,
                "weight_followup": 0,
            }
        )
        self.assertAlmostEqual(target_b.score, 150.0)
        self.assertEqual(target_b.rank, 1)
        self.assertEqual(target_a.rank, 2)

    def _queries(self, targets):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        targets._compute_actuals()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_query_count_does_not_grow(self):
        users = self.sales_a | self.sales_b | self.sales_west
        small = self.Target.create(
            [{"user_id": user.id, "period_start": date(2025, 1, 1)} for user in users]
        )
        large = self.Target.create(
            [
                {"user_id": user.id, "period_start": date(2025, month, 1)}
                for user in users
                for month in (2, 3, 4, 5)
            ]
        )
        self.assertEqual(len(large), 12)
        self.assertEqual(self._queries(small), self._queries(large))
        # one company: its time zone, customers and main company, the
        # targets' periods, the UPDATE of the figures and the one of the ranks
        self.assertLessEqual(self._queries(large), 8)

    def test_pipeline_step(self):
        target = self._target(self.sales_a, target_visit=1)
        rows = self._steps(["kpi_actuals"], today=date(2026, 3, 31))
        self.assertEqual(rows, {"kpi_actuals": 1})
        self.assertEqual(target.actual_visit, 1)
        self.assertAlmostEqual(target.actual_revenue, 800.0)
        # the figures did not change: nothing to count the second time
        self.assertEqual(
            self._steps(["kpi_actuals"], today=date(2026, 3, 31)), {"kpi_actuals": 0}
        )
        # a period long over is not recomputed
        self.assertEqual(
            self._steps(["kpi_actuals"], today=date(2026, 6, 30)), {"kpi_actuals": 0}
        )

    def test_visits_and_follow_ups_are_the_shared_events(self):
        """A visit or done activity counts for the salesperson of the event,
        on the business day of the company: 23:30 UTC on 31 March is 1 April
        in Shanghai."""
        self.company.partner_id.tz = "Asia/Shanghai"
        self._visit(datetime(2026, 3, 31, 23, 30), "done")
        self._message(self.sales_a, datetime(2026, 3, 31, 23, 30), self.visit_type)
        march = self._target(self.sales_a)
        april = self._target(self.sales_a, date(2026, 4, 1))
        (march | april)._compute_actuals()
        self.assertEqual((march.actual_visit, march.actual_followup), (1, 1))
        self.assertEqual((april.actual_visit, april.actual_followup), (2, 1))

    def test_roles(self):
        target_a = self._target(self.sales_a, target_revenue=100)
        target_b = self._target(self.sales_b, target_revenue=100)
        target_west = self._target(self.sales_west, target_revenue=100)
        Target = self.Target.with_user(self.sales_a)
        self.assertEqual(Target.search([]), target_a)
        with self.assertRaises(AccessError):
            target_a.with_user(self.sales_a).write({"target_revenue": 1})
        with self.assertRaises(AccessError):
            target_a.with_user(self.sales_a).action_compute_actuals()
        with self.assertRaises(AccessError):
            target_b.with_user(self.sales_a).read(["score"])
        # the leader of 华东: reads and writes the team's, not 西南's
        Target = self.Target.with_user(self.leader)
        self.assertEqual(Target.search([]), target_a | target_b)
        (target_a | target_b).with_user(self.leader).write({"target_visit": 3})
        (target_a | target_b).with_user(self.leader).action_compute_actuals()
        self.assertEqual(target_a.target_visit, 3)
        with self.assertRaises(AccessError):
            target_west.with_user(self.leader).write({"target_visit": 3})
        with self.assertRaises(AccessError):
            Target.create(
                {"user_id": self.sales_west.id, "period_start": date(2026, 4, 1)}
            )
        # the manager: all
        Target = self.Target.with_user(self.manager)
        self.assertEqual(Target.search([]), target_a | target_b | target_west)
        target_west.with_user(self.manager).write({"target_visit": 2})

    def test_list_editable_for_leaders(self):
        arch = self.Target.with_user(self.leader).get_view(view_type="list")["arch"]
        self.assertIn('editable="bottom"', arch)
        arch = self.Target.with_user(self.sales_a).get_view(view_type="list")["arch"]
        self.assertNotIn("editable", arch)
