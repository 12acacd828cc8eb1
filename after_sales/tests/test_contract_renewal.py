from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import AfterSalesCommon, make_authorization


@tagged("post_install", "-at_install")
class TestContractRenewal(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.env.company._ka_today()
        cls.accountant = new_test_user(
            cls.env,
            login="as_contract_accountant",
            name="合同会计",
            groups="account.group_account_manager",
        )
        cls.customer_a.ka_grade_id = cls.grade_a

    def _contract(self, days_left, partner=None):
        return self.env["contract.contract"].create(
            {
                "name": "软件维护合同",
                "partner_id": (partner or self.customer_a).id,
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
                            "date_end": self.today + timedelta(days=days_left),
                        },
                    )
                ],
            }
        )

    def _activities(self, contract):
        return self.env["mail.activity"].search(
            [("res_model", "=", "contract.contract"), ("res_id", "=", contract.id)]
        )

    def test_grade_shown(self):
        self.assertEqual(self._contract(100).as_grade_id, self.grade_a)

    def test_expiry_reminder_once(self):
        soon = self._contract(10)
        later = self._contract(60)
        Contract = self.env["contract.contract"]
        self.assertEqual(Contract._as_remind_expiry(self.env.company, self.today), 1)
        activity = self._activities(soon)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.sales_a)
        self.assertTrue(soon.as_expiry_reminded)
        self.assertFalse(self._activities(later))
        self.assertEqual(Contract._as_remind_expiry(self.env.company, self.today), 0)
        self.assertEqual(len(self._activities(soon)), 1)
        self.env["ir.config_parameter"].sudo().set_param(
            "after_sales.contract_reminder_days", "90"
        )
        self.assertEqual(Contract._as_remind_expiry(self.env.company, self.today), 1)
        self.assertEqual(len(self._activities(later)), 1)
        self.assertEqual(len(self._activities(soon)), 1)

    def test_renewal(self):
        contract = self._contract(20)
        line = contract.contract_line_ids
        auth = make_authorization(
            self.env,
            self.customer_a,
            self.licensed,
            days_left=20,
            contract_line_id=line.id,
        )
        action = contract.with_user(self.accountant).action_as_renew()
        wizard_form = Form(
            self.env[action["res_model"]]
            .with_user(self.accountant)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard_form.date_start, line.date_end + timedelta(days=1))
        new_end = line.date_end + timedelta(days=365)
        wizard_form.date_end = new_end
        wizard = wizard_form.save()
        result = wizard.action_renew()
        successor = self.env["contract.contract"].browse(result["res_id"])
        self.assertEqual(contract.as_successor_id, successor)
        self.assertEqual(successor.as_predecessor_id, contract)
        self.assertEqual(successor.partner_id, self.customer_a)
        new_line = successor.contract_line_ids
        self.assertEqual(len(new_line), 1)
        self.assertEqual(new_line.product_id, self.licensed)
        self.assertEqual(new_line.price_unit, 10000)
        self.assertEqual(new_line.date_start, line.date_end + timedelta(days=1))
        self.assertEqual(new_line.date_end, new_end)
        # The old line is untouched, its authorization renewed on the new one.
        self.assertEqual(line.date_end, self.today + timedelta(days=20))
        self.assertEqual(auth.state, "revoked")
        renewed = auth.replaced_by_id
        self.assertEqual(renewed.state, "active")
        self.assertEqual(renewed.date_end, new_end)
        self.assertEqual(renewed.contract_line_id, new_line)
        # Renewed once only.
        with self.assertRaises(UserError):
            contract.with_user(self.accountant).action_as_renew()
        with self.assertRaises(UserError):
            contract._as_renew(new_line.date_start, new_end)
