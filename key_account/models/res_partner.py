import logging
from datetime import timedelta

from markupsafe import Markup, escape
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.osv.expression import OR as expression_or
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang

from ..lib import names as ka_names
from ..lib import phone as ka_phone
from ..lib.input_check import check_input
from ..lib.system_fields import check_system_fields

_logger = logging.getLogger(__name__)

# the longest texts accepted in the partner's indexed fields: a B-tree index
# entry holds at most 2,704 bytes (900 characters of 3-byte Chinese), beyond
# PostgreSQL refuses the row with its own message instead of ours
MAX_NAME = 512
MAX_CHAR = 512
# what Odoo itself writes on a partner in a salesperson's flows (chatter,
# activities): not an edit of the customer
POOL_FREE_PREFIXES = ("message_", "activity_")
# the statuses a win-back activity is for
WIN_BACK_STATUSES = ("dormant", "lost")


class ResPartner(models.Model):
    _inherit = "res.partner"
    _rec_names_search = [
        "complete_name",
        "email",
        "ref",
        "vat",
        "company_registry",
        "ka_code",
        "ka_uscc",
        "phone",
        "mobile",
        "ka_pinyin",
    ]

    # --- company master data (客户资料) ---
    ka_code = fields.Char(
        string="Customer Code",
        copy=False,
        index=True,
        readonly=True,
        tracking=True,
        groups="base.group_user",
    )
    ka_uscc = fields.Char(
        string="Unified Social Credit Code",
        copy=False,
        index=True,
        tracking=True,
        help="统一社会信用代码: the 18-character registration number of a Chinese "
        "organisation (GB 32100-2015).",
        groups="base.group_user",
    )
    ka_legal_representative = fields.Char(
        string="Legal Representative", groups="base.group_user"
    )
    ka_registered_capital = fields.Monetary(
        string="Registered Capital",
        currency_field="ka_currency_id",
        groups="base.group_user",
    )
    ka_annual_revenue = fields.Monetary(
        string="Annual Revenue",
        currency_field="ka_currency_id",
        groups="base.group_user",
    )
    ka_currency_id = fields.Many2one(
        "res.currency",
        string="Master Data Currency",
        compute="_compute_ka_currency_id",
        groups="base.group_user",
    )
    ka_employee_count = fields.Integer(string="Employees", groups="base.group_user")
    ka_customer_type = fields.Selection(
        [
            ("end_customer", "End Customer"),
            ("partner", "Channel Partner"),
            ("competitor", "Competitor"),
            ("supplier", "Supplier"),
        ],
        string="Customer Type",
        tracking=True,
        groups="base.group_user",
    )
    ka_source = fields.Selection(
        [
            ("referral", "Referral"),
            ("exhibition", "Exhibition"),
            ("website", "Website"),
            ("cold_call", "Cold Call"),
            ("tender", "Public Tender"),
            ("partner", "Channel Partner"),
            ("other", "Other"),
        ],
        string="Source",
        groups="base.group_user",
    )
    ka_status = fields.Selection(
        [
            ("potential", "Potential"),
            ("new", "New"),
            ("active", "Active"),
            ("dormant", "Dormant"),
            ("lost", "Lost"),
            ("invalid", "Invalid"),
        ],
        string="Lifecycle Status",
        default="potential",
        index=True,
        tracking=True,
        readonly=True,
        help="Set by the nightly lifecycle rules (new, active, dormant, lost by "
        "the days since the last confirmed order); by hand only with Change "
        "Status (lost with its churn reason, invalid).",
        groups="base.group_user",
    )
    ka_status_date = fields.Date(
        string="Status Since",
        readonly=True,
        copy=False,
        index=True,
        groups="base.group_user",
    )
    ka_churn_reason_id = fields.Many2one(
        "key_account.churn.reason",
        string="Churn Reason",
        readonly=True,
        copy=False,
        ondelete="restrict",
        groups="base.group_user",
    )
    ka_churn_competitor_id = fields.Many2one(
        "res.partner",
        string="Lost to Competitor",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="流失方向: the competitor the customer went to.",
        groups="base.group_user",
    )
    ka_status_history_ids = fields.One2many(
        "key_account.status.history",
        "partner_id",
        string="Status History",
        readonly=True,
        groups="base.group_user",
    )
    ka_p_purchase_90d = fields.Float(
        string="Chance of a Purchase in 90 Days",
        related="ka_figures_id.ka_p_purchase_90d",
        digits=(3, 3),
        help="BG/NBD: the probability that the customer is alive and buys at least "
        "once in the next 90 days.",
        groups="base.group_user",
    )
    ka_qq = fields.Char(string="QQ", groups="base.group_user")
    ka_wechat = fields.Char(string="WeChat", groups="base.group_user")
    ka_fax = fields.Char(string="Fax", groups="base.group_user")
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        ondelete="set null",
        index=True,
        tracking=True,
        help="The sales team that owns this customer (data isolation, pool rules).",
    )
    ka_grade_id = fields.Many2one(
        "key_account.grade",
        string="Grade",
        ondelete="restrict",
        index=True,
        tracking=True,
        groups="base.group_user",
    )
    ka_grade_locked = fields.Boolean(
        string="Grade Locked",
        help="A locked grade is kept when grades are recomputed.",
        groups="base.group_user",
    )
    ka_grade_rule_id = fields.Many2one(
        "key_account.grade.rule",
        string="Deciding Grade Rule",
        related="ka_figures_id.ka_grade_rule_id",
        groups="base.group_user",
    )
    ka_grade_explanation = fields.Html(
        string="Why This Grade",
        compute="_compute_ka_grade_explanation",
        sanitize=False,
        groups="base.group_user",
    )

    # --- value figures: computed set-wise by the nightly pipeline into
    # key_account.partner.figures (a narrow table); related, so they read,
    # search, sort and group like stored fields ---
    ka_figures_id = fields.Many2one(
        "key_account.partner.figures",
        string="Figures",
        readonly=True,
        copy=False,
        ondelete="set null",
        groups="base.group_user",
    )
    ka_revenue_12m = fields.Monetary(
        string="Revenue (12 Months)",
        related="ka_figures_id.ka_revenue_12m",
        currency_field="ka_currency_id",
        groups="base.group_user",
    )
    ka_revenue_prev_12m = fields.Monetary(
        string="Revenue (Previous 12 Months)",
        related="ka_figures_id.ka_revenue_prev_12m",
        currency_field="ka_currency_id",
        groups="base.group_user",
    )
    ka_revenue_change_pct = fields.Float(
        string="Revenue Change (%)",
        related="ka_figures_id.ka_revenue_change_pct",
        help="Revenue of the last 12 months against the 12 months before.",
        groups="base.group_user",
    )
    ka_margin_12m = fields.Monetary(
        string="Gross Margin (12 Months)",
        related="ka_figures_id.ka_margin_12m",
        currency_field="ka_currency_id",
        help="Margin of the sales orders confirmed in the last 12 months.",
        # our margin on the customer: sales and accounting, not every employee
        groups="key_account.key_account_group_user,account.group_account_invoice",
    )
    ka_order_count = fields.Integer(
        string="Confirmed Orders",
        related="ka_figures_id.ka_order_count",
        groups="base.group_user",
    )
    ka_first_order_date = fields.Date(
        string="First Order",
        related="ka_figures_id.ka_first_order_date",
        groups="base.group_user",
    )
    ka_last_order_date = fields.Date(
        string="Last Order",
        related="ka_figures_id.ka_last_order_date",
        groups="base.group_user",
    )
    ka_days_since_order = fields.Integer(
        string="Days Since Last Order",
        compute="_compute_ka_days_since_order",
        search="_search_ka_days_since_order",
        help="Days from the last confirmed order to the last refresh of the figures.",
        groups="base.group_user",
    )
    ka_receivable = fields.Monetary(
        string="Receivable",
        related="ka_figures_id.ka_receivable",
        currency_field="ka_currency_id",
        groups="base.group_user",
    )
    ka_overdue = fields.Monetary(
        string="Overdue",
        related="ka_figures_id.ka_overdue",
        currency_field="ka_currency_id",
        groups="base.group_user",
    )
    ka_rfm_recency = fields.Integer(
        string="R Score",
        related="ka_figures_id.ka_rfm_recency",
        groups="base.group_user",
    )
    ka_rfm_frequency = fields.Integer(
        string="F Score",
        related="ka_figures_id.ka_rfm_frequency",
        groups="base.group_user",
    )
    ka_rfm_monetary = fields.Integer(
        string="M Score",
        related="ka_figures_id.ka_rfm_monetary",
        groups="base.group_user",
    )
    ka_rfm_segment = fields.Selection(
        string="RFM Segment",
        related="ka_figures_id.ka_rfm_segment",
        groups="base.group_user",
    )
    ka_p_alive = fields.Float(
        string="Probability Alive",
        related="ka_figures_id.ka_p_alive",
        digits=(3, 3),
        help="BG/NBD probability that the customer still buys from us.",
        groups="base.group_user",
    )
    ka_expected_purchases = fields.Float(
        string="Expected Purchases",
        related="ka_figures_id.ka_expected_purchases",
        digits=(6, 2),
        help="BG/NBD expected number of purchases in the CLV horizon.",
        groups="base.group_user",
    )
    ka_clv = fields.Monetary(
        string="Customer Lifetime Value",
        related="ka_figures_id.ka_clv",
        currency_field="ka_currency_id",
        help="Discounted expected revenue over the CLV horizon "
        "(BG/NBD purchases x Gamma-Gamma order value).",
        groups="base.group_user",
    )
    ka_figures_date = fields.Date(
        string="Figures Computed On",
        compute="_compute_ka_figures_date",
        groups="base.group_user",
    )

    # --- search and duplicates ---
    ka_pinyin = fields.Char(
        string="Pinyin",
        compute="_compute_ka_name_keys",
        store=True,
        index="trigram",
        help="Full pinyin and initials of the name: zgyd finds 中国移动.",
        groups="base.group_user",
    )
    ka_name_key = fields.Char(
        string="Normalised Name",
        compute="_compute_ka_name_keys",
        store=True,
        index=True,
        help="The name without legal form, brackets and place prefix, to find "
        "duplicates.",
        groups="base.group_user",
    )
    ka_phone_normalized = fields.Char(
        string="Phone (Normalised)",
        compute="_compute_ka_phone_normalized",
        store=True,
        index=True,
        help="The phone number as compared: without separators and +86, "
        "landlines with their trunk 0, other countries with their code.",
        groups="base.group_user",
    )
    ka_mobile_normalized = fields.Char(
        string="Mobile (Normalised)",
        compute="_compute_ka_phone_normalized",
        store=True,
        index=True,
        groups="base.group_user",
    )
    ka_duplicate_info = fields.Char(
        string="Possible Duplicates",
        compute="_compute_ka_duplicate_info",
        help="Customers with the same credit code, phone, e-mail or normalised "
        "name, with their account manager, whoever may see them.",
        groups="base.group_user",
    )

    # --- public pool (公海) ---
    ka_in_pool = fields.Boolean(
        string="In Public Pool",
        compute="_compute_ka_in_pool",
        search="_search_ka_in_pool",
        groups="base.group_user",
    )
    ka_claim_date = fields.Datetime(
        string="Claimed On", readonly=True, copy=False, groups="base.group_user"
    )
    ka_pool_notice_date = fields.Date(
        string="Recycling Notice Sent",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    ka_last_followup_date = fields.Date(
        string="Last Follow-up",
        related="ka_figures_id.ka_last_followup_date",
        groups="base.group_user",
    )
    ka_pool_log_ids = fields.One2many(
        "key_account.pool.log",
        "partner_id",
        string="Pool History",
        readonly=True,
        groups="base.group_user",
    )
    ka_grade_history_ids = fields.One2many(
        "key_account.grade.history",
        "partner_id",
        string="Grade History",
        readonly=True,
        groups="base.group_user",
    )
    ka_warning_ids = fields.One2many(
        "key_account.warning",
        "partner_id",
        string="Warnings",
        readonly=True,
        groups="base.group_user",
    )
    ka_warning_count = fields.Integer(
        string="Open Warnings",
        compute="_compute_ka_warning_count",
        groups="base.group_user",
    )
    # --- shared customers (客户共享) ---
    ka_share_ids = fields.One2many(
        "key_account.share", "partner_id", string="Co-owners", groups="base.group_user"
    )

    # --- contact persons (联系人) ---
    ka_is_primary_contact = fields.Boolean(
        string="Primary Contact", groups="base.group_user"
    )
    ka_department = fields.Char(string="Department", groups="base.group_user")
    ka_decision_role = fields.Selection(
        [
            ("decision_maker", "Decision Maker"),
            ("influencer", "Influencer"),
            ("user", "User"),
            ("gatekeeper", "Gatekeeper"),
        ],
        string="Decision Role",
        groups="base.group_user",
    )
    ka_hobbies = fields.Char(string="Hobbies", groups="base.group_user")
    ka_home_phone = fields.Char(string="Home Phone", groups="base.group_user")
    ka_reports_to_id = fields.Many2one(
        "res.partner",
        string="Reports To",
        ondelete="set null",
        index="btree_not_null",
        domain="[('parent_id', '=', parent_id), ('parent_id', '!=', False), "
        "('id', '!=', id), ('is_company', '=', False)]",
        help="The contact of the same company this contact reports to.",
        groups="base.group_user",
    )
    ka_report_ids = fields.One2many(
        "res.partner",
        "ka_reports_to_id",
        string="Direct Reports",
        groups="base.group_user",
    )

    _sql_constraints = [
        (
            "ka_code_uniq",
            "unique(ka_code)",
            "Another customer already has this customer code.",
        ),
    ]

    @api.model
    def _ka_figures_date(self):
        """The business day the figures are read for: the pipeline's day when
        it runs (context ``ka_today``), else the day the pipeline last
        computed the company's figures, else the company's today."""
        day = self.env.context.get("ka_today")
        if day:
            return fields.Date.to_date(day)
        company = self.env.company
        return company.ka_figures_date or company._ka_today()

    def _compute_ka_figures_date(self):
        main = self.env["res.company"]._ka_main_company()
        for partner in self:
            company = partner.company_id or main
            partner.ka_figures_date = company.sudo().ka_figures_date

    @api.depends("ka_last_order_date", "company_id")
    @api.depends_context("ka_today", "company")
    def _compute_ka_days_since_order(self):
        day = self._ka_figures_date()
        for partner in self:
            last = partner.ka_last_order_date
            partner.ka_days_since_order = (day - last).days if last else 0

    def _search_ka_days_since_order(self, operator, value):
        """days > N is last order < day - N: the index on the last order date
        serves the search, and grade rules may use it."""
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}
        if operator not in flipped or not isinstance(value, int):
            raise ValidationError(
                self.env._("Search the days since the last order with a number.")
            )
        limit = self._ka_figures_date() - timedelta(days=value)
        return [("ka_last_order_date", flipped[operator], limit)]

    @api.depends("name")
    def _compute_ka_name_keys(self):
        places = self._ka_place_names()
        for partner in self:
            partner.ka_pinyin = ka_names.pinyin_keys(partner.name) or False
            partner.ka_name_key = (
                ka_names.normalize_company_name(partner.name, places) or False
            )

    @api.model
    @tools.ormcache()
    def _ka_place_names(self):
        """Chinese province and city names, to strip them from company names."""
        self.env.cr.execute(
            """
            SELECT s.name FROM res_country_state s
              JOIN res_country c ON c.id = s.country_id WHERE c.code = 'CN'
            UNION
            SELECT kv.value FROM res_city t
              JOIN res_country c ON c.id = t.country_id
             CROSS JOIN LATERAL jsonb_each_text(t.name) kv
             WHERE c.code = 'CN'
            """
        )
        return tuple(row[0] for row in self.env.cr.fetchall() if row[0])

    def _ka_duplicate_domain(self):
        """Customers that are likely the same company as ``self`` (one record)."""
        self.ensure_one()
        conditions = []
        if self.ka_uscc:
            conditions.append([("ka_uscc", "=", stdnum_uscc.compact(self.ka_uscc))])
        if self.ka_name_key and len(self.ka_name_key) >= 2:
            conditions.append([("ka_name_key", "=", self.ka_name_key)])
        region = self._ka_phone_region()
        for field in ("phone", "mobile"):
            key = ka_phone.normalize(self[field], region)
            if key and len(key.lstrip("+")) >= 7:
                conditions.append(self._ka_phone_domain(key))
        if self.email and "@" in self.email:
            conditions.append([("email", "=ilike", self.email.strip())])
        if not conditions:
            return None
        return expression_or(conditions) + [
            ("is_company", "=", True),
            ("id", "!=", self._origin.id or 0),
        ]

    def _ka_find_duplicates(self, limit=5):
        """Likely duplicates of ``self`` (one record), as superuser: a
        salesperson must learn that the customer exists in another's hands."""
        domain = self.is_company and self._ka_duplicate_domain()
        if not domain:
            return self.browse()
        return self.env["res.partner"].sudo().search(domain, limit=limit)

    def _ka_duplicate_lines(self, duplicates):
        return [
            self.env._(
                "%(name)s (account manager: %(user)s)",
                name=dup.name,
                user=dup.user_id.name or self.env._("public pool"),
            )
            for dup in duplicates
        ]

    @api.depends("name", "ka_uscc", "phone", "mobile", "email", "is_company")
    def _compute_ka_duplicate_info(self):
        for partner in self:
            duplicates = partner._ka_find_duplicates()
            partner.ka_duplicate_info = (
                "; ".join(partner._ka_duplicate_lines(duplicates)) or False
            )

    @api.onchange("name", "ka_uscc", "phone", "mobile", "email")
    def _onchange_ka_duplicates(self):
        duplicates = self._ka_find_duplicates()
        if not duplicates:
            return None
        return {
            "warning": {
                "title": self.env._("Possible duplicate customer"),
                "message": self.env._(
                    "These customers have the same credit code, phone, e-mail or "
                    "name:\n%(lines)s",
                    lines="\n".join(self._ka_duplicate_lines(duplicates)),
                ),
            }
        }

    @api.depends("user_id", "is_company", "parent_id")
    def _compute_ka_in_pool(self):
        own = set(self._ka_own_company_partner_ids())
        for partner in self:
            partner.ka_in_pool = (
                partner.is_company
                and not partner.parent_id
                and not partner.user_id
                and partner._origin.id not in own
            )

    @api.model
    def _ka_own_company_partner_ids(self):
        """Our own companies are never customers in the pool."""
        companies = self.env["res.company"].sudo().with_context(active_test=False)
        return companies.search([("partner_id", "!=", False)]).partner_id.ids

    def _search_ka_in_pool(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on the public pool."))
        in_pool = [
            ("is_company", "=", True),
            ("parent_id", "=", False),
            ("user_id", "=", False),
            ("id", "not in", self._ka_own_company_partner_ids()),
        ]
        if (operator == "=") == value:
            return in_pool
        return ["!", "&", "&", "&"] + in_pool

    def _compute_ka_warning_count(self):
        counts = dict(
            self.env["key_account.warning"]._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "open")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.ka_warning_count = counts.get(partner._origin, 0)

    # --- actions ---
    def action_ka_claim(self):
        self.env["key_account.pool"]._claim(self)
        return True

    def action_ka_release(self):
        self._ka_check_group(
            "key_account.key_account_group_user",
            self.env._("Only salespeople can release customers."),
        )
        return self._ka_pool_wizard("release")

    def action_ka_assign(self):
        self._ka_check_group(
            "key_account.key_account_group_leader",
            self.env._("Only team leaders and managers can assign customers."),
        )
        return self._ka_pool_wizard("assign")

    def _ka_check_group(self, group, message):
        if not self.env.user.has_group(group):
            raise AccessError(message)

    def _ka_pool_wizard(self, mode):
        return {
            "type": "ir.actions.act_window",
            "res_model": "key_account.pool.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_mode": mode,
                "default_partner_ids": self.ids,
            },
        }

    def action_ka_view_warnings(self):
        self._ka_check_group(
            "key_account.key_account_group_user",
            self.env._("Only salespeople and managers can open customer warnings."),
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.key_account_warning_action"
        )
        action["domain"] = [("partner_id", "in", self.ids)]
        action["context"] = {"search_default_open": 1}
        return action

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

    @api.depends("company_id")
    def _compute_ka_currency_id(self):
        for partner in self:
            partner.ka_currency_id = (
                partner.company_id.currency_id or self.env.company.currency_id
            )

    @api.constrains("ka_registered_capital", "ka_annual_revenue", "ka_employee_count")
    def _check_ka_company_sizes(self):
        for partner in self:
            for fname in (
                "ka_registered_capital",
                "ka_annual_revenue",
                "ka_employee_count",
            ):
                if (partner[fname] or 0) < 0:
                    raise ValidationError(
                        self.env._(
                            "%(field)s of %(name)s cannot be negative.",
                            field=self._fields[fname]._description_string(self.env),
                            name=partner.display_name,
                        )
                    )

    @api.constrains("ka_uscc")
    def _check_ka_uscc(self):
        for partner in self.filtered("ka_uscc"):
            try:
                stdnum_uscc.validate(partner.ka_uscc)
            except StdnumValidationError as error:
                raise ValidationError(
                    self.env._(
                        "The unified social credit code %(code)s of %(name)s is "
                        "not valid: %(reason)s",
                        code=partner.ka_uscc,
                        name=partner.display_name,
                        reason=self._ka_uscc_reason(error),
                    )
                ) from error

    def _ka_uscc_reason(self, error):
        reasons = {
            "InvalidLength": self.env._("it must have 18 characters"),
            "InvalidChecksum": self.env._("the check character is wrong"),
            "InvalidFormat": self.env._("it contains characters that are not allowed"),
            "InvalidComponent": self.env._("the registration office code is unknown"),
        }
        return reasons.get(type(error).__name__, self.env._("the format is wrong"))

    # ------------------------------------------------------------------
    # phone numbers (key_account/lib/phone.py holds the rules)
    # ------------------------------------------------------------------
    def _ka_phone_region(self):
        """The country whose rules apply to this partner's numbers typed
        without a country code: the partner's, else its company's, else (with
        neither set) our company's; ``None`` when none is known."""
        self.ensure_one()
        country = (
            self.country_id
            or self.parent_id.country_id
            or self.company_id.country_id
            or self.env.company.country_id
        )
        return country.code or None

    @api.depends(
        "phone",
        "mobile",
        "country_id",
        "parent_id.country_id",
        "company_id.country_id",
    )
    def _compute_ka_phone_normalized(self):
        for partner in self:
            region = partner._ka_phone_region()
            partner.ka_phone_normalized = ka_phone.normalize(partner.phone, region)
            partner.ka_mobile_normalized = ka_phone.normalize(partner.mobile, region)

    @api.model
    def _ka_phone_domain(self, key):
        """Partners whose phone or mobile normalises to ``key`` (indexed)."""
        return [
            "|",
            ("ka_phone_normalized", "=", key),
            ("ka_mobile_normalized", "=", key),
        ]

    @api.model
    def _ka_find_by_phone(self, number, region=ka_phone.CN, limit=None):
        """Partners with this phone or mobile number, however it was typed."""
        key = ka_phone.normalize(number, region)
        if not key:
            return self.browse()
        return self.search(self._ka_phone_domain(key), limit=limit)

    def _ka_phone_error(self, field, region):
        """The clear message for a number our rules refuse, or None."""
        number = self[field]
        reason = ka_phone.check(number, region, mobile=field == "mobile")
        if not reason:
            return None
        if reason == "mobile":
            return self.env._(
                "%(mobile)s is not a valid Chinese mobile number "
                "(11 digits starting with 13-19).",
                mobile=number,
            )
        return self.env._(
            "%(number)s is not a valid phone number (%(field)s of %(name)s).",
            number=number,
            field=self._fields[field].get_description(self.env)["string"],
            name=self.display_name,
        )

    @api.constrains("phone", "mobile", "country_id", "parent_id")
    def _check_ka_phones(self):
        """Numbers entered through our screens and import are checked: Chinese
        rules where the partner is in China, the rules of the number's own
        country (phonenumbers) for a number with another country code. Records
        that other modules create (a lead's customer, a partner from an
        e-mail) are never refused: the check runs only with the context key
        ``ka_check_phones`` our actions and the import set."""
        if not self.env.context.get("ka_check_phones"):
            return
        for partner in self:
            region = partner._ka_phone_region()
            for field in ("mobile", "phone"):
                message = partner._ka_phone_error(field, region)
                if message:
                    raise ValidationError(message)

    @api.onchange("phone", "mobile", "country_id")
    def _onchange_ka_phones(self):
        region = self._ka_phone_region()
        for field in ("mobile", "phone"):
            message = self._ka_phone_error(field, region)
            if message:
                return {
                    "warning": {
                        "title": self.env._("Check the phone number"),
                        "message": message,
                    }
                }
        return None

    # ------------------------------------------------------------------
    # what users may write
    # ------------------------------------------------------------------
    @api.model
    def _ka_system_fields(self):
        """Fields only the system writes (the pipeline, the pool, the
        import): refused to users over any channel. Addons add theirs."""
        return {
            "ka_code",
            "ka_figures_id",
            "ka_pinyin",
            "ka_name_key",
            "ka_phone_normalized",
            "ka_mobile_normalized",
            "ka_claim_date",
            "ka_pool_notice_date",
            "ka_status",
            "ka_status_date",
            "ka_churn_reason_id",
            "ka_churn_competitor_id",
        } | self._ka_figure_fields()

    def _ka_check_writable(self, vals, creating=False):
        """Refuse what a user may not write: system figures, and a grade
        unless key-account manager. The superuser (the pipeline, the pool,
        sudo() flows) writes them."""
        if self.env.su:
            return
        # a new customer comes with the default status (the web client
        # sends it back): not a change
        check_system_fields(
            self,
            self._ka_system_fields(),
            [vals],
            creating=creating,
            defaults={"ka_status": "potential"},
        )
        grade_fields = {"ka_grade_id", "ka_grade_locked"} & set(vals)
        if grade_fields and not self.env.user.has_group(
            "key_account.key_account_group_manager"
        ):
            changed = creating or any(
                (partner.ka_grade_id.id or False) != (vals.get("ka_grade_id") or False)
                if name == "ka_grade_id"
                else bool(partner.ka_grade_locked) != bool(vals.get(name))
                for partner in self
                for name in grade_fields
            )
            if changed:
                raise AccessError(
                    self.env._(
                        "Grades are set by the grade rules; only key-account "
                        "managers can set or lock a grade by hand."
                    )
                )

    def _ka_check_manager_change(self):
        """A co-owner edits a shared customer, but never takes it over nor
        gives it away: the account manager changes by the pool, hand-over or
        a leader."""
        if self.env.su or self.env.user.has_group(
            "key_account.key_account_group_leader"
        ):
            return
        user = self.env.user
        held = self.sudo().commercial_partner_id.filtered("user_id")
        foreign = held.filtered(lambda p: p.user_id != user)
        if foreign:
            # only a co-owner reaches a colleague's customer: the others'
            # access is the record rules' business, as before the shares
            foreign = (
                self.env["key_account.share"]
                .sudo()
                .search([("partner_id", "in", foreign.ids), ("user_id", "=", user.id)])
                .partner_id
            )
        if foreign:
            raise AccessError(
                self.env._(
                    "Only the account manager or a team leader can change the "
                    "account manager of %(names)s.",
                    names=", ".join(foreign.mapped("display_name")),
                )
            )

    def _ka_check_pool_write(self, vals):
        """A salesperson edits a customer of the public pool only after
        claiming it (领取), and gives a customer back only through the pool's
        release (释放): a plain write would skip the pool's rules (the
        reclaim delay, the team's limit, the pool log, collisions). Team
        leaders, key-account managers and the flows (superuser) are not
        limited."""
        user = self.env.user
        if (
            self.env.su
            or not user.has_group("key_account.key_account_group_user")
            or user.has_group("key_account.key_account_group_leader")
            or user.has_group("sales_team.group_sale_salesman_all_leads")
            or user.has_group("account.group_account_invoice")
        ):
            return
        edited = [name for name in vals if not name.startswith(POOL_FREE_PREFIXES)]
        if not edited:
            return
        pool = self.sudo().commercial_partner_id.filtered("ka_in_pool")
        if pool:
            raise AccessError(
                self.env._(
                    "%(names)s is in the public pool: claim it first (领取) to "
                    "edit it.",
                    names=", ".join(pool.mapped("display_name")),
                )
            )
        if "user_id" in vals and not vals["user_id"]:
            released = self.sudo().filtered(
                lambda p: p.is_company and not p.parent_id and p.user_id
            )
            if released:
                raise AccessError(
                    self.env._(
                        "%(names)s goes back to the public pool only through "
                        "the pool's release (释放), with a reason.",
                        names=", ".join(released.mapped("display_name")),
                    )
                )

    @api.model
    def _ka_check_sizes(self, vals):
        """Texts longer than an index of the partner table can hold get our
        message, and nothing is written (PostgreSQL would refuse them with
        "index row size exceeds…"). Only indexed texts are limited: whatever
        the database accepts, other modules may still create."""
        for name, value in vals.items():
            field = self._fields.get(name)
            if not isinstance(value, str) or not field or field.type != "char":
                continue
            limit = MAX_NAME if name == "name" else MAX_CHAR
            if (name == "name" or field.index) and len(value) > limit:
                raise ValidationError(
                    self.env._(
                        "%(field)s is too long: %(length)s characters, at most "
                        "%(limit)s.",
                        field=field.get_description(self.env)["string"],
                        length=len(value),
                        limit=limit,
                    )
                )

    @api.model
    def _ka_normalize_uscc(self, value):
        """The credit code as stored: upper case, without spaces and dashes
        (as python-stdnum compacts it). Characters PostgreSQL cannot store
        are refused with the same clear error as any other invalid code."""
        if not value or not isinstance(value, str):
            return value
        if "\x00" in value:
            raise ValidationError(
                self.env._(
                    "The unified social credit code %(code)s is not valid: %(reason)s",
                    code=repr(value),
                    reason=self.env._("it contains characters that are not allowed"),
                )
            )
        return stdnum_uscc.compact(value) or False

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        for vals in vals_list:
            self._ka_check_sizes(vals)
            if not self.env.su:
                self.browse()._ka_check_writable(
                    {k: v for k, v in vals.items() if v}, creating=True
                )
            if vals.get("ka_uscc"):
                vals["ka_uscc"] = self._ka_normalize_uscc(vals["ka_uscc"])
        primaries = [
            vals["parent_id"]
            for vals in vals_list
            if vals.get("ka_is_primary_contact") and vals.get("parent_id")
        ]
        if primaries:
            # a new primary contact unsets the company's other one
            self._ka_unset_primary(primaries)
        names = self._ka_figure_fields()
        figures = [{k: vals.pop(k) for k in names if k in vals} for vals in vals_list]
        partners = super().create(vals_list)
        partners._ka_assign_code()
        partners._ka_ensure_figures()
        for partner, values in zip(partners, figures, strict=True):
            if values:
                partner._ka_write_figures(values)
        self.env["key_account.collision"]._detect(
            partners, self.env.context.get("ka_collision_origin", "create")
        )
        return partners

    def write(self, vals):
        if self.env.context.get("ka_merging") and not self.env.su:
            # a contact merge: the kept customer keeps its own figures and grade
            dropped = self._ka_system_fields() | {"ka_grade_id", "ka_grade_locked"}
            vals = {key: value for key, value in vals.items() if key not in dropped}
        check_input(self, [vals])
        self._ka_check_sizes(vals)
        self._ka_check_writable(vals)
        self._ka_check_pool_write(vals)
        if "user_id" in vals:
            self._ka_check_manager_change()
        if vals.get("ka_uscc"):
            vals["ka_uscc"] = self._ka_normalize_uscc(vals["ka_uscc"])
        old_grades = None
        if "ka_grade_id" in vals:
            old_grades = {p.id: p.ka_grade_id.id for p in self}
        figures = {k: vals[k] for k in self._ka_figure_fields() if k in vals}
        if figures:
            # the figures are read-only related fields: what the superuser
            # writes here (data, tests) goes to the partners' rows of figures
            vals = {k: v for k, v in vals.items() if k not in figures}
            self._ka_write_figures(figures)
        if vals.get("ka_is_primary_contact"):
            # a new primary contact unsets the company's other one
            parents = (
                [vals["parent_id"]] if vals.get("parent_id") else self.parent_id.ids
            )
            self._ka_unset_primary(parents, keep=self.ids)
        res = super().write(vals)
        if "is_company" in vals or "parent_id" in vals:
            self._ka_assign_code()
            self._ka_ensure_figures()
        if vals.get("user_id"):
            self.env["key_account.share"]._drop_for_holders(self, vals["user_id"])
        if old_grades is not None:
            # a grade set by hand: keep it in the grade history
            self.env["key_account.grade.history"].sudo()._record_bulk(
                [
                    (pid, old, vals["ka_grade_id"] or False, False)
                    for pid, old in old_grades.items()
                    if old != (vals["ka_grade_id"] or False)
                ],
                source="manual",
                chatter=False,
            )
        return res

    @api.model
    def _ka_figure_fields(self):
        """The partner's fields that read key_account.partner.figures."""
        return {
            name
            for name, field in self._fields.items()
            if field.related and field.related.startswith("ka_figures_id.")
        }

    def _ka_ensure_figures(self, companies_only=True):
        """Give these partners (their companies only, unless told otherwise)
        their row of figures, set-wise."""
        todo = self.filtered(
            lambda p: not p.ka_figures_id and (p.is_company or not companies_only)
        )
        if todo:
            self.env["key_account.partner.figures"].sudo()._ensure_for(todo.ids)

    def _ka_write_figures(self, values):
        """Write figures (fields of ``_ka_figure_fields``) to these partners'
        rows of figures, created when missing."""
        self._ka_ensure_figures(companies_only=False)
        self.ka_figures_id.sudo().write(values)

    def _ka_assign_code(self):
        """Give every company customer a code from the sequence, once.

        With a standard (gapped) sequence without date ranges, as shipped, the
        numbers of the whole batch come from one query and the codes are
        written with one UPDATE: an import of 10,000 customers does not make
        20,000 queries. Other sequences are drawn one by one."""
        todo = self.filtered(lambda p: p.is_company and not p.ka_code)
        if not todo:
            return
        sequence = self.env["ir.sequence"].sudo()
        seq = sequence.search(
            [
                ("code", "=", "key_account.customer_code"),
                ("company_id", "in", [self.env.company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if (
            len(todo) == 1
            or not seq
            or seq.implementation != "standard"
            or (seq.use_date_range)
        ):
            for partner in todo.sudo():
                partner.ka_code = sequence.next_by_code("key_account.customer_code")
            return
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{seq.id:03d}",
                len(todo),
            )
        )
        codes = [seq.get_next_char(row[0]) for row in self.env.cr.fetchall()]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner p SET ka_code = v.code "
                "FROM unnest(%s::int[], %s::varchar[]) AS v(id, code) "
                "WHERE p.id = v.id",
                todo.ids,
                codes,
            )
        )
        todo.invalidate_recordset(["ka_code"])

    # ------------------------------------------------------------------
    # grades that explain themselves
    # ------------------------------------------------------------------
    @api.depends("ka_grade_id", "ka_grade_locked", "ka_grade_rule_id")
    @api.depends_context("lang")
    def _compute_ka_grade_explanation(self):
        # the conditions read figures of this customer only: one record (a
        # form) at a time, never computed for a list
        for partner in self:
            partner.ka_grade_explanation = partner._ka_explain_grade()

    def _ka_explain_grade(self):
        """The explanation of this customer's grade, as HTML."""
        self.ensure_one()
        if not self.is_company or self.parent_id:
            return False
        if self.ka_grade_locked:
            return Markup("<p>%s</p>") % self.env._(
                "The grade is locked: it was set by hand by a key-account "
                "manager, the grade rules leave it unchanged."
            )
        rule = self.ka_grade_rule_id.sudo()
        if not rule:
            return Markup("<p>%s</p>") % self.env._(
                "No grade rule has graded this customer yet (not graded by the "
                "nightly pipeline, or no rule matched and the grade was kept)."
            )
        try:
            domain = expression.normalize_domain(rule._get_domain())
            tree, _end = self._ka_domain_tree(domain, 0)
            conditions = self._ka_render_tree(tree)
        except (ValidationError, UserError, ValueError, KeyError, IndexError) as error:
            _logger.info("key_account: rule %s not explained: %s", rule.id, error)
            conditions = Markup("<p>%s</p>") % self.env._(
                "The conditions of this rule cannot be shown."
            )
        header = Markup("<p>%s</p>") % self.env._(
            "Rule %(rule)s (priority %(priority)s) gave grade %(grade)s: the "
            "first rule, by priority, whose conditions the customer met.",
            rule=rule.name,
            priority=rule.sequence,
            grade=rule.grade_id.name,
        )
        footer = Markup('<p class="text-muted small">%s</p>') % self.env._(
            "Values of the figures of %(day)s; ✓ the condition holds, ✗ it "
            "does not (any more).",
            day=format_date(self.env, self.ka_figures_date) or "-",
        )
        return header + conditions + footer

    @api.model
    def _ka_domain_tree(self, domain, index):
        """(node, next index) of a normalized (prefix) domain; a node is
        ('&'|'|'|'!', [children]) or ('leaf', (path, operator, value))."""
        token = domain[index]
        if token in (expression.AND_OPERATOR, expression.OR_OPERATOR):
            left, index = self._ka_domain_tree(domain, index + 1)
            right, index = self._ka_domain_tree(domain, index)
            children = []
            for child in (left, right):
                # a | b | c reads as one list of three
                children.extend(child[1] if child[0] == token else [child])
            return (token, children), index
        if token == expression.NOT_OPERATOR:
            child, index = self._ka_domain_tree(domain, index + 1)
            return ("!", [child]), index
        return ("leaf", tuple(token)), index + 1

    def _ka_render_tree(self, node):
        kind, content = node
        if kind == "leaf":
            return Markup("<ul><li>%s</li></ul>") % self._ka_render_leaf(content)
        titles = {
            "&": self.env._("All of:"),
            "|": self.env._("Any of:"),
            "!": self.env._("None of:"),
        }
        items = Markup("").join(
            Markup("<li>%s</li>")
            % (
                self._ka_render_leaf(child[1])
                if child[0] == "leaf"
                else self._ka_render_tree(child)
            )
            for child in content
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (titles[kind], items)

    def _ka_render_leaf(self, leaf):
        if leaf in (expression.TRUE_LEAF, expression.FALSE_LEAF) or not isinstance(
            leaf[0], str
        ):
            return escape(self.env._("Every customer (no condition)"))
        path, operator, value = leaf
        label, field = self._ka_path_label(path)
        shown = self._ka_format_value(field, value)
        try:
            current = self.mapped(path)
            holds = bool(self.filtered_domain([leaf]))
        except (AccessError, KeyError, ValueError, TypeError):
            current, holds = None, None
        if field and field.type == "many2one" or isinstance(current, models.BaseModel):
            current = ", ".join(current.mapped("display_name")) if current else False
        elif isinstance(current, list):
            current = current[0] if len(current) == 1 else current
        mark = {True: "✓", False: "✗", None: "?"}[holds]
        return Markup("%s %s %s <b>%s</b>: %s %s") % (
            label,
            self._ka_operator_label(operator),
            shown,
            self.env._("this customer"),
            self._ka_format_value(field, current),
            mark,
        )

    def _ka_path_label(self, path):
        """The field labels of a dotted path, and its last field."""
        model = self
        labels = []
        field = None
        for name in path.split("."):
            field = model._fields.get(name)
            if field is None:
                return path, None
            labels.append(field._description_string(self.env))
            if field.relational:
                model = self.env[field.comodel_name]
        return " → ".join(labels), field

    def _ka_operator_label(self, operator):
        labels = {
            "=": "=",
            "!=": "≠",
            ">": ">",
            ">=": "≥",
            "<": "<",
            "<=": "≤",
            "in": self.env._("is one of"),
            "not in": self.env._("is none of"),
            "like": self.env._("contains"),
            "ilike": self.env._("contains"),
            "not like": self.env._("does not contain"),
            "not ilike": self.env._("does not contain"),
            "=like": self.env._("matches"),
            "=ilike": self.env._("matches"),
            "child_of": self.env._("is under"),
            "parent_of": self.env._("is above"),
        }
        return labels.get(operator, operator)

    def _ka_format_value(self, field, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(self._ka_format_value(field, v)) for v in value)
        if value is False or value is None:
            if field is not None and field.type == "boolean":
                return self.env._("No")
            return self.env._("(empty)")
        if field is None:
            return value
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))
            return labels.get(value, value)
        if field.type in ("many2one", "many2many", "one2many") and isinstance(
            value, int
        ):
            record = self.env[field.comodel_name].sudo().browse(value).exists()
            return record.display_name if record else value
        if field.type in ("monetary", "float") and isinstance(value, int | float):
            digits = 0 if field.type == "monetary" else 2
            return formatLang(self.env, value, digits=digits)
        if field.type == "integer" and isinstance(value, int):
            return formatLang(self.env, value, digits=0)
        if field.type == "date" and not isinstance(value, str):
            return format_date(self.env, value)
        return value

    # ------------------------------------------------------------------
    # contacts: one primary contact, who reports to whom, greetings
    # ------------------------------------------------------------------
    @api.constrains("ka_is_primary_contact", "parent_id", "active")
    def _check_ka_primary_contact(self):
        parents = self.filtered("ka_is_primary_contact").parent_id
        if not parents:
            return
        counts = self.with_context(active_test=True)._read_group(
            [("parent_id", "in", parents.ids), ("ka_is_primary_contact", "=", True)],
            ["parent_id"],
            ["__count"],
        )
        twice = [parent for parent, count in counts if count > 1]
        if twice:
            raise ValidationError(
                self.env._(
                    "A company has one primary contact: %(companies)s",
                    companies=", ".join(p.display_name for p in twice),
                )
            )

    @api.constrains("ka_reports_to_id", "parent_id")
    def _check_ka_reports_to(self):
        for partner in self.filtered("ka_reports_to_id"):
            boss = partner.ka_reports_to_id
            if not partner.parent_id or boss.parent_id != partner.parent_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s can only report to a contact of the same company.",
                        contact=partner.display_name,
                    )
                )
        if self._has_cycle("ka_reports_to_id"):
            raise ValidationError(
                self.env._("A contact cannot report to themselves, even indirectly.")
            )

    def _ka_unset_primary(self, parent_ids, keep=()):
        """Setting a primary contact unsets the company's other one (the
        flag only, whoever may edit the new one)."""
        others = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("parent_id", "in", [pid for pid in parent_ids if pid]),
                    ("ka_is_primary_contact", "=", True),
                    ("id", "not in", list(keep)),
                ]
            )
        )
        if others:
            others.write({"ka_is_primary_contact": False})

    @api.model
    def _ka_greeting_recipients(self, company_ids):
        """{company id: [contact ids]}: the primary and decision-making
        contacts of the companies ``company_ids`` that have an e-mail address,
        the people a greeting to the company goes to. One query."""
        if not company_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """
            SELECT c.parent_id, ARRAY_AGG(c.id ORDER BY c.ka_is_primary_contact DESC,
                                                      c.id)
              FROM res_partner c
             WHERE c.parent_id = ANY(%(ids)s) AND c.active AND NOT c.is_company
               AND COALESCE(c.email, '') != ''
               AND (c.ka_is_primary_contact OR c.ka_decision_role = 'decision_maker')
             GROUP BY c.parent_id
            """,
                ids=list(company_ids),
            )
        )
        return dict(self.env.cr.fetchall())
