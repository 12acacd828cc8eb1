"""What a logged-in user can call over RPC (/web/dataset/call_kw, XML-RPC):
the public methods after_sales defines, the role each one checks, and the
system fields no user may write."""

from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged

from .common import TicketCommon, make_authorization

# ORM overrides: the access rights and record rules of the model cover them.
ORM = {"create", "write", "unlink", "copy", "default_get", "name_search", "read"}

# Every public method after_sales defines: buttons and UI entry points.
PUBLIC = {
    "after_sales.authorization": {
        "action_suspend",
        "action_reactivate",
        "action_revoke",
        "action_renew",
        "action_download_licence",
        "action_send_expiry_notice",
        "action_view_sale_order",
    },
    "after_sales.revisit": {
        "action_done",
        "action_cancel",
        "action_reset",
        "action_send_rating_request",
    },
    "contract.contract": {"action_as_renew", "action_as_view_successor"},
    "helpdesk.ticket": {"action_as_create_repair", "action_as_view_repairs"},
    "repair.order": {"action_as_view_appointment"},
    "res.company": {"action_as_generate_licence_key"},
    "res.partner": {"action_as_view_authorizations"},
    "sale.order": {"action_confirm", "action_as_view_authorizations"},
    "after_sales.contract.renew": {"action_renew"},
    "after_sales.phone.intake": {"action_create_ticket", "action_new_call"},
}


def _our_public_methods(model):
    """Names of the methods after_sales' classes of ``model`` define that RPC
    lets anyone call."""
    names = set()
    for cls in type(model).mro():
        if not cls.__module__.startswith("odoo.addons.after_sales."):
            continue
        for name, value in vars(cls).items():
            if name.startswith("_") or not callable(value) or name in ORM:
                continue
            try:
                get_public_method(model, name)
            except AccessError:
                continue
            names.add(name)
    return names


