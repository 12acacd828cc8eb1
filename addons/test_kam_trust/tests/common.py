"""Two sales teams, their users in every role and records of every model.

The world is built with the superuser; each record belongs to one of three
*sides* seen from a role user of the east team:

* ``mine``: the role user's own records (a customer they manage, their
  target, their visits; for a portal user, their own company's records);
* ``mate``: the records of another salesperson of the same (east) team;
* ``other``: the records of a salesperson of the west team.
"""

import csv
from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user
from odoo.tools.misc import file_path

OURS = ("key_account", "sales_followup", "after_sales")
OPS = ("read", "create", "write", "unlink")
SCOPES = ("none", "own", "team", "all")
SIDES = ("mine", "mate", "other")

# role -> groups of its test user (comma-separated xml ids)
ROLE_GROUPS = {
    "salesperson": "key_account.key_account_group_user",
    "team_leader": "key_account.key_account_group_leader",
    "ka_manager": "key_account.key_account_group_manager",
    "accountant": "account.group_account_invoice",
    "helpdesk_agent": "helpdesk_mgmt.group_helpdesk_user",
    "after_sales_staff": "after_sales.after_sales_group_user",
    "portal": "base.group_portal",
    "public": "base.group_public",
}
ROLES = tuple(ROLE_GROUPS)


def read_matrix():
    """The access table: {(model, role): {op: scope}}."""
    path = file_path("test_kam_trust/data/access_matrix.csv")
    table = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["model"].strip(), row["role"].strip())
            table[key] = {op: row[op].strip() for op in OPS}
    return table


def our_models(env):
    """Every model defined (not only extended) by our three addons."""
    data = (
        env["ir.model.data"]
        .sudo()
        .search([("model", "=", "ir.model"), ("module", "in", OURS)])
    )
    names = env["ir.model"].sudo().browse(data.mapped("res_id")).mapped("model")
    return sorted(
        {
            name
            for name in names
            if name in env and env.registry[name]._original_module in OURS
        }
    )


