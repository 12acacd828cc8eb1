from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class KeyAccountAccountPlan(models.Model):
    """客户计划: the yearly plan of a key account: objectives, target revenue,
    products to push, the relationship map (the customer's contacts with their
    decision role, attitude and influence), competitors, and actions with an
    owner and a date that become activities; reviewed at the end of the year
    and printed in Chinese."""

    _name = "key_account.account.plan"
    _description = "Account Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "key_account.input.mixin"]
    _order = "year desc, partner_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        index=True,
        tracking=True,
        domain=[("is_company", "=", True), ("parent_id", "=", False)],
    )
    year = fields.Integer(
        required=True,
        default=lambda self: self.env.company._ka_today().year,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        related="partner_id.user_id",
        store=True,
        index=True,
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        related="partner_id.team_id",
        store=True,
        index=True,
    )
    grade_id = fields.Many2one(related="partner_id.ka_grade_id", string="Grade")
    revenue_12m = fields.Monetary(
        related="partner_id.ka_revenue_12m", string="Revenue (12 Months)"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "In Progress"),
            ("reviewed", "Reviewed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    objectives = fields.Html()
    target_revenue = fields.Monetary(tracking=True)
    product_ids = fields.Many2many(
        "product.product", string="Products to Push", check_company=True
    )
    competitor_ids = fields.Many2many(
        "res.partner",
        "key_account_account_plan_competitor_rel",
        "plan_id",
        "partner_id",
        string="Competitors",
        domain=[("ka_customer_type", "=", "competitor")],
    )
    contact_ids = fields.One2many(
        "key_account.account.plan.contact", "plan_id", string="Relationship Map"
    )
    action_ids = fields.One2many(
        "key_account.account.plan.action", "plan_id", string="Actions"
    )
    review = fields.Html(string="Year-end Review")

    _sql_constraints = [
        (
            "partner_year_uniq",
            "unique(partner_id, year)",
            "A customer has one account plan per year.",
        ),
        (
            "year_range",
            "CHECK(year BETWEEN 2000 AND 2100)",
            "The year of an account plan is between 2000 and 2100.",
        ),
        (
            "target_positive",
            "CHECK(target_revenue >= 0)",
            "The target revenue cannot be negative.",
        ),
    ]

    @api.depends("partner_id.name", "year")
    def _compute_name(self):
        for plan in self:
            plan.name = self.env._(
                "%(year)s account plan of %(customer)s",
                year=plan.year,
                customer=plan.partner_id.name or "",
            )

    # ------------------------------------------------------------------
    # buttons
    # ------------------------------------------------------------------
    def _check_planner(self):
        """The account manager of the customers, or a leader or manager (whose
        scope the record rules check)."""
        self.check_access("write")
        if self.env.user.has_group("key_account.key_account_group_leader"):
            return
        others = self.filtered(lambda p: p.partner_id.user_id != self.env.user)
        if others:
            raise AccessError(
                self.env._(
                    "Only the account manager or a team leader works on the plan "
                    "of %(names)s.",
                    names=", ".join(others.partner_id.mapped("display_name")),
                )
            )

    def action_fill_contacts(self):
        """The relationship map from the customer's contacts and their
        decision roles (those not on the map yet)."""
        self._check_planner()
        vals = []
        for plan in self:
            known = set(plan.contact_ids.partner_id.ids)
            for contact in plan.partner_id.child_ids.filtered(
                lambda c, known=known: c.type == "contact" and c.id not in known
            ):
                vals.append(
                    {
                        "plan_id": plan.id,
                        "partner_id": contact.id,
                        "role": contact.ka_decision_role or False,
                    }
                )
        self.env["key_account.account.plan.contact"].create(vals)
        return True

    def action_activate(self):
        """Start the plan: its actions become activities of their owners."""
        self._check_planner()
        if self.filtered(lambda p: p.state != "draft"):
            raise UserError(self.env._("Only draft plans can be started."))
        self.action_ids._schedule()
        self.write({"state": "active"})
        return True

    def action_schedule_actions(self):
        """New actions of a started plan become activities too."""
        self._check_planner()
        self.action_ids._schedule()
        return True

    def action_mark_reviewed(self):
        self._check_planner()
        if self.filtered(lambda p: p.state != "active"):
            raise UserError(self.env._("Only started plans can be reviewed."))
        if self.filtered(lambda p: not p.review):
            raise UserError(self.env._("Write the year-end review first."))
        self.write({"state": "reviewed"})
        return True

    def action_reset_draft(self):
        self._check_planner()
        self.write({"state": "draft"})
        return True
