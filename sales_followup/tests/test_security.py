from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestVisitSecurity(SalesFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_a = cls._plan(cls.customer_a, cls._at(cls.today))
        cls.plan_b = cls._plan(cls.customer_b, cls._at(cls.today))
        cls.plan_west = cls._plan(cls.customer_west, cls._at(cls.today))
        # sales_b visits customer a for a colleague: a's manager sees it too
        cls.plan_a_by_b = cls._plan(
            cls.customer_a, cls._at(cls.today), user_id=cls.sales_b.id
        )
        cls.all_plans = cls.plan_a | cls.plan_b | cls.plan_west | cls.plan_a_by_b

    def _visible(self, user):
        return self.Plan.with_user(user).search([("id", "in", self.all_plans.ids)])

    def test_salesperson_sees_own_visits_and_customers(self):
        self.assertEqual(self._visible(self.sales_a), self.plan_a | self.plan_a_by_b)
        self.assertEqual(self._visible(self.sales_b), self.plan_b | self.plan_a_by_b)
        self.assertEqual(self._visible(self.sales_west), self.plan_west)

    def test_leader_sees_team(self):
        self.assertEqual(
            self._visible(self.leader),
            self.plan_a | self.plan_b | self.plan_a_by_b,
        )

    def test_manager_sees_all(self):
        self.assertEqual(self._visible(self.manager), self.all_plans)

    def test_salesperson_cannot_touch_others_visits(self):
        plan = self.plan_b.with_user(self.sales_a)
        with self.assertRaises(AccessError):
            plan.read(["purpose"])
        with self.assertRaises(AccessError):
            plan.write({"purpose": "改"})
        with self.assertRaises(AccessError):
            plan.action_check_in(latitude=31.0, longitude=121.0)
        with self.assertRaises(AccessError):
            self.Plan.with_user(self.sales_a).create(
                {
                    "partner_id": self.customer_west.id,
                    "planned_date": self._at(self.today),
                    "user_id": self.sales_west.id,
                }
            )

    def test_salesperson_cannot_delete(self):
        with self.assertRaises(AccessError):
            self.plan_a.with_user(self.sales_a).unlink()
        self.plan_a.with_user(self.leader).unlink()

    def test_salesperson_checks_in_and_out_with_next_step(self):
        plan = self.plan_a.with_user(self.sales_a)
        plan.action_check_in(latitude=31.2305, longitude=121.4737, accuracy=10.0)
        plan.write({"next_step": "发送报价", "outcome": "progress"})
        plan.action_check_out(latitude=31.2305, longitude=121.4737)
        self.assertEqual(plan.state, "done")
        self.assertEqual(plan.next_step_activity_id.user_id, self.sales_a)

    def test_salesperson_plans_a_visit_by_hand(self):
        plan = self.Plan.with_user(self.sales_a).create(
            {"partner_id": self.customer_a.id, "planned_date": self._at(self.today)}
        )
        self.assertEqual(plan.user_id, self.sales_a)

    def test_user_without_key_account_group_has_no_access(self):
        employee = new_test_user(
            self.env, login="sf_employee", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.Plan.with_user(employee).search([])

    def test_leader_of_other_team_sees_nothing_of_east(self):
        leader_w = new_test_user(
            self.env, login="sf_leader_w", groups="key_account.key_account_group_leader"
        )
        self.env["crm.team.member"].create(
            {"user_id": leader_w.id, "crm_team_id": self.team_west.id}
        )
        self.assertEqual(self._visible(leader_w), self.plan_west)
