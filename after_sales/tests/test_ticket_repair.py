from datetime import datetime

from odoo.tests import new_test_user, tagged

from .common import TicketCommon


@tagged("post_install", "-at_install")
class TestTicketRepair(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.repairer = new_test_user(
            cls.env,
            login="as_repair_staff",
            name="维修售后员",
            groups="after_sales.after_sales_group_user,stock.group_stock_user",
        )
        cls.helpdesk_team.user_ids = [(4, cls.repairer.id)]
        cls.technician = new_test_user(
            cls.env,
            login="as_technician",
            name="上门技术员",
            groups="base.group_user",
        )
        cls.device = cls.env["product.product"].create(
            {
                "name": "工业控制器",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        cls.lot = cls.env["stock.lot"].create(
            {"name": "SN-0001", "product_id": cls.device.id}
        )

    def test_repair_from_ticket(self):
        ticket = self._ticket(
            as_product_id=self.device.id, as_lot_id=self.lot.id
        ).with_user(self.repairer)
        action = ticket.action_as_create_repair()
        repair = self.env["repair.order"].browse(action["res_id"])
        self.assertEqual(repair.as_ticket_id, ticket)
        self.assertEqual(repair.partner_id, self.customer_a)
        self.assertEqual(repair.product_id, self.device)
        self.assertEqual(repair.lot_id, self.lot)
        self.assertEqual(ticket.as_repair_count, 1)
        self.assertEqual(ticket.as_repair_state, "draft")
        # The customer's device is not in stock: confirm past the warning.
        repair._action_repair_confirm()
        self.assertEqual(ticket.as_repair_state, "confirmed")
        view = ticket.action_as_view_repairs()
        self.assertEqual(self.env["repair.order"].search(view["domain"]), repair)

    def test_appointment_event_once(self):
        ticket = self._ticket(
            as_product_id=self.device.id, as_lot_id=self.lot.id
        ).with_user(self.repairer)
        repair = (
            self.env["repair.order"]
            .browse(ticket.action_as_create_repair()["res_id"])
            .with_user(self.repairer)
        )
        self.assertFalse(repair.as_event_id)
        start = datetime(2026, 12, 1, 2, 0)
        repair.write(
            {"as_technician_id": self.technician.id, "as_appointment_date": start}
        )
        event = repair.as_event_id
        self.assertTrue(event)
        self.assertEqual(event.start, start)
        self.assertEqual(event.user_id, self.technician)
        self.assertEqual(
            event.partner_ids,
            self.technician.partner_id | self.customer_a,
        )
        # Moving the appointment moves the same event.
        later = datetime(2026, 12, 2, 6, 0)
        repair.as_appointment_date = later
        self.assertEqual(repair.as_event_id, event)
        self.assertEqual(event.start, later)
        self.assertEqual(
            self.env["calendar.event"].search_count(
                [("res_model", "=", "repair.order"), ("res_id", "=", repair.id)]
            ),
            1,
        )
