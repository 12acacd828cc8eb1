from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import ApprovalCommon


@tagged("post_install", "-at_install")
class TestContractApproval(ApprovalCommon):
    """合同审批: a sales contract is a draft that makes no invoice until the
    team leader of the customer's team approves it; then it runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="ka_contract_accountant",
            name="会计己",
            groups="account.group_account_manager",
        )
        cls.leader_west = new_test_user(
            cls.env,
            login="ka_leader_w",
            name="主管庚",
            groups="key_account.key_account_group_leader",
        )
        cls.env["crm.team.member"].create(
            {"user_id": cls.leader_west.id, "crm_team_id": cls.team_west.id}
        )
        cls.today = cls.env.company._ka_today()
        cls.contract_type = cls.env.ref(
            "key_account_approval.mail_activity_type_contract_approval"
        )

    def _contract(self, partner, contract_type="sale"):
        return (
            self.env["contract.contract"]
            .with_user(self.accountant)
            .create(
                {
                    "name": "年度服务合同",
                    "partner_id": partner.id,
                    "contract_type": contract_type,
                    "line_recurrence": True,
                    "contract_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product.id,
                                "name": "服务费",
                                "quantity": 1,
                                "price_unit": 12000.0,
                                "recurring_rule_type": "monthly",
                                "recurring_interval": 1,
                                "date_start": self.today - timedelta(days=10),
                            },
                        )
                    ],
                }
            )
        )

    def _activities(self, contract):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "contract.contract"),
                ("res_id", "=", contract.id),
                ("activity_type_id", "=", self.contract_type.id),
            ]
        )

    def _cron_invoices(self, contract):
        self.env["contract.contract"].cron_recurring_create_invoice(self.today)
        return contract._get_related_invoices()

    def test_created_running_is_refused(self):
        """A user cannot create a contract already running, past its
        approval (a value or a context default over RPC)."""
        Contract = self.env["contract.contract"].with_user(self.accountant)
        vals = {"name": "绕过审批", "partner_id": self.customer_a.id}
        with self.assertRaises(AccessError):
            Contract.create(dict(vals, ka_state="running"))
        contract = Contract.with_context(default_ka_state="running").create(vals)
        self.assertEqual(contract.ka_state, "draft")
        # the draft the form sends back is accepted
        self.assertEqual(
            Contract.create(dict(vals, ka_state="draft")).ka_state, "draft"
        )

    def test_install_keeps_existing_contracts_running(self):
        """Contracts that exist when the module is installed keep running:
        the install hook runs the drafts the new column gave them."""
        from ..hooks import post_init_hook

        contract = self._contract(self.customer_a)
        self.assertEqual(contract.ka_state, "draft")
        post_init_hook(self.env)
        self.assertEqual(contract.ka_state, "running")

    def test_request_approve_runs(self):
        contract = self._contract(self.customer_a)
        self.assertEqual(contract.ka_state, "draft")
        self.assertTrue(contract.need_validation)
        # a draft makes no invoice: neither the button nor the cron
        with self.assertRaises(UserError):
            contract.recurring_create_invoice()
        self.assertFalse(self._cron_invoices(contract))
        # nor can its state be written past the approval
        with self.assertRaises(ValidationError):
            contract.with_user(self.accountant).write({"ka_state": "running"})
        self.assertEqual(contract.ka_state, "draft")

        contract.with_user(self.accountant).request_validation()
        self.assertEqual(contract.validation_status, "pending")
        self.assertEqual(contract.review_ids.reviewer_ids, self.leader)
        activity = self._activities(contract)
        self.assertEqual(activity.user_id, self.leader)
        self.assertIn(contract.name, activity.summary)

        # the leader opens the contract from the activity and approves it
        mine = contract.with_user(self.leader)
        self.assertEqual(mine.read(["name"])[0]["name"], "年度服务合同")
        # the whole contract form opens for the leader
        form = Form(mine)
        self.assertEqual(form.ka_state, "draft")
        self.assertTrue(mine.can_review)
        mine.validate_tier()
        self.assertEqual(contract.validation_status, "validated")
        self.assertEqual(contract.ka_state, "running")
        self.assertFalse(self._activities(contract))
        self.assertTrue(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "contract.contract"),
                    ("res_id", "=", contract.id),
                    ("mail_activity_type_id", "=", self.contract_type.id),
                ]
            ),
            "the activity is marked done, in the chatter",
        )
        invoices = self._cron_invoices(contract)
        self.assertEqual(len(invoices), 1)
        self.assertEqual(invoices.amount_untaxed, 12000.0)

    def test_leader_not_a_member_of_the_team_approves(self):
        """A team leader who is not among the team's members gets the review
        and can open and approve the contract."""
        leader = new_test_user(
            self.env,
            login="ka_leader_only",
            name="主管辛",
            groups="key_account.key_account_group_leader",
        )
        self.team_west.user_id = leader
        self.assertNotIn(leader, self.team_west.member_ids)
        contract = self._contract(self.customer_west)
        contract.with_user(self.accountant).request_validation()
        self.assertEqual(contract.review_ids.reviewer_ids, leader)
        mine = contract.with_user(leader)
        self.assertEqual(mine.read(["name"])[0]["name"], "年度服务合同")
        self.assertTrue(mine.contract_line_ids.read(["name"]))
        mine.validate_tier()
        self.assertEqual(contract.ka_state, "running")

    def test_rejected_stays_draft(self):
        contract = self._contract(self.customer_a)
        contract.with_user(self.accountant).request_validation()
        contract.with_user(self.leader).reject_tier()
        self.assertEqual(contract.validation_status, "rejected")
        self.assertEqual(contract.ka_state, "draft")
        self.assertFalse(self._activities(contract))
        with self.assertRaises(ValidationError):
            contract.with_user(self.accountant).write({"ka_state": "running"})
        with self.assertRaises(UserError):
            contract.recurring_create_invoice()
        self.assertFalse(self._cron_invoices(contract))

    def test_customer_without_team_leader_goes_to_the_managers(self):
        contract = self._contract(self.customer_west)
        contract.with_user(self.accountant).request_validation()
        self.assertIn(self.manager, contract.review_ids.reviewer_ids)
        self.assertNotIn(self.leader, contract.review_ids.reviewer_ids)
        contract.with_user(self.manager).validate_tier()
        self.assertEqual(contract.ka_state, "running")

    def test_purchase_contract_runs_at_once(self):
        supplier = self.env["res.partner"].create(
            {"name": "供应商甲", "is_company": True}
        )
        contract = self._contract(supplier, contract_type="purchase")
        self.assertEqual(contract.ka_state, "running")
        self.assertFalse(contract.review_ids)

    def test_who_sees_and_approves(self):
        contract = self._contract(self.customer_a)
        contract.with_user(self.accountant).request_validation()
        # a salesperson, the account manager included, has no contract access
        with self.assertRaises(AccessError):
            contract.with_user(self.sales_a).read(["name"])
        # the leader of another team neither sees nor approves it
        with self.assertRaises(AccessError):
            contract.with_user(self.leader_west).read(["name"])
        # a reviewer's decision cannot be forged by someone else
        with self.assertRaises(AccessError):
            contract.review_ids.with_user(self.accountant).write({"status": "approved"})
        contract.with_user(self.accountant).validate_tier()
        self.assertEqual(contract.validation_status, "pending")
        self.assertEqual(contract.ka_state, "draft")
        # the team leader reads the contracts of the team's customers only
        west = self._contract(self.customer_west)
        visible = (
            self.env["contract.contract"]
            .with_user(self.leader)
            .search([("id", "in", (contract | west).ids)])
        )
        self.assertEqual(visible, contract)
