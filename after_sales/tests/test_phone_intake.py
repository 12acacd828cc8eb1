from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from ..lib.phone import normalize_phone
from .common import TicketCommon, make_authorization


@tagged("post_install", "-at_install")
class TestPhoneIntake(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer_a.phone = "021-6888 1234"
        cls.caller = Partner.create(
            {
                "name": "李经理",
                "parent_id": cls.customer_a.id,
                "mobile": "138 0013 8000",
            }
        )
        cls.customer_b.phone = "+86 10 6552 9988"
        cls.auth = make_authorization(cls.env, cls.customer_a, cls.licensed)
        cls.revoked = make_authorization(
            cls.env, cls.customer_a, cls.licensed, state="revoked"
        )
        cls.open_ticket = cls._ticket()
        cls.closed_ticket = cls._ticket(stage_id=cls.stage_done.id)
        cls.other_ticket = cls._ticket(partner=cls.customer_b)
        # the call-centre agent: after-sales staff, nothing else
        cls.agent = new_test_user(
            cls.env,
            login="as_intake_agent",
            name="话务员",
            groups="after_sales.after_sales_group_user",
        )
        cls.helpdesk_team.user_ids = [(4, cls.agent.id)]
        cls.Intake = cls.env["after_sales.phone.intake"].with_user(cls.agent)

    def test_normalize_phone(self):
        for typed, expected in (
            ("138 0013 8000", "13800138000"),
            ("+86 138-0013-8000", "13800138000"),
            ("0086 13800138000", "13800138000"),
            ("+86 10 6552 9988", "01065529988"),
            ("010-6552-9988", "01065529988"),
            ("(021) 6888 1234", "02168881234"),
            ("+1 650 253 0000", "16502530000"),
            ("123", False),
            ("", False),
            (False, False),
        ):
            with self.subTest(typed=typed):
                self.assertEqual(normalize_phone(typed), expected)

    def test_partner_normalised_numbers_follow_edits(self):
        self.assertEqual(self.caller.as_mobile_normalized, "13800138000")
        self.assertEqual(self.customer_b.as_phone_normalized, "01065529988")
        self.caller.mobile = "+86 139 0000 1111"
        self.assertEqual(self.caller.as_mobile_normalized, "13900001111")
        Partner = self.env["res.partner"]
        self.assertEqual(Partner._as_find_by_phone("13900001111"), self.caller)
        self.assertEqual(Partner._as_find_by_phone("010 65529988"), self.customer_b)
        self.assertFalse(Partner._as_find_by_phone("13800138000"))

    def test_known_caller_by_agent(self):
        with Form(self.Intake) as form:
            form.caller_number = "+86 138-0013-8000"
            self.assertEqual(form.partner_id, self.caller)
            self.assertEqual(form.commercial_partner_id, self.customer_a)
            self.assertEqual(form.grade_id, self.grade_sla)
            self.assertEqual(form.account_manager_id, self.sales_a)
            self.assertEqual(form.open_ticket_ids[:], self.open_ticket)
            self.assertEqual(form.authorization_ids[:], self.auth)
            form.name = "软件无法启动"
            form.team_id = self.helpdesk_team
            form.product_id = self.licensed
        intake = form.record
        action = intake.action_create_ticket()
        ticket = self.env["helpdesk.ticket"].browse(action["res_id"])
        self.assertEqual(ticket.partner_id, self.caller)
        self.assertEqual(ticket.commercial_partner_id, self.customer_a)
        self.assertEqual(ticket.as_channel, "phone")
        self.assertEqual(ticket.as_caller_number, "+86 138-0013-8000")
        self.assertEqual(ticket.as_call_time, intake.call_time)
        self.assertEqual(ticket.as_grade_id, self.grade_sla)
        self.assertTrue(ticket.as_resolution_deadline)
        self.assertEqual(ticket.as_product_id, self.licensed)
        self.assertEqual(ticket.name, "软件无法启动")
        self.assertEqual(ticket.create_uid, self.agent)

    def test_company_number_and_contracts(self):
        contract = self.env["contract.contract"].create(
            {"name": "运维服务合同", "partner_id": self.customer_a.id}
        )
        intake = self.Intake.create({"caller_number": "02168881234"})
        self.assertEqual(intake.partner_id, self.customer_a)
        self.assertIn(contract.name, intake.contract_summary)
        self.assertFalse(
            self.Intake.create({"caller_number": "010 65529988"}).contract_summary
        )

    def test_unknown_number(self):
        with Form(self.Intake) as form:
            form.caller_number = "0755 2345 6789"
            self.assertFalse(form.partner_id)
            self.assertFalse(form.open_ticket_ids[:])
        action = form.record.action_create_ticket()
        ticket = self.env["helpdesk.ticket"].browse(action["res_id"])
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.as_caller_number, "0755 2345 6789")
        self.assertEqual(ticket.as_channel, "phone")
        self.assertIn("0755 2345 6789", ticket.name)
        # the agent then picks the customer on the ticket
        self.customer_west.ka_grade_id = self.grade_sla
        ticket.with_user(self.agent).partner_id = self.customer_west
        self.assertEqual(ticket.as_grade_id, self.grade_sla)
        # or picks it on the intake form before creating the ticket
        with Form(self.Intake) as form:
            form.caller_number = "0755 2345 6789"
            form.partner_id = self.customer_b
        action = form.record.action_create_ticket()
        ticket = self.env["helpdesk.ticket"].browse(action["res_id"])
        self.assertEqual(ticket.partner_id, self.customer_b)

    def test_number_of_several_companies_is_picked_by_hand(self):
        self.customer_west.phone = "13800138000"
        intake = self.Intake.create({"caller_number": "13800138000"})
        self.assertEqual(intake.match_count, 2)
        self.assertFalse(intake.partner_id)

    def test_not_a_number(self):
        intake = self.Intake.create({"caller_number": "abc"})
        with self.assertRaises(UserError):
            intake.action_create_ticket()

    def test_intake_access(self):
        intake = self.Intake.create({"caller_number": "13800138000"})
        other_agent = new_test_user(
            self.env,
            login="as_intake_other",
            name="另一话务员",
            groups="after_sales.after_sales_group_user",
        )
        with self.assertRaises(AccessError):
            intake.with_user(other_agent).read(["caller_number"])
        # a salesperson is no call-centre agent
        with self.assertRaises(AccessError):
            self.env["after_sales.phone.intake"].with_user(self.sales_a).create(
                {"caller_number": "13800138000"}
            )

    def test_agent_menus_in_helpdesk(self):
        """After-sales staff who are no salespeople do not see the key-account
        menu: the intake and the revisits are in the helpdesk app for them."""
        # the menus of the web client: the apps and the menus under them
        visible = self.env["ir.ui.menu"].with_user(self.agent).load_menus(False)
        helpdesk = self.env.ref("helpdesk_mgmt.helpdesk_ticket_main_menu")
        self.assertIn(helpdesk.id, visible["root"]["children"])
        for hidden in (
            "key_account.key_account_menu_root",
            "after_sales.after_sales_revisit_menu",
        ):
            self.assertNotIn(self.env.ref(hidden).id, visible)
        for xmlid, action in (
            (
                "after_sales.after_sales_phone_intake_menu_helpdesk",
                "after_sales.after_sales_phone_intake_action",
            ),
            (
                "after_sales.after_sales_revisit_menu_helpdesk",
                "after_sales.after_sales_revisit_action",
            ),
        ):
            with self.subTest(menu=xmlid):
                menu = self.env.ref(xmlid)
                self.assertIn(menu.id, visible)
                self.assertEqual(menu.parent_id, helpdesk)
                self.assertEqual(menu.action, self.env.ref(action))
