from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestCustomerIsolation(KeyAccountCommon):
    def _visible(self, user):
        Partner = self.env["res.partner"].with_user(user)
        return Partner.search([("id", "in", self._ours().ids)])

    def _ours(self):
        return (
            self.customer_a | self.customer_b | self.customer_west | self.customer_pool
        )

    def test_salesperson_sees_own_and_pool(self):
        self.assertEqual(
            self._visible(self.sales_a), self.customer_a | self.customer_pool
        )

    def test_salesperson_cannot_edit_other_customer(self):
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.sales_a).write({"phone": "021-1234567"})
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.sales_a).read(["name"])

    def test_leader_sees_team_and_pool(self):
        self.assertEqual(
            self._visible(self.leader),
            self.customer_a | self.customer_b | self.customer_pool,
        )

    def test_leader_of_a_team_not_joined_sees_it_at_once(self):
        """The team a user leads counts as theirs even when they are not among
        its members, from the moment they lead it (the rules' cached domains
        are dropped), and no longer once they hand it over."""
        self.assertEqual(
            self._visible(self.leader),
            self.customer_a | self.customer_b | self.customer_pool,
        )
        self.team_west.user_id = self.leader
        self.assertIn(self.customer_west, self._visible(self.leader))
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_west.id,
                "user_id": self.sales_west.id,
                "team_id": self.team_west.id,
            }
        )
        self.assertTrue(order.with_user(self.leader).read(["name"]))
        self.team_west.user_id = self.manager
        self.assertNotIn(self.customer_west, self._visible(self.leader))
        # a new member of a team: the same at once
        self.env["crm.team.member"].create(
            {"user_id": self.leader.id, "crm_team_id": self.team_west.id}
        )
        self.assertIn(self.customer_west, self._visible(self.leader))

    def test_leader_sees_team_opportunities_and_orders(self):
        """Odoo's salesman rules give a leader only their own leads and orders;
        ours add the team's (not another team's)."""
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": "华东商机",
                    "partner_id": self.customer_b.id,
                    "user_id": self.sales_b.id,
                    "team_id": self.team_east.id,
                },
                {
                    "name": "西南商机",
                    "partner_id": self.customer_west.id,
                    "user_id": self.sales_west.id,
                    "team_id": self.team_west.id,
                },
            ]
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.customer_b.id,
                    "user_id": self.sales_b.id,
                    "team_id": self.team_east.id,
                },
                {
                    "partner_id": self.customer_west.id,
                    "user_id": self.sales_west.id,
                    "team_id": self.team_west.id,
                },
            ]
        )
        for records in (leads, orders):
            visible = records.with_user(self.leader).search([("id", "in", records.ids)])
            self.assertEqual(visible, records[0])
            records[0].with_user(self.leader).read(["name"])
            with self.assertRaises(AccessError):
                records[1].with_user(self.leader).read(["name"])
        # a salesperson of two teams: the other team's lead stays hidden
        self.env["ir.config_parameter"].set_param("sales_team.membership_multi", True)
        self.env["crm.team.member"].create(
            {"crm_team_id": self.team_west.id, "user_id": self.sales_b.id}
        )
        west_lead = self.env["crm.lead"].create(
            {
                "name": "两组成员的西南商机",
                "user_id": self.sales_b.id,
                "team_id": self.team_west.id,
            }
        )
        self.assertFalse(
            west_lead.with_user(self.leader).search([("id", "=", west_lead.id)])
        )
        # a salesperson of the team still sees only their own
        self.assertFalse(
            leads.with_user(self.sales_a).search([("id", "in", leads.ids)])
        )

    def test_manager_sees_all(self):
        self.assertEqual(self._visible(self.manager), self._ours())

    def test_salesperson_reads_grades_but_cannot_configure_them(self):
        grades = self.env["key_account.grade"].with_user(self.sales_a).search([])
        self.assertIn(self.grade_a, grades)
        with self.assertRaises(AccessError):
            self.grade_a.with_user(self.sales_a).write({"visit_interval_days": 1})
