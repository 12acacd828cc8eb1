from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import TicketCommon


@tagged("post_install", "-at_install")
class TestRevisit(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._ka_product("售后回访产品")
        cls.other_staff = new_test_user(
            cls.env,
            login="as_revisit_other",
            name="其他组售后员",
            groups="after_sales.after_sales_group_user",
        )
        cls.other_team = cls.env["helpdesk.ticket.team"].create(
            {"name": "售后二组", "user_ids": [(4, cls.other_staff.id)]}
        )
        cls.Revisit = cls.env["after_sales.revisit"]

    def _closed_ticket(self, **vals):
        ticket = self._ticket(
            as_product_id=self.product.id, user_id=self.as_staff.id, **vals
        )
        ticket.stage_id = self.stage_done
        return ticket

    def test_revisit_scheduled_once_on_close(self):
        ticket = self._ticket(as_product_id=self.product.id, user_id=self.as_staff.id)
        self.assertFalse(self.Revisit.search([("ticket_id", "=", ticket.id)]))
        ticket.stage_id = self.stage_progress
        self.assertFalse(self.Revisit.search([("ticket_id", "=", ticket.id)]))
        ticket.stage_id = self.stage_done
        revisit = self.Revisit.search([("ticket_id", "=", ticket.id)])
        self.assertEqual(len(revisit), 1)
        self.assertEqual(revisit.partner_id, self.customer_a)
        self.assertEqual(revisit.grade_id, self.grade_sla)
        self.assertEqual(revisit.product_id, self.product)
        self.assertEqual(revisit.team_id, self.helpdesk_team)
        self.assertEqual(revisit.user_id, self.as_staff)
        self.assertEqual(revisit.state, "planned")
        self.assertEqual(ticket.as_revisit_ids, revisit)
        # Reopened and closed again: still one revisit.
        ticket.stage_id = self.stage_progress
        ticket.stage_id = self.stage_done
        self.assertEqual(self.Revisit.search_count([("ticket_id", "=", ticket.id)]), 1)

    def test_revisit_for_ticket_created_closed(self):
        ticket = self._ticket(stage_id=self.stage_done.id)
        self.assertEqual(self.Revisit.search_count([("ticket_id", "=", ticket.id)]), 1)

    def test_phone_revisit_done(self):
        revisit = self._closed_ticket().as_revisit_ids
        revisit = revisit.with_user(self.as_staff)
        with self.assertRaises(UserError):
            revisit.action_done()
        with self.assertRaises(ValidationError):
            revisit.score = 6
        revisit.write({"score": 5, "comment": "服务及时，很满意"})
        revisit.action_done()
        self.assertEqual(revisit.state, "done")
        self.assertTrue(revisit.date_done)
        self.assertFalse(revisit.low_score_notified)
        self.assertFalse(revisit.activity_ids)

    def test_low_score_alerts_account_manager_once(self):
        revisit = self._closed_ticket().as_revisit_ids.with_user(self.as_staff)
        revisit.write({"score": 2, "comment": "响应太慢"})
        revisit.action_done()
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "after_sales.revisit"), ("res_id", "=", revisit.id)]
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.sales_a)
        self.assertTrue(revisit.low_score_notified)
        revisit.action_reset()
        revisit.action_done()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [
                    ("res_model", "=", "after_sales.revisit"),
                    ("res_id", "=", revisit.id),
                ]
            ),
            1,
        )

    def test_manual_revisit_without_ticket(self):
        revisit = self.Revisit.with_user(self.as_staff).create(
            {"partner_id": self.customer_b.id, "user_id": self.as_staff.id}
        )
        revisit.write({"score": 4})
        revisit.action_done()
        self.assertEqual(revisit.state, "done")

    def test_revisit_access(self):
        revisit = self._closed_ticket().as_revisit_ids
        Revisit = self.Revisit
        # Staff of the team and the manager see it, staff of another team not.
        self.assertEqual(
            Revisit.with_user(self.as_staff).search([("id", "=", revisit.id)]),
            revisit,
        )
        self.assertEqual(
            Revisit.with_user(self.as_manager).search([("id", "=", revisit.id)]),
            revisit,
        )
        self.assertFalse(
            Revisit.with_user(self.other_staff).search([("id", "=", revisit.id)])
        )
        # The customer's salesperson reads it but cannot change it; another
        # salesperson does not see it.
        self.assertEqual(
            Revisit.with_user(self.sales_a).search([("id", "=", revisit.id)]),
            revisit,
        )
        with self.assertRaises(AccessError):
            revisit.with_user(self.sales_a).write({"score": 1})
        self.assertFalse(
            Revisit.with_user(self.sales_b).search([("id", "=", revisit.id)])
        )
        # Staff cannot delete, managers can.
        with self.assertRaises(AccessError):
            revisit.with_user(self.as_staff).unlink()
        revisit.with_user(self.as_manager).unlink()

    def test_satisfaction_by_team(self):
        for score in (4, 2):
            revisit = self._closed_ticket().as_revisit_ids
            revisit.write({"score": score})
            revisit.action_done()
        groups = self.Revisit._read_group(
            [("team_id", "=", self.helpdesk_team.id), ("state", "=", "done")],
            ["team_id"],
            ["score:avg"],
        )
        self.assertEqual(groups[0][1], 3)
