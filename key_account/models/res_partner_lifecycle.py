from odoo import api, fields, models
from odoo.exceptions import AccessError

# the statuses a win-back activity is for
WIN_BACK_STATUSES = ("dormant", "lost")


class ResPartner(models.Model):
    """The customer's life (客户生命周期): its status is set by the nightly
    lifecycle rules, or by hand through the status wizard only."""

    _inherit = "res.partner"

    ka_status_date = fields.Date(
        string="Status Since", readonly=True, copy=False, index=True
    )
    ka_churn_reason_id = fields.Many2one(
        "key_account.churn.reason",
        string="Churn Reason",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    ka_churn_competitor_id = fields.Many2one(
        "res.partner",
        string="Lost to Competitor",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="流失方向: the competitor the customer went to.",
    )
    ka_status_history_ids = fields.One2many(
        "key_account.status.history",
        "partner_id",
        string="Status History",
        readonly=True,
    )
    ka_p_purchase_90d = fields.Float(
        string="Chance of a Purchase in 90 Days",
        related="ka_figures_id.ka_p_purchase_90d",
        digits=(3, 3),
        help="BG/NBD: the probability that the customer is alive and buys at least "
        "once in the next 90 days.",
    )

    @api.model
    def _ka_system_fields(self):
        return super()._ka_system_fields() | {
            "ka_status",
            "ka_status_date",
            "ka_churn_reason_id",
            "ka_churn_competitor_id",
        }

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # the web client sends the default status back: not a change
            default = self._fields["ka_status"].default
            for vals in vals_list:
                if vals.get("ka_status") == (default and default(self)):
                    vals.pop("ka_status")
        return super().create(vals_list)

    def _ka_check_status_change(self):
        """Key-account managers change any customer's status by hand, the
        account manager those of their own customers."""
        if self.env.su or self.env.user.has_group(
            "key_account.key_account_group_manager"
        ):
            return
        if not self.env.user.has_group("key_account.key_account_group_user"):
            raise AccessError(
                self.env._("Only salespeople and managers can change a status.")
            )
        foreign = self.sudo().filtered(lambda p: p.user_id != self.env.user)
        if foreign:
            raise AccessError(
                self.env._(
                    "Only the account manager or a key-account manager can change "
                    "the status of %(names)s.",
                    names=", ".join(foreign.mapped("display_name")),
                )
            )

    def action_ka_change_status(self):
        """The button of the customer form and list: the status wizard."""
        self._ka_check_status_change()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Status"),
            "res_model": "key_account.status.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.ids},
        }

    def action_ka_win_back(self):
        """挽回: a win-back activity for the account manager of each selected
        dormant or lost customer, unless one is open already. One query for
        the open ones, one batch of activities."""
        if not self.env.user.has_group("key_account.key_account_group_user"):
            raise AccessError(
                self.env._("Only salespeople and managers can plan win-backs.")
            )
        self.check_access("read")
        activity_type = self.env.ref("key_account.mail_activity_type_win_back")
        customers = self.sudo().filtered(
            lambda p: (
                p.ka_status in WIN_BACK_STATUSES
                and p.user_id
                and (
                    p.ka_status != "lost"
                    or not p.ka_churn_reason_id
                    or p.ka_churn_reason_id.win_back
                )
            )
        )
        Activity = self.env["mail.activity"].sudo()
        open_ids = {
            res_id
            for [res_id] in Activity._read_group(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", customers.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id"],
            )
        }
        todo = customers.filtered(lambda p: p.id not in open_ids)
        model_id = self.env["ir.model"]._get_id("res.partner")
        today = self.env.company._ka_today()
        summary = self.env._("Win back this customer")
        Activity.with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "user_id": partner.user_id.id,
                    "summary": summary,
                    "date_deadline": today,
                }
                for partner in todo
            ]
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if todo else "warning",
                "title": self.env._("Win-back"),
                "message": self.env._(
                    "%(new)s win-back activities created, %(skipped)s customers "
                    "skipped (not dormant or lost, without account manager, closed "
                    "down, or with an open win-back activity).",
                    new=len(todo),
                    skipped=len(self) - len(todo),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
