from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.key_account.lib import phone as ka_phone

from ..lib.access import STAFF, has_role


class AfterSalesPhoneIntake(models.TransientModel):
    """The call centre's form: the agent types the caller's number, sees who
    calls (grade, account manager, open tickets, authorizations, contracts)
    and opens a phone ticket with the number and the call time filled in."""

    _name = "after_sales.phone.intake"
    _inherit = ["key_account.input.mixin"]
    _description = "Phone Intake"
    _order = "id desc"

    caller_number = fields.Char(required=True)
    call_time = fields.Datetime(required=True, default=fields.Datetime.now)
    match_ids = fields.Many2many(
        "res.partner",
        string="Matching Customers",
        compute="_compute_match_ids",
        help="Companies and contacts whose phone or mobile is the caller number.",
    )
    match_count = fields.Integer(compute="_compute_match_ids")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        ondelete="set null",
        help="Found from the caller number; pick or create the customer when "
        "the number is unknown.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Company"
    )
    grade_id = fields.Many2one(
        related="partner_id.commercial_partner_id.ka_grade_id",
        string="Customer Grade",
    )
    account_manager_id = fields.Many2one(
        related="partner_id.commercial_partner_id.user_id", string="Account Manager"
    )
    open_ticket_ids = fields.Many2many(
        "helpdesk.ticket", string="Open Tickets", compute="_compute_customer_records"
    )
    authorization_ids = fields.Many2many(
        "after_sales.authorization",
        string="Active Authorizations",
        compute="_compute_customer_records",
    )
    contract_summary = fields.Text(
        string="Running Contracts", compute="_compute_customer_records"
    )
    name = fields.Char(string="Subject")
    description = fields.Html()
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        ondelete="set null",
        default=lambda self: self.env.user.helpdesk_team_ids[:1],
    )
    category_id = fields.Many2one("helpdesk.ticket.category", ondelete="set null")
    product_id = fields.Many2one("product.product", ondelete="set null")
    authorization_id = fields.Many2one(
        "after_sales.authorization",
        ondelete="set null",
        domain="[('partner_id', '=', commercial_partner_id)]",
    )

    @api.model
    def _caller_region(self):
        """The country whose rules a number typed without country code
        follows: our company's (China for a Chinese company)."""
        return self.env.company.country_id.code or None

    @api.model
    def _find_callers(self, number):
        """The customers (key_account's definition, of any company) and their
        contacts whose phone or mobile is ``number``, however it is typed:
        one search on the stored, indexed normalised numbers."""
        key = ka_phone.normalize(number, self._caller_region())
        if not key:
            return self.env["res.partner"]
        Partner = self.env["res.partner"]
        return Partner.search(
            Partner._ka_phone_domain(key)
            + [
                (
                    "commercial_partner_id",
                    "any",
                    self.env["key_account.measure"]._customer_domain(),
                )
            ]
        )

    @api.depends("caller_number")
    def _compute_match_ids(self):
        for intake in self:
            matches = self._find_callers(intake.caller_number)
            intake.match_ids = matches
            intake.match_count = len(matches)

    @api.depends("caller_number")
    def _compute_partner_id(self):
        for intake in self:
            matches = self._find_callers(intake.caller_number)
            # the caller is known when every match is of one company; the
            # person (contact) who calls is preferred to the company
            if matches and len(matches.commercial_partner_id) == 1:
                contacts = matches.filtered(lambda p: not p.is_company)
                intake.partner_id = contacts[:1] or matches[:1]
            else:
                intake.partner_id = False

    @api.depends("partner_id")
    def _compute_customer_records(self):
        Ticket = self.env["helpdesk.ticket"]
        Authorization = self.env["after_sales.authorization"]
        # Contracts are accounting records: the agent sees a summary of them
        # (of the companies the agent works in).
        Contract = self.env["contract.contract"].sudo()
        customers = self.partner_id.commercial_partner_id
        today = self.env.company._ka_today()
        tickets = Ticket.browse()
        if customers and Ticket.has_access("read"):
            tickets = Ticket.search(
                [
                    ("commercial_partner_id", "in", customers.ids),
                    ("stage_id.closed", "=", False),
                ]
            )
        auths = Authorization.browse()
        if customers and Authorization.has_access("read"):
            auths = Authorization.search(
                [("partner_id", "in", customers.ids), ("state", "=", "active")]
            )
        contracts = Contract.browse()
        if customers:
            contracts = Contract.search(
                [
                    ("commercial_partner_id", "in", customers.ids),
                    # sudo skips contract's company rule: the user's companies
                    ("company_id", "in", self.env.companies.ids),
                    ("contract_type", "=", "sale"),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", today),
                ]
            )
        for intake in self:
            customer = intake.partner_id.commercial_partner_id
            intake.open_ticket_ids = tickets.filtered(
                lambda t, c=customer: t.commercial_partner_id == c
            )
            intake.authorization_ids = auths.filtered(
                lambda a, c=customer: a.partner_id == c
            )
            intake.contract_summary = (
                "\n".join(
                    self.env._(
                        "%(contract)s: %(start)s to %(end)s",
                        contract=contract.display_name,
                        start=contract.date_start or "",
                        end=contract.date_end or self.env._("open-ended"),
                    )
                    for contract in contracts
                    if contract.commercial_partner_id == customer
                )
                or False
            )

    def _ticket_values(self):
        self.ensure_one()
        description = self.description or Markup("<p>%s</p>") % escape(
            self.env._("Phone call from %(number)s.", number=self.caller_number or "")
        )
        vals = {
            "name": self.name
            or self.env._("Phone call from %(number)s", number=self.caller_number),
            "description": description,
            "partner_id": self.partner_id.id,
            "team_id": self.team_id.id,
            "category_id": self.category_id.id,
            "as_product_id": self.product_id.id,
            "as_authorization_id": self.authorization_id.id,
            "as_channel": "phone",
            "as_caller_number": self.caller_number,
            "as_call_time": self.call_time,
        }
        if not self.team_id:
            # a ticket without a team is nobody's: the agent keeps it
            vals["user_id"] = self.env.uid
        return vals

    def _as_check_agent(self):
        if not has_role(self.env, STAFF):
            raise AccessError(
                self.env._("Only after-sales staff can take phone calls.")
            )

    def action_create_ticket(self):
        self._as_check_agent()
        self.ensure_one()
        if not ka_phone.normalize(self.caller_number, self._caller_region()):
            raise UserError(
                self.env._(
                    "%(number)s is not a phone number.", number=self.caller_number
                )
            )
        ticket = self.env["helpdesk.ticket"].create(self._ticket_values())
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": ticket.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_new_call(self):
        self._as_check_agent()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "target": "current",
        }
