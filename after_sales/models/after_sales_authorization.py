import base64
from datetime import timedelta

import pytz
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.key_account.lib.cn_format import amount_in_words
from odoo.addons.key_account.lib.input_check import check_input

from ..lib import licence
from ..lib.access import (
    MANAGER,
    check_key_reader,
    check_system_fields,
    has_role,
    without_system_defaults,
)

STATES = [
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("expired", "Expired"),
    ("revoked", "Revoked"),
]


class AfterSalesAuthorization(models.Model):
    _name = "after_sales.authorization"
    _description = "Authorization Key"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _rec_name = "key"
    _check_company_auto = True

    key = fields.Char(
        string="Authorization Key",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: licence.generate_key(),
        help="160 random bits in base32, grouped by four for reading aloud.",
    )
    key_hash = fields.Char(
        compute="_compute_key_hash",
        store=True,
        index=True,
        copy=False,
        help="SHA-256 of the normalised key, used to look keys up.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
        ondelete="restrict",
    )
    user_id = fields.Many2one(
        related="partner_id.user_id", string="Account Manager", store=True
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    edition = fields.Char()
    seats = fields.Integer(required=True, default=1, tracking=True)
    date_start = fields.Date(
        string="Start Date",
        required=True,
        default=lambda self: self.env.company._ka_today(),
    )
    date_end = fields.Date(
        string="Expiry Date",
        tracking=True,
        help="Empty for a perpetual licence.",
    )
    issued_at = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, copy=False
    )
    state = fields.Selection(
        STATES,
        string="Status",
        required=True,
        default="active",
        tracking=True,
        index=True,
        copy=False,
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sales Order Line",
        index=True,
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    order_id = fields.Many2one(
        related="sale_line_id.order_id", string="Sales Order", store=True, index=True
    )
    contract_line_id = fields.Many2one(
        "contract.line",
        index=True,
        check_company=True,
        ondelete="set null",
    )
    previous_id = fields.Many2one(
        "after_sales.authorization",
        string="Replaces",
        readonly=True,
        copy=False,
        index=True,
        ondelete="set null",
    )
    replaced_by_id = fields.Many2one(
        "after_sales.authorization",
        readonly=True,
        copy=False,
        index=True,
        ondelete="set null",
    )
    reminder_date = fields.Date(
        string="Reminder Sent On",
        readonly=True,
        copy=False,
        help="The expiry reminder is sent once per authorization.",
    )

    _sql_constraints = [
        ("key_unique", "UNIQUE(key)", "The authorization key must be unique."),
        (
            "key_hash_unique",
            "UNIQUE(key_hash)",
            "The authorization key must be unique.",
        ),
        (
            "seats_positive",
            "CHECK(seats > 0)",
            "An authorization has at least one seat.",
        ),
        (
            "dates_ordered",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "The expiry date cannot be before the start date.",
        ),
    ]

    def init(self):
        # One live (non-revoked) authorization per sales order line.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS after_sales_authorization_sale_line_live
                ON after_sales_authorization (sale_line_id)
             WHERE sale_line_id IS NOT NULL AND state != 'revoked'
            """
        )

    @api.depends("key")
    def _compute_key_hash(self):
        for auth in self:
            auth.key_hash = auth.key and licence.key_hash(auth.key)

    def _compute_access_url(self):
        for auth in self:
            auth.access_url = f"/my/authorizations/{auth.id}"

    @api.depends("key", "product_id")
    def _compute_display_name(self):
        for auth in self:
            auth.display_name = f"{auth.product_id.display_name or ''} {auth.key or ''}"

    def _as_system_fields(self):
        """Fields only the system sets (the key, its hash and issue time, the
        state the buttons change, the order line, the links of a renewal and
        the reminder): refused in a user's create and write."""
        return {
            "key",
            "key_hash",
            "issued_at",
            "state",
            "sale_line_id",
            "previous_id",
            "replaced_by_id",
            "reminder_date",
        }

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        check_system_fields(
            self, vals_list, creating=True, defaults={"state": "active"}
        )
        for vals in vals_list:
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
        return (
            super(AfterSalesAuthorization, without_system_defaults(self))
            .create(vals_list)
            .with_env(self.env)
        )

    def write(self, vals):
        check_input(self, [vals])
        check_system_fields(self, [vals])
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        return super().write(vals)

    # ------------------------------------------------------------------ actions

    def _as_check_manager(self):
        """Buttons that change keys: after-sales managers only, on keys they
        may write (the state is then written as the system)."""
        if not has_role(self.env, MANAGER):
            raise AccessError(
                self.env._("Only after-sales managers can change authorization keys.")
            )
        self.check_access("write")

    def _as_check_reader(self):
        check_key_reader(self)

    def action_suspend(self):
        self._as_check_manager()
        if self.filtered(lambda a: a.state != "active"):
            raise UserError(self.env._("Only active authorizations can be suspended."))
        self.sudo().write({"state": "suspended"})
        return True

    def action_reactivate(self):
        self._as_check_manager()
        if self.filtered(lambda a: a.state != "suspended"):
            raise UserError(
                self.env._("Only suspended authorizations can be reactivated.")
            )
        expired = self.filtered(
            lambda a: a.date_end and a.date_end < a.company_id._ka_today()
        )
        expired.sudo().write({"state": "expired"})
        (self - expired).sudo().write({"state": "active"})
        return True

    def action_revoke(self):
        self._as_check_manager()
        if self.filtered(lambda a: a.state == "revoked"):
            raise UserError(self.env._("This authorization is already revoked."))
        self.sudo().write({"state": "revoked"})
        return True

    def action_renew(self):
        """Extend by the product's duration with a new key; the old key is revoked."""
        self._as_check_manager()
        self.ensure_one()
        return self._renew()._get_records_action(
            name=self.env._("Renewed Authorization")
        )

    def action_download_licence(self):
        self._as_check_reader()
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/my/authorizations/{self.id}/licence",
            "target": "download",
        }

    def action_send_expiry_notice(self):
        """E-mail the customer that the key expires (posted on the chatter)."""
        self._as_check_manager()
        template = self.env.ref("after_sales.mail_template_authorization_expiry")
        for auth in self:
            if not auth.date_end or not auth.partner_id.email:
                raise UserError(
                    self.env._(
                        "An expiry notice needs an expiry date and the "
                        "customer's e-mail address."
                    )
                )
            auth.message_post_with_source(
                template,
                email_layout_xmlid="mail.mail_notification_light",
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_view_sale_order(self):
        self._as_check_reader()
        self.ensure_one()
        return self.order_id._get_records_action()

    # ------------------------------------------------------------------ business

    def _renew(self, months=None, date_end=None):
        """Rotate the keys and extend the expiry; returns the new authorizations.

        The new expiry is ``date_end`` when given, else the old one (or today,
        whichever is later) plus ``months`` (default: the product's licence
        duration).
        """
        if self.filtered(lambda a: a.state == "revoked"):
            raise UserError(self.env._("A revoked authorization cannot be renewed."))
        if self.filtered(lambda a: not a.date_end):
            raise UserError(self.env._("A perpetual authorization needs no renewal."))
        vals_list = []
        for auth in self:
            duration = months or auth.product_id.as_licence_months or 12
            base = max(auth.date_end, auth.company_id._ka_today())
            vals_list.append(
                {
                    "company_id": auth.company_id.id,
                    "partner_id": auth.partner_id.id,
                    "product_id": auth.product_id.id,
                    "edition": auth.edition,
                    "seats": auth.seats,
                    "date_start": auth.date_start,
                    "date_end": date_end or base + relativedelta(months=duration),
                    "sale_line_id": auth.sale_line_id.id,
                    "contract_line_id": auth.contract_line_id.id,
                    "previous_id": auth.id,
                }
            )
        # The keys and their links are the system's: written with sudo(), the
        # callers checked the role (a manager's button, a contract renewal).
        auths = self.sudo()
        # Revoke first: the live key of a sales order line is unique.
        auths.write({"state": "revoked"})
        auths.flush_recordset(["state"])
        new = auths.create(vals_list)
        for auth, successor in zip(auths, new, strict=True):
            auth.replaced_by_id = successor
            auth.message_post(
                body=self.env._(
                    "Renewed: replaced by a new key expiring on %(date)s.",
                    date=successor.date_end,
                )
            )
        return new.with_env(self.env)

    def _as_amount(self):
        """Amount paid for the key (its sales order line, taxes included)."""
        self.ensure_one()
        return self.sale_line_id.price_total

    def _as_amount_in_words(self):
        return amount_in_words(self._as_amount())

    def _licence_payload(self):
        self.ensure_one()
        partner = self.partner_id
        return {
            "key": self.key,
            "customer": partner.name or "",
            "uscc": partner.ka_uscc or "",
            "product": self.product_id.display_name or "",
            "product_code": self.product_id.default_code or "",
            "edition": self.edition or "",
            "seats": self.seats,
            "start": fields.Date.to_string(self.date_start),
            "expiry": self.date_end and fields.Date.to_string(self.date_end) or None,
            "issued_at": fields.Datetime.to_string(self.issued_at),
            "issuer": self.company_id.name or "",
        }

    def _licence_file(self):
        """The signed licence file (text) of this authorization."""
        self.ensure_one()
        private = self.company_id._as_licence_private_key()
        return licence.sign_licence(self._licence_payload(), private)

    def _licence_filename(self):
        self.ensure_one()
        return f"licence-{licence.normalize_key(self.key)[:8]}.json"

    def _licence_file_b64(self):
        return base64.b64encode(self._licence_file().encode("utf-8"))

    @api.model
    def _find_by_key(self, key):
        """The authorization holding ``key`` (as typed), or an empty recordset."""
        if not isinstance(key, str) or not key.strip() or len(key) > 100:
            return self.browse()
        return self.search([("key_hash", "=", licence.key_hash(key))], limit=1)

    @api.model
    def _issue_for_orders(self, order_ids):
        """Issue the missing authorizations of confirmed orders (back-fill)."""
        orders = self.env["sale.order"].browse(order_ids)
        orders = orders.filtered(lambda o: o.state == "sale")
        return self._issue_for_sale_lines(orders.order_line)

    @api.model
    def _issue_for_sale_lines(self, lines):
        """Issue one authorization per licensed line that has no live one yet."""
        lines = lines.filtered(
            lambda l: l.product_id.as_is_licensed and not l.display_type
        )
        if not lines:
            return self.browse()
        done = self.sudo()._read_group(
            [("sale_line_id", "in", lines.ids), ("state", "!=", "revoked")],
            ["sale_line_id"],
        )
        lines -= self.env["sale.order.line"].union(*(line for (line,) in done))
        vals_list = []
        for line in lines:
            order = line.order_id
            product = line.product_id
            # the business day of the order in its company's time zone
            start = (
                pytz.utc.localize(order.date_order)
                .astimezone(order.company_id._ka_tz())
                .date()
            )
            months = product.as_licence_months
            vals_list.append(
                {
                    "company_id": order.company_id.id,
                    "partner_id": order.partner_id.commercial_partner_id.id,
                    "product_id": product.id,
                    "edition": product.as_licence_edition,
                    "seats": max(1, int(line.product_uom_qty))
                    * (product.as_licence_seats or 1),
                    "date_start": start,
                    "date_end": months
                    and start + relativedelta(months=months) - timedelta(days=1),
                    "sale_line_id": line.id,
                }
            )
        return self.sudo().create(vals_list)

    def _as_mark_expired(self):
        """Mark these keys expired, with one note on each key's chatter in one
        batch of messages (the tracking of a write posts one message per key:
        the first night of a key base expires hundreds at once)."""
        if not self:
            return
        labels = dict(self._fields["state"]._description_selection(self.env))
        old = {key.id: key.state for key in self}
        self.with_context(tracking_disable=True).write({"state": "expired"})
        bodies = {
            key.id: Markup("<p>%s</p>")
            % self.env._(
                "Status: %(old)s → %(new)s (expired on %(date)s)",
                old=labels.get(old[key.id], old[key.id]),
                new=labels["expired"],
                date=key.date_end,
            )
            for key in self
        }
        self._message_log_batch(bodies, author_id=self.env.ref("base.partner_root").id)

    @api.model
    def _as_expire_and_remind(self, company, today):
        """The nightly step of ``company`` for its business day ``today``:
        mark its expired keys, remind the account managers N days before
        expiry (``after_sales.expiry_reminder_days``, working days unless
        ``after_sales.expiry_reminder_calendar_days`` is 0) and, when
        ``after_sales.expiry_notice_customer`` is set, e-mail the customers.

        Set-wise and idempotent: two searches, one write each, the activities
        in one batch; the reminder is sent once per key (``reminder_date``).
        Returns the keys changed (expired or reminded).
        """
        Authorization = self.sudo()
        mine = [("company_id", "=", company.id)]
        expired = Authorization.search(
            mine + [("state", "in", ("active", "suspended")), ("date_end", "<", today)]
        )
        expired._as_mark_expired()
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("after_sales.expiry_reminder_days", 30)
        )
        # N working days (default) or calendar days before the expiry
        horizon = company._ka_shift_days(
            today,
            days,
            company._ka_working_days_param("after_sales.expiry_reminder_calendar_days"),
        )
        to_remind = Authorization.search(
            mine
            + [
                ("state", "=", "active"),
                ("reminder_date", "=", False),
                ("date_end", "!=", False),
                ("date_end", "<=", horizon),
            ]
        )
        if not to_remind:
            return len(expired)
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for auth in to_remind:
            user = auth.partner_id.user_id or auth.order_id.user_id
            if not user:
                continue
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": auth.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": auth.date_end,
                    "summary": self.env._(
                        "Authorization expires on %(date)s: renew with the customer",
                        date=auth.date_end,
                    ),
                    "automated": True,
                }
            )
        # one batch, no e-mail per activity: the managers find them in their
        # activities
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(vals_list)
        to_remind.write({"reminder_date": today})
        if self.env["ir.config_parameter"].sudo().get_param(
            "after_sales.expiry_notice_customer", "0"
        ) not in ("0", "False", ""):
            # the notices go to the mail queue, rendered in one batch
            customers = to_remind.filtered(lambda a: a.partner_id.email)
            if customers:
                self.env.ref(
                    "after_sales.mail_template_authorization_expiry"
                ).send_mail_batch(customers.ids)
        return len(expired) + len(to_remind)