class World:
    """Builds the two teams, the role users and the records (as superuser)."""

    def __init__(self, env, prefix="trust"):
        self.env = env = env(su=True)
        self.prefix = prefix
        self.company = env.company
        self.team_east = env["crm.team"].create({"name": f"{prefix} 华东组"})
        self.team_west = env["crm.team"].create({"name": f"{prefix} 西南组"})

        def user(login, groups, **vals):
            return new_test_user(
                env,
                login=f"{prefix}_{login}",
                password=f"{prefix}_{login}_pw",
                name=vals.pop("name", login),
                groups=groups,
                **vals,
            )

        # owners of the "mate" and "other" records: salespeople who also
        # answer tickets in their team's helpdesk team
        staff = "key_account.key_account_group_user,after_sales.after_sales_group_user"
        self.mate = user("mate", staff, name="销售同事")
        self.other = user("other", staff, name="西南销售")
        self.users = {}
        for role, groups in ROLE_GROUPS.items():
            if role in ("portal", "public"):
                continue
            self.users[role] = user(role, groups, name=f"角色 {role}")
        self.helpdesk_east = env["helpdesk.ticket.team"].create(
            {
                "name": f"{prefix} 售后华东",
                "user_ids": [
                    (4, u.id)
                    for u in (
                        self.mate,
                        self.users["after_sales_staff"],
                        self.users["helpdesk_agent"],
                    )
                ],
            }
        )
        self.helpdesk_west = env["helpdesk.ticket.team"].create(
            {"name": f"{prefix} 售后西南", "user_ids": [(4, self.other.id)]}
        )
        members = env["crm.team.member"]
        for u in (
            self.mate,
            self.users["salesperson"],
            self.users["team_leader"],
            self.users["ka_manager"],
        ):
            members.create({"user_id": u.id, "crm_team_id": self.team_east.id})
        members.create({"user_id": self.other.id, "crm_team_id": self.team_west.id})
        self.team_east.user_id = self.users["team_leader"]

        self.grade = env["key_account.grade"].create(
            {"name": f"{prefix} 等级", "code": f"{prefix[:3].upper()}Z"}
        )
        self.product = env["product.product"].create(
            {
                "name": f"{prefix} 授权软件",
                "type": "service",
                "list_price": 1000.0,
                "standard_price": 100.0,
                "invoice_policy": "order",
                "as_is_licensed": True,
                "as_licence_seats": 2,
                "as_licence_months": 12,
                "as_licence_edition": "标准版",
            }
        )
        self.warning_rule = env["key_account.warning.rule"].create(
            {"name": f"{prefix} 预警", "warning_type": "no_order", "days": 90}
        )
        self.occasion = env["sales_followup.care.occasion"].search([], limit=1)

        # the portal user's company and the customers of each side
        self.customers = {}
        for role in self.users:
            self.customers[role] = self._customer(
                f"{prefix} {role} 客户有限公司", self.users[role], self.team_east
            )
        self.customers["portal"] = self._customer(
            f"{prefix} 门户客户有限公司", self.mate, self.team_east
        )
        contact = env["res.partner"].create(
            {
                "name": f"{prefix} 门户联系人",
                "parent_id": self.customers["portal"].id,
                "email": f"{prefix}.portal@example.com",
            }
        )
        self.users["portal"] = user(
            "portal", "base.group_portal", name="门户用户", partner_id=contact.id
        )
        self.users["public"] = env.ref("base.public_user")
        self.customer_mate = self._customer(
            f"{prefix} 同事客户有限公司", self.mate, self.team_east
        )
        self.customer_other = self._customer(
            f"{prefix} 西南客户有限公司", self.other, self.team_west
        )
        # a portal contact of the west team's customer (contact cards of
        # other teams' customers must not leak through their login)
        self.other_portal_contact = env["res.partner"].create(
            {"name": f"{prefix} 西南门户联系人", "parent_id": self.customer_other.id}
        )
        user(
            "other_portal",
            "base.group_portal",
            name="西南门户用户",
            partner_id=self.other_portal_contact.id,
        )

        self.contexts = {}
        for role in ROLES:
            if role == "public":
                continue
            shared = role == "portal"
            owner = self.mate if shared else self.users[role]
            self.contexts[("mine", role)] = self._context(
                self.customers[role], owner, self.team_east, self.helpdesk_east, shared
            )
        self.contexts["mate"] = self._context(
            self.customer_mate, self.mate, self.team_east, self.helpdesk_east
        )
        self.contexts["other"] = self._context(
            self.customer_other, self.other, self.team_west, self.helpdesk_west
        )

    def _customer(self, name, user, team):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "user_id": user.id,
                "team_id": team.id,
                "ka_grade_id": self.grade.id,
            }
        )

    def _context(self, customer, user, team, helpdesk, shared=False):
        env = self.env
        lead = env["crm.lead"].create(
            {
                "name": f"{customer.name} 商机",
                "type": "opportunity",
                "partner_id": customer.id,
                "user_id": user.id,
                "team_id": team.id,
            }
        )
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": user.id,
                "team_id": team.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        customer.ka_revenue_12m = 1000.0
        agent = (
            user
            if user.has_group("helpdesk_mgmt.group_helpdesk_user_own")
            else (self.mate if helpdesk == self.helpdesk_east else self.other)
        )
        return {
            "customer": customer,
            "user": user,
            "team": team,
            "helpdesk": helpdesk,
            "agent": agent,
            "lead": lead,
            "order": order,
            "shared": shared,
        }

    # ------------------------------------------------------------------ records

    def record(self, model, side, role):
        """The record of ``model`` on ``side`` seen from ``role`` (or None)."""
        ctx = self.contexts.get((side, role)) if side == "mine" else self.contexts[side]
        if ctx is None:
            return None
        key = (model, ctx["customer"].id)
        cache = self.__dict__.setdefault("_records", {})
        if key not in cache:
            cache[key] = self._build(model, ctx)
        return cache[key]

    def _build(self, model, ctx):  # noqa: C901 (one branch per model)
        env = self.env
        c, user, team = ctx["customer"], ctx["user"], ctx["team"]
        today = fields.Date.context_today(env["res.partner"])
        if model == "res.partner":
            return c
        if model == "crm.lead":
            return ctx["lead"]
        if model == "sale.order":
            return ctx["order"]
        if model == "after_sales.authorization":
            return env[model].search([("order_id", "=", ctx["order"].id)])
        if model == "key_account.report":
            env.flush_all()
            return env[model].search([("partner_id", "=", c.id)])
        if model == "key_account.source.report":
            env.flush_all()
            return env[model].search([("partner_id", "=", c.id)])
        if model == "key_account.pareto.report":
            env.flush_all()
            return env[model].search([("partner_id", "=", c.id)])
        if model == "helpdesk.ticket":
            return env[model].create(
                {
                    "name": f"{c.name} 工单",
                    "description": "无法登录",
                    "partner_id": c.id,
                    "team_id": ctx["helpdesk"].id,
                    "user_id": ctx["agent"].id,
                }
            )
        if model == "after_sales.revisit":
            return env[model].create(
                {
                    "partner_id": c.id,
                    "team_id": ctx["helpdesk"].id,
                    "user_id": ctx["agent"].id,
                }
            )
        if model == "key_account.partner.figures":
            return c.ka_figures_id
        if model == "key_account.grade.history":
            return env[model].create(
                {"partner_id": c.id, "new_grade_id": self.grade.id, "user_id": user.id}
            )
        if model == "key_account.status.history":
            return env[model].create(
                {
                    "partner_id": c.id,
                    "new_status": "lost",
                    "effective_date": today,
                    "user_id": user.id,
                    "manager_id": user.id,
                }
            )
        if model == "key_account.warning":
            return env[model].create(
                {
                    "partner_id": c.id,
                    "rule_id": self.warning_rule.id,
                    "user_id": user.id,
                    "team_id": team.id,
                }
            )
        if model == "sales_followup.visit.plan":
            return env[model].create(
                {"partner_id": c.id, "user_id": user.id, "team_id": team.id}
            )
        if model == "sales_followup.care.reminder":
            return env[model].create(
                {
                    "partner_id": c.id,
                    "commercial_partner_id": c.id,
                    "kind": "anniversary",
                    "key": "trust",
                    "occasion_date": today,
                    "user_id": user.id,
                }
            )
        if model in (
            "sales_followup.decision.maker",
            "sales_followup.competitor",
            "sales_followup.milestone",
        ):
            vals = {"lead_id": ctx["lead"].id}
            if model == "sales_followup.decision.maker":
                vals["partner_id"] = c.id
            elif model == "sales_followup.competitor":
                vals["name"] = "竞争对手"
            else:
                vals.update(name="方案评审", planned_date=today + timedelta(days=7))
            return env[model].create(vals)
        if model == "key_account.share":
            # the customer shared with a colleague of the other team
            colleague = self.other if user != self.other else self.mate
            return env[model].create(
                {"partner_id": c.id, "user_id": colleague.id, "role": "service"}
            )
        if model == "key_account.instalment":
            return env[model].create(
                {
                    "order_id": ctx["order"].id,
                    "date": today,
                    "amount_type": "percent",
                    "percent": 10,
                }
            )
        if model == "key_account.account.plan":
            return env[model].create({"partner_id": c.id, "year": 2026})
        if model == "key_account.account.plan.contact":
            plan = self._plan(ctx)
            contact = env["res.partner"].create(
                {"name": f"{c.name} 联系人", "parent_id": c.id}
            )
            return env[model].create({"plan_id": plan.id, "partner_id": contact.id})
        if model == "key_account.account.plan.action":
            plan = self._plan(ctx)
            return env[model].create(
                {
                    "plan_id": plan.id,
                    "name": "拜访",
                    "user_id": user.id,
                    "date_deadline": today,
                }
            )
        if model == "key_account.collision":
            # the customer's holder met a newcomer (created a duplicate)
            return env[model].create(
                {
                    "origin": "create",
                    "partner_id": c.id,
                    "partner_name": c.name,
                    "match_id": c.id,
                    "match_name": c.name,
                    "user_id": user.id,
                    "holder_id": user.id,
                    "team_id": team.id,
                }
            )
        # records of a salesperson rather than of a customer: none for the
        # portal user's company
        if ctx["shared"]:
            return None
        if model == "key_account.pool.log":
            return env[model].create(
                {
                    "partner_id": c.id,
                    "action": "assign",
                    "user_id": user.id,
                    "team_id": team.id,
                    "done_by_id": user.id,
                }
            )
        if model == "key_account.handover":
            return env[model].create(
                {"from_user_id": user.id, "to_user_id": user.id, "done_by_id": user.id}
            )
        if model == "sales_followup.kpi.target":
            return env[model].create(
                {"user_id": user.id, "team_id": team.id, "period_type": "month"}
            )
        raise KeyError(model)

    def _plan(self, ctx):
        """The account plan of the context's customer (one per year)."""
        cache = self.__dict__.setdefault("_records", {})
        key = ("key_account.account.plan", ctx["customer"].id)
        if key not in cache:
            cache[key] = self._build("key_account.account.plan", ctx)
        return cache[key]

    def unscoped_record(self, model):
        """One record of a configuration model (no owner, no team)."""
        cache = self.__dict__.setdefault("_records", {})
        if model not in cache:
            cache[model] = self._build_unscoped(model)
        return cache[model]

    def _build_unscoped(self, model):
        env = self.env
        if model == "key_account.grade":
            return self.grade
        if model == "key_account.grade.rule":
            return env[model].create(
                {
                    "name": f"{self.prefix} 规则",
                    "grade_id": self.grade.id,
                    "domain": "[('ka_revenue_12m', '>', 1e12)]",
                    "active": False,
                }
            )
        if model == "key_account.warning.rule":
            return self.warning_rule
        if model == "key_account.churn.reason":
            return env[model].create({"name": f"{self.prefix} 流失原因"})
        if model == "key_account.churn.rate":
            env.flush_all()
            return env[model].search([("company_id", "=", self.company.id)], limit=1)
        if model == "key_account.cn.holiday.year":
            return env[model].create({"year": 2190, "note": self.prefix})
        if model == "key_account.cn.holiday":
            year = self.unscoped_record("key_account.cn.holiday.year")
            return env[model].create(
                {"year_id": year.id, "date": "2190-10-01", "festival": "national"}
            )
        if model == "sales_followup.care.occasion":
            return self.occasion
        if model == "after_sales.feedback.staff":
            return env[model].create(
                {"user_id": self.mate.id, "team_id": self.helpdesk_east.id}
            )
        if model == "after_sales.licence.rate":
            return env[model].create(
                {
                    "address": "198.51.100.7",
                    "window_start": fields.Datetime.now().replace(second=0),
                    "count": 1,
                }
            )
        raise KeyError(model)


