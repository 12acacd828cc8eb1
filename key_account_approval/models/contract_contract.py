from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from odoo.addons.key_account.lib.system_fields import check_system_fields


class ContractContract(models.Model):
    """Contracts need approval before they start (合同审批): a new sales
    contract is a draft until its reviewers approve it (OCA tier validation:
    the team leader of the customer's team, else the key-account managers);
    then it runs. Only a running contract makes invoices. A contract no tier
    definition applies to (purchase contracts, definitions archived) runs from
    its creation."""

    _name = "contract.contract"
    _inherit = ["contract.contract", "tier.validation", "key_account.approval.mixin"]

    _state_field = "ka_state"
    _state_from = ["draft"]
    _state_to = ["running"]
    _tier_validation_manual_config = False

    ka_state = fields.Selection(
        [("draft", "Draft"), ("running", "Running")],
        string="Contract Status",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="A sales contract starts (and makes invoices) once approved.",
    )
    ka_team_leader_id = fields.Many2one(
        "res.users",
        string="Customer's Team Leader",
        related="partner_id.commercial_partner_id.team_id.user_id",
        help="The reviewer of the contract.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # a user's contract starts as a draft: only its approval runs it
        check_system_fields(
            self, {"ka_state"}, vals_list, creating=True, defaults={"ka_state": "draft"}
        )
        records = self
        if not self.env.su and self.env.context.get("default_ka_state") not in (
            None,
            "draft",
        ):
            records = self.with_context(default_ka_state="draft")
        contracts = super(ContractContract, records).create(vals_list)
        free = contracts.filtered(lambda c: c.ka_state == "draft") - (
            contracts._ka_needing_approval()
        )
        if free:
            free.sudo().with_context(skip_validation_check=True).write(
                {"ka_state": "running"}
            )
        return contracts.with_env(self.env)

    def _ka_needing_approval(self):
        """The contracts of ``self`` an active tier definition applies to
        (one search of the definitions, one filter per definition)."""
        definitions = (
            self.env["tier.definition"].sudo().search([("model", "=", self._name)])
        )
        needing = self.browse()
        for definition in definitions:
            scope = self.filtered(
                lambda c, d=definition: not d.company_id or c.company_id == d.company_id
            )
            needing |= scope.evaluate_tier(definition)
        return needing

    @api.depends("ka_state")
    def _compute_create_invoice_visibility(self):
        res = super()._compute_create_invoice_visibility()
        for contract in self.filtered(lambda c: c.ka_state != "running"):
            contract.create_invoice_visibility = False
        return res

    def _get_tier_validation_readonly_domain(self):
        # read only while it waits for its reviewers; a running contract is
        # edited as before (its invoicing, renewals)
        return "ka_state == 'draft' and validation_status in ('waiting', 'pending')"

    @api.model
    def _get_under_validation_exceptions(self):
        # what the system writes on a contract waiting for its reviewers
        # (after_sales' renewal links and expiry reminder flag)
        return super()._get_under_validation_exceptions() + list(
            self._as_system_fields()
        )

    def _tier_validation_check_write_allowed(self, vals):
        # the system's own writes (after_sales' renewal links and expiry
        # reminder flag) are allowed in every state: no look-up per contract
        if set(vals) <= self._as_system_fields():
            return
        return super()._tier_validation_check_write_allowed(vals)

    # ------------------------------------------------------------------
    # only running contracts make invoices
    # ------------------------------------------------------------------
    def _get_contracts_to_invoice_domain(self, date_ref=None):
        return expression.AND(
            [
                super()._get_contracts_to_invoice_domain(date_ref),
                [("ka_state", "=", "running")],
            ]
        )

    def _recurring_create_invoice(self, date_ref=False):
        draft = self.filtered(lambda c: c.ka_state != "running")
        if draft:
            raise UserError(
                self.env._(
                    "Contract %(contracts)s is not approved yet: it makes no "
                    "invoice before its approval.",
                    contracts=", ".join(draft.mapped("display_name")),
                )
            )
        return super()._recurring_create_invoice(date_ref)

    # ------------------------------------------------------------------
    # the reviewers' activities; approved, the contract runs
    # ------------------------------------------------------------------
    def _ka_approval_activity_type(self):
        return self.env.ref("key_account_approval.mail_activity_type_contract_approval")

    def _ka_approval_summary(self):
        return self.env._("Approve contract %(name)s", name=self.display_name)

    def _ka_approval_note(self):
        return self.env._(
            "Customer %(customer)s, from %(start)s",
            customer=self.partner_id.commercial_partner_id.display_name,
            start=self.date_start,
        )

    def _notify_review_requested(self, tier_reviews):
        res = super()._notify_review_requested(tier_reviews)
        self._ka_schedule_approval_activities(tier_reviews)
        return res

    def _validate_tier(self, tiers=False):
        res = super()._validate_tier(tiers)
        self._ka_close_approval_activities(self.env._("Approved"))
        approved = self.filtered(
            lambda c: c.ka_state == "draft" and c.validation_status == "validated"
        )
        if approved:
            # the reviewer's approval starts the contract (the reviewer may
            # have no right to write contracts: the state is the system's)
            approved.sudo().write({"ka_state": "running"})
        return res

    def _rejected_tier(self, tiers=False):
        res = super()._rejected_tier(tiers)
        self._ka_close_approval_activities(self.env._("Rejected"))
        return res
