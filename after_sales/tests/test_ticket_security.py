from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import TicketCommon


@tagged("post_install", "-at_install")
class TestTicketSecurity(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_team = cls.env["helpdesk.ticket.team"].create({"name": "售后二组"})
        cls.outsider = new_test_user(
            cls.env,
            login="as_outsider",
            name="二组售后员",
            groups="after_sales.after_sales_group_user",
        )
        cls.other_team.user_ids = [(4, cls.outsider.id)]
        cls.ticket_a = cls._ticket(user_id=cls.ticket_leader.id)
        cls.ticket_b = cls._ticket(partner=cls.customer_b)
        cls.ticket_other = cls._ticket(
            partner=cls.customer_west, team_id=cls.other_team.id
        )
        cls.all_tickets = cls.ticket_a | cls.ticket_b | cls.ticket_other

    def _visible(self, user):
        return (
            self.env["helpdesk.ticket"]
            .with_user(user)
            .search([("id", "in", self.all_tickets.ids)])
        )

    def test_staff_sees_team_tickets(self):
        self.assertEqual(self._visible(self.as_staff), self.ticket_a | self.ticket_b)
        self.ticket_a.with_user(self.as_staff).write({"as_root_cause": "配置错误"})
        self.assertEqual(self._visible(self.outsider), self.ticket_other)
        with self.assertRaises(AccessError):
            self.ticket_a.with_user(self.outsider).write({"as_solution": "重装"})

    def test_manager_sees_all(self):
        self.assertEqual(self._visible(self.as_manager), self.all_tickets)

    def test_salesperson_reads_own_customers_tickets(self):
        self.assertEqual(self._visible(self.sales_a), self.ticket_a)
        self.assertEqual(self._visible(self.sales_b), self.ticket_b)
        self.assertEqual(self.ticket_a.with_user(self.sales_a).as_grade_id.code, "TK")
        with self.assertRaises(AccessError):
            self.ticket_a.with_user(self.sales_a).write({"name": "改名"})

    def test_key_account_leader_and_manager(self):
        self.assertEqual(self._visible(self.leader), self.ticket_a | self.ticket_b)
        self.assertEqual(self._visible(self.manager), self.all_tickets)

    def test_feedback_staff_configuration_rights(self):
        Staff = self.env["after_sales.feedback.staff"]
        vals = {"user_id": self.as_staff.id, "team_id": self.helpdesk_team.id}
        with self.assertRaises(AccessError):
            Staff.with_user(self.as_staff).create(vals)
        staff = Staff.with_user(self.as_manager).create(vals)
        self.assertEqual(Staff.with_user(self.as_staff).search([]), staff)