# models whose records belong to a customer or a salesperson (three sides)
SCOPED = (
    "res.partner",
    "crm.lead",
    "sale.order",
    "helpdesk.ticket",
    "after_sales.authorization",
    "after_sales.revisit",
    "key_account.report",
    "key_account.pareto.report",
    "key_account.source.report",
    "key_account.grade.history",
    "key_account.status.history",
    "key_account.partner.figures",
    "key_account.warning",
    "key_account.pool.log",
    "key_account.handover",
    "sales_followup.visit.plan",
    "sales_followup.care.reminder",
    "sales_followup.decision.maker",
    "sales_followup.competitor",
    "sales_followup.milestone",
    "sales_followup.kpi.target",
    "key_account.share",
    "key_account.collision",
    "key_account.instalment",
    "key_account.account.plan",
    "key_account.account.plan.contact",
    "key_account.account.plan.action",
)
# configuration models: one record, nobody owns it
UNSCOPED = (
    "key_account.cn.holiday",
    "key_account.cn.holiday.year",
    "key_account.grade",
    "key_account.grade.rule",
    "key_account.warning.rule",
    "key_account.churn.reason",
    "key_account.churn.rate",
    "sales_followup.care.occasion",
    "after_sales.feedback.staff",
    "after_sales.licence.rate",
)
# models checked at the access-control-list level only: abstract models hold
# no records, wizards' records belong to their creator
EXTRA = ("res.partner", "crm.lead", "sale.order", "helpdesk.ticket")
