import importlib.util

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.misc import file_path
from odoo.tools.sql import column_exists

from .common import TicketCommon, make_authorization


@tagged("post_install", "-at_install")
class TestPhoneIntake(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # our company is in China: numbers typed without +86 are Chinese
        cls.env.company.country_id = cls.env.ref("base.cn")
        Partner = cls.env["res.partner"]
        cls.customer_a.phone = "021-6888 1234"
        cls.caller = Partner.create(
            {
                "name": "李经理",
                "parent_id": cls.customer_a.id,
                "mobile": "138 0013 8000",
            }
        )
        cls.customer_b.phone = "010-65529988"
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

    def test_landline_typed_internationally(self):
        """Stored as 010-65529988, found by +86 10 6552 9988 (the trunk 0
        comes back): key_account's stored, indexed normalised number."""
        self.assertEqual(self.customer_b.ka_phone_normalized, "01065529988")
        for typed in ("+86 10 6552 9988", "0086 10 65529988", "(010) 6552-9988"):
            with self.subTest(typed=typed):
                intake = self.Intake.create({"caller_number": typed})
                self.assertEqual(intake.match_ids[:], self.customer_b)
                self.assertEqual(intake.partner_id, self.customer_b)

    def test_full_width_mobile(self):
        """A number copied from a Chinese text, in full-width digits."""
        intake = self.Intake.create({"caller_number": "１３８ ００１３ ８０００"})
        self.assertEqual(intake.partner_id, self.caller)
        self.assertEqual(intake.commercial_partner_id, self.customer_a)
        action = intake.action_create_ticket()
        ticket = self.env["helpdesk.ticket"].browse(action["res_id"])
        self.assertEqual(ticket.partner_id, self.caller)
        self.assertEqual(ticket.as_caller_number, "１３８ ００１３ ８０００")

    def test_numbers_follow_edits(self):
        self.caller.mobile = "+86 139 0000 1111"
        intake = self.Intake.create({"caller_number": "13900001111"})
        self.assertEqual(intake.partner_id, self.caller)
        self.assertFalse(self.Intake.create({"caller_number": "13800138000"}).match_ids)

    def test_only_customers_and_their_contacts(self):
        """A supplier, a competitor or our own company with the caller's
        number is nobody the after-sales team serves (key_account's
        customer)."""
        Partner = self.env["res.partner"]
        supplier = Partner.create(
            {
                "name": "上海供货有限公司",
                "is_company": True,
                "ka_customer_type": "supplier",
                "phone": "021-5555 0001",
            }
        )
        Partner.create(
            {"name": "供应商 赵六", "parent_id": supplier.id, "mobile": "13700137000"}
        )
        Partner.create(
            {
                "name": "对手科技有限公司",
                "is_company": True,
                "ka_customer_type": "competitor",
                "phone": "021-5555 0001",
            }
        )
        self.env.company.partner_id.phone = "021-5555 0002"
        for number in ("021-5555 0001", "13700137000", "021-5555 0002"):
            with self.subTest(number=number):
                intake = self.Intake.create({"caller_number": number})
                self.assertFalse(intake.match_ids)
                self.assertFalse(intake.partner_id)
        # a customer with the supplier's number is found
        self.customer_west.phone = "+86 21 5555 0001"
        intake = self.Intake.create({"caller_number": "021-5555 0001"})
        self.assertEqual(intake.partner_id, self.customer_west)

    def test_migration_drops_the_old_numbers(self):
        """Databases made before: after_sales' own normalised numbers go,
        the intake uses key_account's."""
        cr = self.env.cr
        cr.execute(
            "ALTER TABLE res_partner ADD COLUMN as_phone_normalized varchar,"
            " ADD COLUMN as_mobile_normalized varchar"
        )
        path = file_path("after_sales/migrations/18.0.2.0.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("as_post_migrate", path)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        script.migrate(cr, "18.0.1.4.0")
        for column in ("as_phone_normalized", "as_mobile_normalized"):
            self.assertFalse(column_exists(cr, "res_partner", column))
        script.migrate(cr, "18.0.1.4.0")  # and again: nothing to do

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
