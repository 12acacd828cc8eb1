from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TicketCommon


@tagged("post_install", "-at_install")
class TestTicketShare(TicketCommon):
    """A co-owner of a shared customer (客户共享) reads its tickets, as its
    account manager does; a colleague without share does not."""

    def test_co_owner_reads_the_tickets(self):
        ticket = self._ticket()
        self.assertEqual(ticket.commercial_partner_id, self.customer_a)
        Ticket = self.env["helpdesk.ticket"]
        self.assertFalse(
            Ticket.with_user(self.sales_b).search([("id", "=", ticket.id)])
        )
        self.env["key_account.share"].with_user(self.sales_a).create(
            {
                "partner_id": self.customer_a.id,
                "user_id": self.sales_b.id,
                "access": "write",
            }
        )
        self.assertEqual(
            Ticket.with_user(self.sales_b).search([("id", "=", ticket.id)]), ticket
        )
        self.assertFalse(
            Ticket.with_user(self.sales_west).search([("id", "=", ticket.id)])
        )
        # reading only, even with read-write access to the customer
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            ticket.with_user(self.sales_b).write({"name": "改名"})
