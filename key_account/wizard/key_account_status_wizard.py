from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class KeyAccountStatusWizard(models.TransientModel):
    """Change Status: the one way a user changes a customer's lifecycle
    status (lost with its churn reason and 流失方向, invalid, or back to the
    status the lifecycle rules give)."""

    _name = "key_account.status.wizard"
    _description = "Change Customer Status"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        domain=[("is_company", "=", True)],
    )
    new_status = fields.Selection(
        [
            ("lost", "Lost"),
            ("invalid", "Invalid"),
            ("rules", "Back to the Lifecycle Rules"),
        ],
        required=True,
        default="lost",
    )
    reason_id = fields.Many2one(
        "key_account.churn.reason", string="Churn Reason", ondelete="cascade"
    )
    ask_competitor = fields.Boolean(related="reason_id.ask_competitor")
    competitor_id = fields.Many2one(
        "res.partner",
        string="Lost to Competitor",
        ondelete="cascade",
        domain=[("ka_customer_type", "=", "competitor")],
    )
    note = fields.Char()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if not values.get("partner_ids") and self.env.context.get("active_model") == (
            "res.partner"
        ):
            values["partner_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def _check_input(self):
        if self.new_status != "lost":
            return
        if not self.reason_id:
            raise UserError(self.env._("Choose why the customer was lost."))
        if self.reason_id.ask_competitor and not self.competitor_id:
            raise UserError(self.env._("Choose the competitor the customer went to."))
        if self.competitor_id and self.competitor_id.ka_customer_type != "competitor":
            raise UserError(
                self.env._(
                    "%(name)s is not a competitor (customer type).",
                    name=self.competitor_id.display_name,
                )
            )

    def action_confirm(self):
        self.ensure_one()
        partners = self.partner_ids
        if not partners:
            raise UserError(self.env._("Choose the customers whose status changes."))
        partners._ka_check_status_change()
        # a status belongs to a customer (a company), never to a contact
        contacts = partners.sudo().filtered(lambda p: not p.is_company or p.parent_id)
        if contacts:
            raise UserError(
                self.env._(
                    "Only customers (companies) have a status: %(names)s.",
                    names=", ".join(contacts.mapped("display_name")),
                )
            )
        self._check_input()
        History = self.env["key_account.status.history"].sudo()
        if self.new_status == "rules":
            companies = partners.sudo().mapped(
                lambda p: p.company_id or self.env["res.company"]._ka_main_company()
            )
            for company in companies:
                History._apply_rules(
                    company, company._ka_today(), partners.ids, reopen=True
                )
            return {"type": "ir.actions.act_window_close"}
        changed = partners.sudo().filtered(
            lambda p: (
                p.ka_status != self.new_status
                or (
                    self.new_status == "lost" and p.ka_churn_reason_id != self.reason_id
                )
            )
        )
        if not changed:
            return {"type": "ir.actions.act_window_close"}
        main = self.env["res.company"]._ka_main_company()
        lost = self.new_status == "lost"
        History.create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": (partner.company_id or main).id,
                    "old_status": partner.ka_status,
                    "new_status": self.new_status,
                    "source": "user",
                    "user_id": self.env.uid,
                    "reason_id": lost and self.reason_id.id,
                    "competitor_id": lost and self.competitor_id.id,
                    "note": self.note,
                    "effective_date": (partner.company_id or main)._ka_today(),
                    "manager_id": partner.user_id.id,
                    "team_id": partner.team_id.id,
                    "grade_id": partner.ka_grade_id.id,
                    "industry_id": partner.industry_id.id,
                    "state_id": partner.state_id.id,
                }
                for partner in changed
            ]
        )
        # each customer's business day, as its history's effective date
        for company in changed.mapped(lambda p: p.company_id or main):
            changed.filtered(lambda p, c=company: (p.company_id or main) == c).write(
                {
                    "ka_status": self.new_status,
                    "ka_status_date": company._ka_today(),
                    "ka_churn_reason_id": lost and self.reason_id.id,
                    "ka_churn_competitor_id": lost and self.competitor_id.id,
                }
            )
        if lost:
            why = self.reason_id.name
            if self.competitor_id:
                why = f"{why} → {self.competitor_id.name}"
            if self.note:
                why = f"{why}: {self.note}"
            body = Markup("<p>%s</p>") % self.env._("Churn reason: %(why)s", why=why)
            changed._message_log_batch(dict.fromkeys(changed.ids, body))
        return {"type": "ir.actions.act_window_close"}
