from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import TicketCommon

# 2026-11-20 is a Friday.
FRIDAY_17 = "2026-11-20 17:00:00"


@tagged("post_install", "-at_install")
class TestTicketGrade(TicketCommon):
    """A ticket's grade is its customer's and sets the SLA: an after-sales
    agent can neither choose it nor change it, and the portal does not see
    it (our internal grade of the customer)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a grade with a longer SLA than the customer's (the D grade's)
        cls.grade_slow = cls.env["key_account.grade"].create(
            {
                "name": "慢速等级",
                "code": "SL",
                "ticket_response_hours": 24.0,
                "ticket_resolution_hours": 120.0,
            }
        )
        cls.Ticket = cls.env["helpdesk.ticket"].with_user(cls.as_staff)

    def _vals(self, **vals):
        return {
            "name": "系统无法登录",
            "description": "客户来电反馈",
            "partner_id": self.customer_a.id,
            "team_id": self.helpdesk_team.id,
            **vals,
        }

    def test_agent_cannot_choose_the_grade(self):
        with freeze_time(FRIDAY_17), self.assertRaises(AccessError):
            self.Ticket.create(self._vals(as_grade_id=self.grade_slow.id))
        # a default of the context does not set it either
        with freeze_time(FRIDAY_17):
            ticket = self.Ticket.with_context(
                default_as_grade_id=self.grade_slow.id
            ).create(self._vals())
        self.assertEqual(ticket.as_grade_id, self.grade_sla)
        # the customer's 4 h from Friday 17:00: the Monday morning
        self.assertEqual(str(ticket.as_response_deadline), "2026-11-23 12:00:00")
        self.assertEqual(str(ticket.as_resolution_deadline), "2026-11-24 17:00:00")

    def test_agent_cannot_change_the_grade(self):
        with freeze_time(FRIDAY_17):
            ticket = self.Ticket.create(self._vals())
        with self.assertRaises(AccessError):
            ticket.write({"as_grade_id": self.grade_slow.id})
        with self.assertRaises(AccessError):
            ticket.write({"as_grade_id": False})
        self.assertEqual(ticket.as_grade_id, self.grade_sla)
        self.assertEqual(str(ticket.as_response_deadline), "2026-11-23 12:00:00")
        # the agent still works on the ticket
        ticket.write({"as_root_cause": "配置错误"})

    def test_another_customer_brings_its_grade(self):
        """Giving the ticket to a customer of a slower grade and back does
        not keep the slow grade: the ticket takes each customer's grade and
        its SLA counted from the ticket's start."""
        self.customer_b.ka_grade_id = self.grade_slow
        with freeze_time(FRIDAY_17):
            ticket = self.Ticket.create(self._vals())
        with freeze_time("2026-11-23 09:00:00"):
            ticket.partner_id = self.customer_b
        self.assertEqual(ticket.as_grade_id, self.grade_slow)
        self.assertEqual(str(ticket.as_sla_start), FRIDAY_17)
        # 24 working hours from Friday 17:00: Monday to Wednesday
        self.assertEqual(str(ticket.as_response_deadline), "2026-11-25 17:00:00")
        with freeze_time("2026-11-23 10:00:00"):
            ticket.partner_id = self.customer_a
        self.assertEqual(ticket.as_grade_id, self.grade_sla)
        self.assertEqual(str(ticket.as_response_deadline), "2026-11-23 12:00:00")
        # a contact of the same customer keeps the grade of the opening
        self.customer_a.ka_grade_id = self.grade_slow
        contact = self.env["res.partner"].create(
            {"name": "李经理", "parent_id": self.customer_a.id}
        )
        ticket.partner_id = contact
        self.assertEqual(ticket.as_grade_id, self.grade_sla)
        # a customer without a grade: no grade, no deadline of a grade
        ticket.partner_id = self.customer_pool
        self.assertFalse(ticket.as_grade_id)
        self.assertFalse(ticket.as_response_deadline)
        self.assertFalse(ticket.as_resolution_deadline)

    def test_portal_does_not_read_the_grade(self):
        contact = self.env["res.partner"].create(
            {"name": "门户联系人", "parent_id": self.customer_a.id}
        )
        portal = new_test_user(
            self.env,
            login="as_grade_portal",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        ticket = self._ticket(partner=contact)
        own = ticket.with_user(portal)
        self.assertEqual(own.read(["name"])[0]["name"], ticket.name)
        with self.assertRaises(AccessError):
            own.read(["as_grade_id"])
        with self.assertRaises(AccessError):
            self.env["helpdesk.ticket"].with_user(portal).search(
                [("as_grade_id", "=", self.grade_sla.id)]
            )
        self.assertNotIn(
            "as_grade_id", self.env["helpdesk.ticket"].with_user(portal).fields_get()
        )
        # internal users of the ticket still read it
        self.assertEqual(ticket.with_user(self.as_staff).as_grade_id, self.grade_sla)