@tagged("post_install", "-at_install")
class TestRpcSurface(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.env.company._ka_today()
        contact = cls.env["res.partner"].create(
            {"name": "甲方采购 王五", "parent_id": cls.customer_a.id}
        )
        cls.portal = new_test_user(
            cls.env,
            login="as_rpc_portal",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        cls.employee = new_test_user(
            cls.env, login="as_rpc_employee", groups="base.group_user"
        )
        cls.accountant = new_test_user(
            cls.env,
            login="as_rpc_accountant",
            groups="account.group_account_manager",
        )
        cls.admin_user = new_test_user(
            cls.env, login="as_rpc_admin", groups="base.group_system"
        )
        cls.repairer = new_test_user(
            cls.env,
            login="as_rpc_repairer",
            groups="after_sales.after_sales_group_user,stock.group_stock_user",
        )
        cls.helpdesk_team.user_ids = [(4, cls.repairer.id)]
        cls.customer_a.email = "rpc@jiafang.example.com"
        cls.auth = make_authorization(cls.env, cls.customer_a, cls.licensed)
        cls.device = cls.env["product.product"].create(
            {"name": "维修测试设备", "type": "consu"}
        )
        cls.ticket = cls._ticket(as_product_id=cls.device.id, user_id=cls.as_staff.id)

    def _revisit(self, **vals):
        return (
            self.env["after_sales.revisit"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer_a.id,
                    "team_id": self.helpdesk_team.id,
                    "user_id": self.as_staff.id,
                    **vals,
                }
            )
        )

    def _contract(self):
        return self.env["contract.contract"].create(
            {
                "name": "维护合同",
                "partner_id": self.customer_a.id,
                "line_recurrence": True,
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.licensed.id,
                            "name": "年度授权",
                            "quantity": 1,
                            "price_unit": 10000,
                            "recurring_rule_type": "yearly",
                            "recurring_interval": 1,
                            "date_start": self.today - timedelta(days=300),
                            "date_end": self.today + timedelta(days=60),
                        },
                    )
                ],
            }
        )

    def _refused(self, records, users, method, *args):
        for user in users:
            with (
                self.subTest(method=method, user=user.login),
                self.assertRaises(AccessError),
            ):
                getattr(records.with_user(user), method)(*args)

    # ------------------------------------------------------------ the surface

    def test_public_methods_are_the_buttons(self):
        """Anything public that after_sales adds is a button or UI entry point
        listed here (and checks the caller's role, below); helpers are
        private."""
        found = {}
        for name in self.env.registry:
            methods = _our_public_methods(self.env[name])
            if methods:
                found[name] = methods
        self.assertEqual(found, PUBLIC)

    def test_hooks_and_helpers_not_callable_remotely(self):
        for model, name in (
            ("after_sales.revisit", "rating_apply"),
            ("after_sales.revisit", "_schedule_for_tickets"),
            ("after_sales.revisit", "_as_send_rating_request"),
            ("after_sales.authorization", "_renew"),
            ("after_sales.authorization", "_as_expire_and_remind"),
            ("after_sales.authorization", "init"),
            ("after_sales.revisit", "_schedule_periodic"),
            ("after_sales.revisit", "_send_due_rating_requests"),
            ("contract.contract", "_as_remind_expiry"),
            ("helpdesk.ticket", "_cron_sla_escalate"),
            ("res.partner", "_as_refresh_contract_value"),
            ("key_account.pipeline", "_step_contract_value"),
            ("key_account.pipeline", "_step_authorization_expiry"),
            ("key_account.pipeline", "_step_contract_reminders"),
            ("key_account.pipeline", "_step_periodic_revisits"),
            ("after_sales.phone.intake", "_find_callers"),
        ):
            with (
                self.subTest(model=model, method=name),
                self.assertRaises(AccessError),
            ):
                get_public_method(self.env[model], name)

    # ------------------------------------------------------------ roles

    def test_authorization_buttons_for_managers(self):
        users = (self.sales_a, self.portal, self.as_staff, self.manager)
        for method in (
            "action_suspend",
            "action_revoke",
            "action_renew",
            "action_send_expiry_notice",
        ):
            self._refused(self.auth, users, method)
        self.assertEqual(self.auth.state, "active")
        auth = self.auth.with_user(self.as_manager)
        auth.action_send_expiry_notice()
        auth.action_suspend()
        self._refused(self.auth, users, "action_reactivate")
        auth.action_reactivate()
        self.assertEqual(self.auth.state, "active")
        new = self.env["after_sales.authorization"].browse(
            auth.action_renew()["res_id"]
        )
        self.assertEqual(self.auth.state, "revoked")
        self.assertEqual(new.previous_id, self.auth)

    def test_authorization_views_for_readers(self):
        for method in ("action_download_licence", "action_view_sale_order"):
            self._refused(self.auth, (self.portal, self.employee), method)
        for user in (self.sales_a, self.as_staff):
            action = self.auth.with_user(user).action_download_licence()
            self.assertEqual(
                action["url"], f"/my/authorizations/{self.auth.id}/licence"
            )
        # another salesperson's customer: the record rule refuses
        self._refused(self.auth, (self.sales_b,), "action_download_licence")

    def test_revisit_buttons_for_staff(self):
        revisit = self._revisit(score=4)
        users = (self.sales_a, self.portal, self.manager)
        for method in (
            "action_done",
            "action_cancel",
            "action_reset",
            "action_send_rating_request",
        ):
            self._refused(revisit, users, method)
        self.assertEqual(revisit.state, "planned")
        revisit = revisit.with_user(self.as_staff)
        revisit.action_done()
        self.assertEqual(revisit.state, "done")
        self.assertEqual(revisit.date_done, self.today)
        revisit.action_reset()
        revisit.action_send_rating_request()
        self.assertTrue(revisit.rating_request_date)
        revisit.action_cancel()
        self.assertEqual(revisit.state, "cancelled")

    def test_contract_buttons_for_accounting(self):
        contract = self._contract()
        users = (self.sales_a, self.as_manager, self.portal)
        self._refused(contract, users, "action_as_renew")
        action = contract.with_user(self.accountant).action_as_renew()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.accountant)
            .with_context(**action["context"])
            .create(
                {
                    "contract_id": contract.id,
                    "date_start": self.today + timedelta(days=61),
                    "date_end": self.today + timedelta(days=425),
                }
            )
        )
        self._refused(wizard, (self.sales_a, self.as_manager), "action_renew")
        result = wizard.action_renew()
        self.assertEqual(contract.as_successor_id.id, result["res_id"])
        self.assertEqual(contract.as_successor_id.as_predecessor_id, contract)
        self._refused(
            contract, (self.sales_a, self.as_staff), "action_as_view_successor"
        )
        action = contract.with_user(self.accountant).action_as_view_successor()
        self.assertEqual(action["res_id"], contract.as_successor_id.id)

    def test_phone_intake_for_staff(self):
        intake = (
            self.env["after_sales.phone.intake"]
            .with_user(self.as_staff)
            .create({"caller_number": "13800138000"})
        )
        for method in ("action_create_ticket", "action_new_call"):
            self._refused(intake, (self.sales_a, self.manager), method)
        self.assertEqual(intake.action_new_call()["res_model"], intake._name)

    def test_repair_buttons_for_inventory_users(self):
        for method in ("action_as_create_repair", "action_as_view_repairs"):
            self._refused(self.ticket, (self.as_staff, self.sales_a), method)
        ticket = self.ticket.with_user(self.repairer)
        repair = self.env["repair.order"].browse(
            ticket.action_as_create_repair()["res_id"]
        )
        self.assertEqual(ticket.action_as_view_repairs()["domain"][0][2], ticket.id)
        repair.with_user(self.repairer).write(
            {
                "as_technician_id": self.employee.id,
                "as_appointment_date": datetime(2026, 12, 1, 2, 0),
            }
        )
        self._refused(
            repair, (self.as_staff, self.employee), "action_as_view_appointment"
        )
        action = repair.with_user(self.repairer).action_as_view_appointment()
        self.assertEqual(action["res_id"], repair.as_event_id.id)

    def test_signing_key_for_administrators(self):
        company = self.env["res.company"].create({"name": "授权测试公司"})
        self.admin_user.company_ids = [(4, company.id)]
        self._refused(
            company,
            (self.as_manager, self.manager, self.employee),
            "action_as_generate_licence_key",
        )
        self.assertFalse(company.as_licence_public_key)
        company.with_user(self.admin_user).action_as_generate_licence_key()
        self.assertIn("BEGIN PUBLIC KEY", company.as_licence_public_key)

    def test_authorization_lists_for_readers(self):
        self._refused(
            self.customer_a,
            (self.portal, self.employee),
            "action_as_view_authorizations",
        )
        action = self.customer_a.with_user(self.sales_a).action_as_view_authorizations()
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer_a.id)])
        order = self.env["sale.order"].create(
            {"partner_id": self.customer_a.id, "user_id": self.sales_a.id}
        )
        # after-sales staff do not read sales orders
        self._refused(
            order,
            (self.portal, self.employee, self.as_staff, self.sales_b),
            "action_as_view_authorizations",
        )
        action = order.with_user(self.sales_a).action_as_view_authorizations()
        self.assertEqual(action["domain"], [("order_id", "=", order.id)])

    def test_confirm_needs_write_access_before_locking(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "user_id": self.sales_a.id,
                "order_line": [(0, 0, {"product_id": self.licensed.id})],
            }
        )
        self._refused(
            order, (self.portal, self.sales_b, self.as_staff), "action_confirm"
        )
        self.assertEqual(order.state, "draft")
        order.with_user(self.sales_a).action_confirm()
        self.assertEqual(order.state, "sale")

    # ------------------------------------------------------------ system fields

    def _write_refused(self, records, users, vals):
        for user in users:
            for name, value in vals.items():
                with (
                    self.subTest(model=records._name, field=name, user=user.login),
                    self.assertRaises(AccessError),
                ):
                    records.with_user(user).write({name: value})

    def test_authorization_key_and_state_are_the_systems(self):
        other = make_authorization(self.env, self.customer_b, self.licensed)
        self._write_refused(
            self.auth,
            (self.as_manager,),
            {
                "key": "AAAA-BBBB-CCCC-DDDD",
                "key_hash": "0" * 64,
                "state": "revoked",
                "issued_at": fields.Datetime.now(),
                "reminder_date": self.today,
                "previous_id": other.id,
                "replaced_by_id": other.id,
                "sale_line_id": False,
            },
        )
        self.auth.with_user(self.as_manager).write({"seats": 8})
        self.assertEqual(self.auth.seats, 8)
        Authorization = self.env["after_sales.authorization"].with_user(self.as_manager)
        vals = {"partner_id": self.customer_a.id, "product_id": self.licensed.id}
        with self.assertRaises(AccessError):
            Authorization.create(dict(vals, key="AAAA-BBBB-CCCC-DDDD"))
        with self.assertRaises(AccessError):
            Authorization.create(dict(vals, state="expired"))
        # context defaults of system fields are ignored
        auth = Authorization.with_context(
            default_key="AAAA-BBBB-CCCC-DDDD", default_state="revoked"
        ).create(dict(vals, state="active"))
        self.assertEqual(auth.state, "active")
        self.assertNotEqual(auth.key, "AAAA-BBBB-CCCC-DDDD")

    def test_revisit_results_are_the_systems(self):
        revisit = self._revisit()
        self._write_refused(
            revisit,
            (self.as_staff, self.as_manager),
            {
                "state": "done",
                "date_done": self.today,
                "origin": "periodic",
                "rating_request_date": fields.Datetime.now(),
                "low_score_notified": True,
            },
        )
        Revisit = self.env["after_sales.revisit"].with_user(self.as_staff)
        vals = {"partner_id": self.customer_a.id, "user_id": self.as_staff.id}
        with self.assertRaises(AccessError):
            Revisit.create(dict(vals, origin="periodic"))
        with self.assertRaises(AccessError):
            Revisit.create(dict(vals, state="done", score=5))
        manual = Revisit.with_context(default_state="done").create(vals)
        self.assertEqual((manual.state, manual.origin), ("planned", "ticket"))
        # the customer rated through the link: the result stays theirs
        revisit.with_user(self.as_staff).action_send_rating_request()
        revisit.rating_apply(5, token=revisit.rating_ids.access_token)
        self.assertEqual((revisit.state, revisit.score), ("done", 5))
        self._write_refused(
            revisit,
            (self.as_staff, self.as_manager),
            {"score": 1, "comment": "改成不满意", "method": "phone"},
        )
        for method in ("action_reset", "action_cancel", "action_done"):
            with self.subTest(method=method), self.assertRaises(UserError):
                getattr(revisit.with_user(self.as_manager), method)()
        self.assertEqual((revisit.state, revisit.score), ("done", 5))

    def test_ticket_sla_is_the_systems(self):
        ticket = self.ticket
        deadline = ticket.as_response_deadline
        self.assertTrue(deadline)
        self._write_refused(
            ticket,
            (self.as_staff, self.as_manager),
            {
                "as_sla_start": fields.Datetime.now(),
                "as_response_deadline": fields.Datetime.now() + timedelta(days=30),
                "as_resolution_deadline": False,
                "as_response_warn_date": False,
                "as_resolution_warn_date": False,
                "as_first_response_date": fields.Datetime.now(),
                "as_response_breached": False,
                "as_resolution_breached": False,
                "as_response_warned": True,
                "as_resolution_warned": True,
            },
        )
        self.assertEqual(ticket.as_response_deadline, deadline)
        Ticket = self.env["helpdesk.ticket"].with_user(self.as_staff)
        vals = {
            "name": "自称已响应",
            "description": "-",
            "partner_id": self.customer_a.id,
            "team_id": self.helpdesk_team.id,
            "user_id": self.as_staff.id,
        }
        with self.assertRaises(AccessError):
            Ticket.create(dict(vals, as_first_response_date=fields.Datetime.now()))
        later = fields.Datetime.now() + timedelta(days=30)
        new = Ticket.with_context(default_as_response_deadline=later).create(vals)
        self.assertNotEqual(new.as_response_deadline, later)
        # the legitimate flow: the staff member answers, the system stamps it
        ticket.with_user(self.as_staff).stage_id = self.stage_progress
        self.assertTrue(ticket.as_first_response_date)

    def test_contract_links_are_the_systems(self):
        contract = self._contract()
        other = self._contract()
        self._write_refused(
            contract,
            (self.accountant,),
            {
                "as_successor_id": other.id,
                "as_predecessor_id": other.id,
                "as_expiry_reminded": True,
            },
        )
        contract.with_user(self.accountant).write({"name": "改名的合同"})

    def test_repair_event_and_signing_keys_are_the_systems(self):
        repair = self.env["repair.order"].create(
            {"partner_id": self.customer_a.id, "product_id": self.device.id}
        )
        event = self.env["calendar.event"].create(
            {
                "name": "无关日程",
                "start": datetime(2026, 12, 1),
                "stop": datetime(2026, 12, 1, 1),
            }
        )
        self._write_refused(repair, (self.repairer,), {"as_event_id": event.id})
        company = self.env.company
        self.admin_user.company_ids = [(4, company.id)]
        self._write_refused(
            company,
            (self.admin_user,),
            {
                "as_licence_public_key": "-----BEGIN PUBLIC KEY-----",
                "as_licence_private_key": "-----BEGIN PRIVATE KEY-----",
            },
        )

    def test_partner_figures_are_the_systems(self):
        self.assertIn("as_contract_value", self.env["res.partner"]._ka_system_fields())
        self._write_refused(
            self.customer_a,
            (self.sales_a, self.manager),
            {"as_contract_value": 1000000.0},
        )
        # after_sales keeps no normalised numbers of its own: the intake
        # compares key_account's
        self.assertFalse(
            {"as_phone_normalized", "as_mobile_normalized"}
            & set(self.env["res.partner"]._fields)
        )
        self.customer_a.with_user(self.sales_a).phone = "+86 10 6552 9988"
        self.assertEqual(self.customer_a.ka_phone_normalized, "01065529988")
