from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import TicketCommon, make_authorization

NUL = "138\x000013 8000"
TOO_BIG = 2**31


@tagged("post_install", "-at_install")
class TestInputCheck(TicketCommon):
    """Values the database cannot store (a NUL character, an integer out of
    PostgreSQL's range, a date that is not one) typed by users into the
    after-sales records get key_account's clear error naming the field
    (``check_input``), not PostgreSQL's English message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="as_input_accountant",
            name="会计主管",
            groups="account.group_account_manager",
        )
        cls.product = cls._ka_product("输入检查服务", price=1000.0)

    def assertRefused(self, model, fname, call):
        """``call`` raises a ValidationError naming the field ``fname`` of
        ``model`` (in the user's language)."""
        with self.assertRaises(ValidationError) as caught:
            call()
        label = model._fields[fname]._description_string(model.env)
        self.assertIn(label, str(caught.exception))

    def test_phone_intake(self):
        Intake = self.env["after_sales.phone.intake"].with_user(self.as_staff)
        self.assertRefused(
            Intake, "caller_number", lambda: Intake.create({"caller_number": NUL})
        )
        intake = Intake.create({"caller_number": "13800138000"})
        self.assertRefused(
            Intake, "caller_number", lambda: intake.write({"caller_number": NUL})
        )
        self.assertRefused(
            Intake, "call_time", lambda: intake.write({"call_time": "2026-13-45"})
        )

    def test_ticket(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.as_staff)
        vals = {
            "name": "系统无法登录",
            "description": "客户来电反馈",
            "partner_id": self.customer_a.id,
            "team_id": self.helpdesk_team.id,
        }
        self.assertRefused(
            Ticket,
            "as_caller_number",
            lambda: Ticket.create({**vals, "as_caller_number": NUL}),
        )
        ticket = Ticket.create(vals)
        self.assertRefused(
            Ticket, "as_root_cause", lambda: ticket.write({"as_root_cause": "\x00"})
        )
        self.assertRefused(
            Ticket, "as_call_time", lambda: ticket.write({"as_call_time": "abc"})
        )

    def test_authorization_and_revisit(self):
        Authorization = self.env["after_sales.authorization"].with_user(self.as_manager)
        self.assertRefused(
            Authorization,
            "seats",
            lambda: Authorization.create(
                {
                    "partner_id": self.customer_a.id,
                    "product_id": self.licensed.id,
                    "seats": TOO_BIG,
                    "date_start": date(2026, 1, 1),
                }
            ),
        )
        auth = make_authorization(self.env, self.customer_a, self.licensed).with_user(
            self.as_manager
        )
        self.assertRefused(
            Authorization, "edition", lambda: auth.write({"edition": "专业\x00版"})
        )
        Revisit = self.env["after_sales.revisit"].with_user(self.as_staff)
        revisit = Revisit.create(
            {"partner_id": self.customer_b.id, "user_id": self.as_staff.id}
        )
        self.assertRefused(
            Revisit,
            "date_scheduled",
            lambda: revisit.write({"date_scheduled": "2026-02-30"}),
        )
        self.assertRefused(
            Revisit, "comment", lambda: revisit.write({"comment": "满意\x00"})
        )

    def test_contract_and_its_plan(self):
        Contract = self.env["contract.contract"].with_user(self.accountant)
        vals = {
            "name": "年度运维合同",
            "partner_id": self.customer_a.id,
            "contract_type": "sale",
        }
        self.assertRefused(
            Contract, "name", lambda: Contract.create({**vals, "name": "合同\x00"})
        )
        contract = Contract.create(
            {
                **vals,
                "line_recurrence": True,
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "name": "运维服务费",
                            "quantity": 1,
                            "price_unit": 10000.0,
                            "date_start": date(2026, 1, 1),
                        },
                    )
                ],
            }
        )
        self.assertRefused(
            Contract, "note", lambda: contract.write({"note": "备注\x00"})
        )
        line = contract.contract_line_ids
        self.assertRefused(line, "name", lambda: line.write({"name": "运维\x00"}))
        Instalment = self.env["key_account.instalment"].with_user(self.accountant)
        self.assertRefused(
            Instalment,
            "date",
            lambda: Instalment.create(
                {
                    "contract_id": contract.id,
                    "date": "2026-13-01",
                    "amount_type": "amount",
                    "amount": 1000,
                }
            ),
        )
