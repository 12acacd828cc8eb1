from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestAccountPlan(KeyAccountCommon):
    """客户计划: a key account's plan for the year, its relationship map and
    its actions that become activities; printed in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.boss = cls.env["res.partner"].create(
            {
                "name": "张总",
                "parent_id": cls.customer_a.id,
                "function": "总经理",
                "ka_decision_role": "decision_maker",
            }
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "采购李",
                "parent_id": cls.customer_a.id,
                "ka_decision_role": "user",
            }
        )
        cls.rival = cls._ka_customer(
            "竞品科技有限公司", False, False, ka_customer_type="competitor"
        )
        cls.Plan = cls.env["key_account.account.plan"]

    def _plan(self, user=None, **vals):
        return self.Plan.with_user(user or self.sales_a).create(
            {
                "partner_id": self.customer_a.id,
                "year": 2026,
                "target_revenue": 500000,
                "objectives": "<p>二期项目签约</p>",
                **vals,
            }
        )

    def test_plan_map_and_actions(self):
        plan = self._plan(competitor_ids=[(6, 0, self.rival.ids)])
        self.assertEqual(plan.user_id, self.sales_a)
        self.assertEqual(plan.team_id, self.team_east)
        self.assertIn("2026", plan.name)
        plan.action_fill_contacts()
        self.assertEqual(
            {(c.partner_id, c.role) for c in plan.contact_ids},
            {(self.boss, "decision_maker"), (self.buyer, "user")},
        )
        plan.action_fill_contacts()  # nothing twice
        self.assertEqual(len(plan.contact_ids), 2)
        with self.assertRaises(ValidationError):
            self.env["key_account.account.plan.contact"].create(
                {"plan_id": plan.id, "partner_id": self.customer_b.id}
            )
        Action = self.env["key_account.account.plan.action"].with_user(self.sales_a)
        first = Action.create(
            {
                "plan_id": plan.id,
                "name": "拜访张总",
                "user_id": self.sales_a.id,
                "date_deadline": "2026-03-15",
            }
        )
        plan.with_user(self.sales_a).action_activate()
        self.assertEqual(plan.state, "active")
        activity = first.activity_id
        self.assertEqual(activity.res_id, self.customer_a.id)
        self.assertEqual(activity.user_id, self.sales_a)
        self.assertEqual(activity.summary, "拜访张总")
        # an action added later is scheduled on demand, the first not twice
        second = Action.create(
            {
                "plan_id": plan.id,
                "name": "技术交流",
                "user_id": self.leader.id,
                "date_deadline": "2026-04-01",
            }
        )
        plan.with_user(self.sales_a).action_schedule_actions()
        self.assertEqual(second.activity_id.user_id, self.leader)
        self.assertEqual(first.activity_id, activity)
        activity.action_feedback(feedback="已拜访")
        self.assertTrue(first.done)
        self.assertFalse(second.done)
        # the system's links are not the user's to write
        with self.assertRaises(AccessError):
            second.with_user(self.sales_a).write({"activity_id": False})
        with self.assertRaises(UserError):
            plan.with_user(self.sales_a).action_mark_reviewed()  # no review yet
        plan.with_user(self.sales_a).write({"review": "<p>二期已签约</p>"})
        plan.with_user(self.sales_a).action_mark_reviewed()
        self.assertEqual(plan.state, "reviewed")

    def test_one_plan_per_customer_and_year(self):
        self._plan()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._plan()
            self.env.flush_all()

    def test_access(self):
        plan = self._plan()
        for user in (self.sales_west, self.sales_b):
            self.assertFalse(self.Plan.with_user(user).search([("id", "=", plan.id)]))
        self.assertEqual(
            self.Plan.with_user(self.leader).search([("id", "=", plan.id)]), plan
        )
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            self._plan(user=self.sales_b, partner_id=self.customer_a.id, year=2027)
        # a co-owner reads the plan, does not change it
        self.env["key_account.share"].create(
            {
                "partner_id": self.customer_a.id,
                "user_id": self.sales_b.id,
                "access": "write",
            }
        )
        self.assertEqual(
            self.Plan.with_user(self.sales_b).search([("id", "=", plan.id)]), plan
        )
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            plan.with_user(self.sales_b).write({"target_revenue": 1})
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            plan.with_user(self.sales_b).action_activate()
        # the leader works on the team's plans
        plan.with_user(self.leader).action_activate()

    def test_pdf_in_chinese(self):
        plan = self._plan()
        plan.action_fill_contacts()
        self.sales_a.lang = "zh_CN"
        html, _kind = (
            self.env["ir.actions.report"]
            .with_context(lang="zh_CN")
            ._render_qweb_html("key_account.report_account_plan", plan.ids)
        )
        html = html.decode()
        for text in (
            "张总",
            "总经理",
            "二期项目签约",
            "关系图",
            "客户经理",
            "决策角色",
        ):
            self.assertTrue(text in html, f"{text} is not in the printed plan")
