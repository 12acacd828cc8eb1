from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.key_account.lib.cn_format import amount_in_words
from odoo.addons.key_account.lib.input_check import check_input

from ..lib.access import check_system_fields, has_role, without_system_defaults

# Days before the end of a contract when its account manager is reminded,
# unless the after_sales.contract_reminder_days parameter says otherwise.
DEFAULT_REMINDER_DAYS = 30


class ContractContract(models.Model):
    _inherit = "contract.contract"

    as_grade_id = fields.Many2one(
        related="partner_id.commercial_partner_id.ka_grade_id",
        string="Customer Grade",
    )
    as_predecessor_id = fields.Many2one(
        "contract.contract",
        string="Renewal Of",
        ondelete="set null",
        index=True,
        copy=False,
        readonly=True,
    )
    as_successor_id = fields.Many2one(
        "contract.contract",
        string="Renewed By",
        ondelete="set null",
        index=True,
        copy=False,
        readonly=True,
    )
    as_expiry_reminded = fields.Boolean(
        string="Expiry Reminder Sent", readonly=True, copy=False
    )
    as_instalment_ids = fields.One2many(
        "key_account.instalment",
        "contract_id",
        string="Receivable Plan",
        copy=False,
    )

    def _as_system_fields(self):
        """The renewal links and the reminder flag, set by the renewal and
        the reminder cron; refused in a user's create and write."""
        return {"as_predecessor_id", "as_successor_id", "as_expiry_reminded"}

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        check_system_fields(self, vals_list, creating=True)
        return (
            super(ContractContract, without_system_defaults(self))
            .create(vals_list)
            .with_env(self.env)
        )

    def write(self, vals):
        check_input(self, [vals])
        check_system_fields(self, [vals])
        res = super().write(vals)
        if "user_id" in vals:
            # credits the responsible when the customer has no account
            # manager: the plan still to be invoiced follows
            self.env["key_account.instalment"]._as_move_open_contract_plans(self)
        return res

    def _as_salesperson(self):
        """Who a sales contract credits, in its invoices and in its receivable
        plan alike (the collections KPI compares the two): the customer's
        account manager, else the contract's responsible."""
        self.ensure_one()
        return self.partner_id.commercial_partner_id.user_id or self.user_id

    def _prepare_invoice(self, date_invoice, journal=None):
        vals = super()._prepare_invoice(date_invoice, journal=journal)
        salesperson = self.contract_type == "sale" and self._as_salesperson()
        if salesperson:
            vals["invoice_user_id"] = salesperson.id
        return vals

    def _as_summary_lines(self):
        """The lines a contract summary shows: not sections, not cancelled."""
        self.ensure_one()
        return self.contract_line_ids.filtered(
            lambda line: not line.display_type and not line.is_canceled
        )

    def _as_yearly_value(self):
        """Yearly value of the contract: 12 times its lines' monthly amount."""
        self.ensure_one()
        return 12 * sum(self._as_summary_lines().mapped("monthly_recurring"))

    def _as_yearly_value_in_words(self):
        return amount_in_words(self._as_yearly_value())

    def action_as_renew(self):
        if not has_role(self.env, "account.group_account_manager"):
            raise AccessError(
                self.env._("Only accounting managers can renew contracts.")
            )
        self.ensure_one()
        if self.as_successor_id:
            raise UserError(
                self.env._(
                    "Contract %(contract)s is already renewed.",
                    contract=self.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Renew Contract"),
            "res_model": "after_sales.contract.renew",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def action_as_view_successor(self):
        if not has_role(self.env, "account.group_account_invoice"):
            raise AccessError(self.env._("Only accounting users can open contracts."))
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "contract.contract",
            "res_id": self.as_successor_id.id,
            "view_mode": "form",
        }

    def _as_renew(self, date_start, date_end):
        """The successor contract: the same lines from ``date_start`` to
        ``date_end``; the live authorizations of the old lines are renewed
        on the new ones. Returns the successor."""
        self.ensure_one()
        if self.as_successor_id:
            raise UserError(
                self.env._(
                    "Contract %(contract)s is already renewed.",
                    contract=self.display_name,
                )
            )
        if not date_end or date_end < date_start:
            raise UserError(self.env._("The renewal must end after it starts."))
        successor = self.copy({"contract_line_ids": False, "date_start": date_start})
        Authorization = self.env["after_sales.authorization"].sudo()
        by_line = Authorization.search(
            [
                ("contract_line_id", "in", self.contract_line_ids.ids),
                ("state", "in", ("active", "expired")),
                ("date_end", "!=", False),
            ]
        ).grouped("contract_line_id")
        for line in self.contract_line_ids:
            new_line = line.copy(
                {
                    "contract_id": successor.id,
                    "date_start": date_start,
                    "date_end": date_end,
                    "recurring_next_date": line.get_next_invoice_date(
                        date_start,
                        line.recurring_invoicing_type,
                        line.recurring_invoicing_offset,
                        line.recurring_rule_type,
                        line.recurring_interval,
                        max_date_end=date_end,
                    ),
                }
            )
            authorizations = by_line.get(line, Authorization)
            if authorizations:
                authorizations._renew(date_end=date_end).write(
                    {"contract_line_id": new_line.id}
                )
        # the renewal links are the system's (the caller checked the role)
        successor.sudo().as_predecessor_id = self
        self.sudo().as_successor_id = successor
        self.message_post(
            body=self.env._("Renewed by %(contract)s.", contract=successor.display_name)
        )
        return successor

    @api.model
    def _as_remind_expiry(self, company, today):
        """The nightly step of ``company``: remind the account managers of
        its contracts ending within the configured number of days of its
        business day ``today``, once per contract (``as_expiry_reminded``).
        Returns the contracts reminded."""
        param = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("after_sales.contract_reminder_days")
        )
        try:
            days = int(param) if param else DEFAULT_REMINDER_DAYS
        except ValueError:
            days = DEFAULT_REMINDER_DAYS
        # N working days (default) or calendar days before the end
        horizon = company._ka_shift_days(
            today,
            days,
            company._ka_working_days_param(
                "after_sales.contract_reminder_calendar_days"
            ),
        )
        contracts = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("as_expiry_reminded", "=", False),
                ("as_successor_id", "=", False),
                ("date_end", "!=", False),
                ("date_end", ">=", today),
                ("date_end", "<=", horizon),
            ]
        )
        if not contracts:
            return 0
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        activities = []
        for contract in contracts:
            user = contract.partner_id.commercial_partner_id.user_id or contract.user_id
            if not user:
                continue
            activities.append(
                {
                    "res_model_id": model_id,
                    "res_id": contract.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "summary": self.env._("Contract expires soon"),
                    "note": self.env._(
                        "Contract %(contract)s of %(customer)s ends on %(date)s.",
                        contract=contract.display_name,
                        customer=contract.partner_id.display_name,
                        date=contract.date_end,
                    ),
                    "date_deadline": contract.date_end,
                    "automated": True,
                }
            )
        contracts.write({"as_expiry_reminded": True})
        if activities:
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(activities)
        return len(contracts)
