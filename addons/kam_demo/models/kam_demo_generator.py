import logging
import random
import time
from collections import defaultdict
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from stdnum.cn import uscc

from odoo import Command, api, models

from . import kam_demo_data as D

_logger = logging.getLogger(__name__)

# customer profiles: (code, weight); scales: (code, weight, orders, amount)
PROFILES = [
    ("loyal", 30),
    ("growing", 15),
    ("declining", 15),
    ("lost", 10),
    ("new", 10),
    ("none", 20),
]
SCALES = {
    "large": (15, (5, 8), 420000.0),
    "medium": (35, (2, 4), 70000.0),
    "small": (50, (1, 2), 14000.0),
}


class KamDemoGenerator(models.AbstractModel):
    """Makes the living demo company of ``make run``: every record through the
    ORM, one batch ``create`` per model and step, dates relative to the
    company's business day, the same company for the same size and seed."""

    _name = "kam_demo.generator"
    _description = "Demo Company Generator"

    @api.model
    def _generate(self, size=300, seed=17, run_pipeline=True):
        """Generate ``size`` customers and their two years of business, then
        run the nightly pipeline once. Returns {step: seconds, counts...}."""
        if not self.env.su and not self.env.is_admin():
            return {}
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param("kam_demo.generated_on"):
            # the demo file runs again when the addon is updated: one company
            _logger.info("kam_demo: the demo company exists, nothing generated")
            return {}
        env = (
            self.sudo()
            .with_context(
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
                mail_activity_quick_update=True,
                no_reset_password=True,
                # orders are created confirmed: no "extra line" message each
                sale_no_log_for_new_lines=True,
            )
            .env
        )
        builder = DemoBuilder(env, size, seed)
        stats = builder._run(run_pipeline=run_pipeline)
        params.set_param("kam_demo.generated_on", str(builder.today))
        _logger.info(
            "kam_demo: %s customers generated in %.1f s (%s)",
            size,
            stats["seconds"],
            ", ".join(f"{k} {v}" for k, v in stats.items() if k != "seconds"),
        )
        return stats


class DemoBuilder:
    """The steps of the generation, sharing the random generator and what the
    earlier steps made (customers, their profiles, users, orders). A plain
    helper object, not a model: nothing of it is reachable over RPC, and its
    methods are private all the same."""

    def __init__(self, env, size, seed):
        self.env = env
        self.size = size
        self.rng = random.Random(seed)
        self.company = env.company
        self.today = self.company._ka_today()
        self.timings = {}
        self.queries = {}
        self.counts = {}

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _at(self, day, hour=10.0):
        """Naive UTC datetime of ``hour`` o'clock, the company's local time, on
        business ``day``."""
        return self.company._ka_day_start_utc(day) + timedelta(hours=hour)

    def _ago(self, days):
        return self.today - timedelta(days=days)

    def _pick(self, items, weights=None):
        if weights:
            return self.rng.choices(items, weights=weights)[0]
        return self.rng.choice(items)

    def _person_name(self):
        return self.rng.choice(D.SURNAMES) + self.rng.choice(D.GIVEN)

    def _mobile(self):
        prefix = self._pick(["138", "139", "136", "186", "159", "177", "189"])
        return f"{prefix}{self.rng.randint(10000000, 99999999)}"

    def _step(self, name, func, *args):
        start, queries = time.perf_counter(), self.env.cr.sql_log_count
        result = func(*args)
        self.env.flush_all()  # each step pays for its own writes
        self.timings[name] = round(time.perf_counter() - start, 2)
        self.queries[name] = self.env.cr.sql_log_count - queries
        return result

    def _run(self, run_pipeline=True):
        start = time.perf_counter()
        self._step("users", self._make_users)
        self._step("products", self._make_products)
        self._step("customers", self._make_customers)
        self._step("orders", self._make_orders)
        self._step("invoices", self._make_invoices)
        self._step("payments", self._make_payments)
        self._step("pool", self._make_pool_history)
        self._step("visits", self._make_visits)
        self._step("followups", self._make_followups)
        self._step("projects", self._make_projects)
        self._step("kpi", self._make_kpi_targets)
        self._step("tickets", self._make_tickets)
        self._step("contracts", self._make_contracts)
        self._step("portal", self._make_portal_user)
        if run_pipeline:
            self._step("pipeline", self._run_pipeline)
            self._step("churn", self._make_churn)
        self.env.flush_all()
        stats = dict(self.counts)
        stats["timings"] = self.timings
        stats["queries"] = self.queries
        stats["seconds"] = round(time.perf_counter() - start, 1)
        return stats

    # ------------------------------------------------------------------
    # users and teams
    # ------------------------------------------------------------------
    def _make_users(self):
        env = self.env
        ref = env.ref
        groups = {
            "salesperson": [ref("key_account.key_account_group_user").id],
            "leader": [ref("key_account.key_account_group_leader").id],
            "manager": [
                ref("key_account.key_account_group_manager").id,
                ref("sales_team.group_sale_manager").id,
            ],
            "service": [ref("after_sales.after_sales_group_user").id],
            "accountant": [ref("account.group_account_invoice").id],
        }
        Users = env["res.users"].with_context(active_test=False)
        existing = {
            u.login: u for u in Users.search([("login", "in", [u[0] for u in D.USERS])])
        }
        vals_list = []
        for login, name, role, _region in D.USERS:
            if login in existing:
                continue
            vals = {
                "login": login,
                "name": name,
                "email": f"{login}@huaxin.example.cn",
                "lang": "zh_CN",
                "tz": "Asia/Shanghai",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [Command.set([ref("base.group_user").id, *groups[role]])],
            }
            if login in D.DEMO_LOGINS:
                vals["password"] = D.DEMO_PASSWORD
            vals_list.append(vals)
        created = Users.create(vals_list)
        users = {u.login: u for u in created} | existing
        self.users = users
        self.role_users = defaultdict(list)
        for login, _name, role, region in D.USERS:
            self.role_users[role, region].append(users[login])
        leaders = {
            region: users[login]
            for login, _n, role, region in D.USERS
            if role == "leader"
        }
        self.teams = {}
        team_vals = []
        for region, team_name in D.TEAMS.items():
            team_vals.append(
                {
                    "name": team_name,
                    "user_id": leaders[region].id,
                    "company_id": self.company.id,
                    "ka_pool_max_customers": 80,
                    "ka_pool_reclaim_days": 30,
                    "ka_pool_recycle_followup_days": 90,
                    "ka_pool_recycle_deal_days": 365,
                    "ka_pool_notice_days": 7,
                }
            )
        teams = env["crm.team"].create(team_vals)
        self.teams = dict(zip(D.TEAMS, teams, strict=True))
        members = []
        self.sellers = defaultdict(list)  # region: users holding customers
        for login, _name, role, region in D.USERS:
            if role in ("salesperson", "leader"):
                members.append(
                    {"crm_team_id": self.teams[region].id, "user_id": users[login].id}
                )
                self.sellers[region].append(users[login])
        env["crm.team.member"].create(members)
        self.counts["users"] = len(created)

    def _make_products(self):
        vals_list = []
        for name, price, cost, months, edition in D.PRODUCTS:
            vals = {
                "name": name,
                "list_price": price,
                "standard_price": cost,
                "type": "service",
                "invoice_policy": "order",
                "sale_ok": True,
            }
            if months:
                vals.update(
                    as_is_licensed=True,
                    as_licence_months=months,
                    as_licence_edition=edition,
                    as_licence_seats=1,
                )
            vals_list.append(vals)
        products = self.env["product.product"].create(vals_list)
        self.products = dict(zip([p[0] for p in D.PRODUCTS], products, strict=True))
        self.product_list = products

    # ------------------------------------------------------------------
    # customers and contacts
    # ------------------------------------------------------------------
    def _make_uscc(self):
        while True:
            body = f"91{self.rng.randint(110000, 659000)}"
            body += "".join(
                self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9)
            )
            number = body + uscc.calc_check_digit(body)
            if uscc.is_valid(number):
                return number

    def _make_customers(self):
        env, rng = self.env, self.rng
        industries = {
            code: env.ref(f"base.res_partner_industry_{code}")
            for code, _w, _s in D.INDUSTRIES
        }
        states = {c[1]: env.ref(f"base.state_cn_{c[1]}") for c in D.CITIES}
        grades = {g: env.ref(f"key_account.grade_{g.lower()}") for g in "ABCD"}
        cn = env.ref("base.cn")
        names = set(
            env["res.partner"]
            .with_context(active_test=False)
            .search([("is_company", "=", True)])
            .mapped("name")
        )
        self.customers = []
        vals_list = []
        for index in range(self.size):
            city, state, lat, lon, area, region = rng.choice(D.CITIES)
            industry, words, suffix = rng.choice(D.INDUSTRIES)
            while True:
                name = f"{city}{rng.choice(D.BRANDS)}{rng.choice(words)}{suffix}"
                if name not in names:
                    names.add(name)
                    break
            profile = self._pick([p for p, _w in PROFILES], [w for _p, w in PROFILES])
            scale = self._pick(list(SCALES), [s[0] for s in SCALES.values()])
            # who holds it: most customers, not the lost ones half of the time
            # nor the prospects 40 % of the time (those are in the pool)
            in_pool = (profile == "none" and rng.random() < 0.4) or (
                profile == "lost" and rng.random() < 0.5
            )
            owner = False if in_pool else rng.choice(self.sellers[region])
            grade = {"large": "A", "medium": "B", "small": "C"}[scale]
            if profile in ("lost", "declining") and rng.random() < 0.5:
                grade = "B" if grade == "A" else "A" if rng.random() < 0.2 else grade
            if profile == "none":
                grade = "D"
            employees = {
                "large": rng.randint(3000, 60000),
                "medium": rng.randint(300, 3000),
                "small": rng.randint(20, 300),
            }[scale]
            info = {
                "index": index,
                "name": name,
                "region": region,
                "profile": profile,
                "scale": scale,
                "owner": owner,
                "slow_payer": rng.random() < 0.12,
                "lat": lat + rng.uniform(-0.08, 0.08),
                "lon": lon + rng.uniform(-0.08, 0.08),
                "area": area,
            }
            self.customers.append(info)
            vals_list.append(
                {
                    "name": name,
                    "is_company": True,
                    "lang": "zh_CN",
                    "country_id": cn.id,
                    "state_id": states[state].id,
                    "city": city,
                    "street": f"{city}市{rng.choice(D.STREETS)}{rng.randint(1, 999)}号",
                    "phone": f"{area}-{rng.randint(55000000, 89999999)}",
                    "ka_uscc": self._make_uscc(),
                    "industry_id": industries[industry].id,
                    "ka_customer_type": "partner"
                    if rng.random() < 0.1
                    else "end_customer",
                    "ka_source": self._pick(
                        [
                            "referral",
                            "exhibition",
                            "website",
                            "cold_call",
                            "tender",
                            "partner",
                        ],
                        [20, 15, 20, 15, 20, 10],
                    ),
                    "ka_status": {
                        "none": "potential",
                        "lost": "dormant",
                    }.get(profile, "active"),
                    "ka_legal_representative": self._person_name(),
                    "ka_employee_count": employees,
                    "ka_annual_revenue": employees * rng.randint(300, 1500) * 1000.0,
                    "ka_registered_capital": rng.choice([500, 1000, 5000, 10000, 50000])
                    * 10000.0,
                    "ka_grade_id": grades[grade].id,
                    "user_id": owner.id if owner else False,
                    "team_id": self.teams[region].id,
                    "customer_rank": 1,
                    "partner_latitude": info["lat"],
                    "partner_longitude": info["lon"],
                    "company_id": False,
                }
            )
        partners = env["res.partner"].create(vals_list)
        for info, partner in zip(self.customers, partners, strict=True):
            info["partner"] = partner
        # contacts: 1 to 3 per customer, a few with a birthday in the next days
        contact_vals, contact_owner = [], []
        for info in self.customers:
            count = {"large": 3, "medium": 2, "small": 1}[info["scale"]]
            for department, function, role in rng.sample(D.DEPARTMENTS, count):
                birthday = date(
                    rng.randint(1965, 1992), rng.randint(1, 12), rng.randint(1, 28)
                )
                if rng.random() < 0.03:
                    soon = self.today + timedelta(days=rng.randint(0, 3))
                    birthday = soon.replace(year=rng.randint(1965, 1992))
                contact_vals.append(
                    {
                        "parent_id": info["partner"].id,
                        "name": self._person_name(),
                        "type": "contact",
                        "function": function,
                        "ka_department": department,
                        "ka_decision_role": role,
                        "mobile": self._mobile(),
                        "phone": f"{info['area']}-{rng.randint(55000000, 89999999)}",
                        "birthdate_date": birthday,
                        "ka_hobbies": rng.choice(D.HOBBIES),
                        "ka_is_primary_contact": not contact_owner
                        or contact_owner[-1] is not info,
                        "lang": "zh_CN",
                    }
                )
                contact_owner.append(info)
        contacts = env["res.partner"].create(contact_vals)
        for info in self.customers:
            info["contacts"] = env["res.partner"]
        for info, contact in zip(contact_owner, contacts, strict=True):
            info["contacts"] |= contact
        self.counts["customers"] = len(partners)
        self.counts["contacts"] = len(contacts)

    # ------------------------------------------------------------------
    # orders, invoices, payments
    # ------------------------------------------------------------------
    def _order_days(self, info):
        """Days ago of the customer's orders over the last two years."""
        rng = self.rng
        low, high = SCALES[info["scale"]][1]
        n = rng.randint(low, high)
        profile = info["profile"]
        if profile == "none":
            return []
        if profile == "loyal":
            days = [rng.randint(3, 729) for _ in range(n)]
        elif profile == "growing":
            days = [
                rng.randint(366, 729) if rng.random() < 0.3 else rng.randint(3, 365)
                for _ in range(n + 1)
            ]
        elif profile == "declining":
            days = [
                rng.randint(366, 729) if rng.random() < 0.75 else rng.randint(120, 365)
                for _ in range(n)
            ]
        elif profile == "lost":
            days = [rng.randint(400, 729) for _ in range(max(1, n // 2))]
        else:  # new
            days = [rng.randint(3, 180) for _ in range(max(1, n // 2))]
        return sorted(days, reverse=True)

    def _order_lines(self, amount):
        rng, products = self.rng, self.products
        names = [p[0] for p in D.PRODUCTS]
        if amount >= 100000 and rng.random() < 0.5:
            main = products[names[1]]
        else:
            main = products[self._pick([names[0], names[3], names[5]], [60, 25, 15])]
        qty = max(1, round(amount * 0.75 / main.list_price))
        lines = [(main, qty, main.list_price)]
        service = products[self._pick([names[2], names[4]], [75, 25])]
        days = max(1, round(amount * 0.25 / service.list_price))
        lines.append((service, days, service.list_price))
        return lines

    def _make_orders(self):
        rng = self.rng
        vals_list, keys = [], []
        for info in self.customers:
            info["orders"] = []
            base_amount = SCALES[info["scale"]][2]
            for days in self._order_days(info):
                amount = base_amount * rng.lognormvariate(0, 0.45)
                seller = info["owner"] or rng.choice(self.sellers[info["region"]])
                lines = self._order_lines(amount)
                vals_list.append(
                    {
                        "partner_id": info["partner"].id,
                        "user_id": seller.id,
                        "team_id": self.teams[info["region"]].id,
                        "company_id": self.company.id,
                        "date_order": self._at(self._ago(days), rng.uniform(9, 17)),
                        "state": "sale",
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": qty,
                                    "price_unit": price,
                                    # no analytic plans in the demo: skip the
                                    # search for distribution models per line
                                    "analytic_distribution": False,
                                }
                            )
                            for product, qty, price in lines
                        ],
                    }
                )
                keys.append((info, days, seller))
        orders = self.env["sale.order"].create(vals_list)
        self.orders = []
        for (info, days, seller), order in zip(keys, orders, strict=True):
            row = {"order": order, "days": days, "seller": seller, "info": info}
            info["orders"].append(row)
            self.orders.append(row)
        # the licences sold: one authorization per licensed line, dated by the order
        self.env["after_sales.authorization"]._issue_for_orders(orders.ids)
        self.counts["orders"] = len(orders)

    def _make_invoices(self):
        rng = self.rng
        vals_list, rows = [], []
        for row in self.orders:
            if row["days"] < 5:
                continue  # the last days' orders are still to invoice
            order = row["order"]
            day = self._ago(row["days"]) + timedelta(days=rng.randint(0, 4))
            day = min(day, self.today)
            term = 60 if row["info"]["scale"] == "large" else 30
            row["invoice_date"] = day
            row["due"] = day + timedelta(days=term)
            rows.append(row)
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": order.partner_id.id,
                    "invoice_date": day,
                    "invoice_date_due": row["due"],
                    "invoice_user_id": row["seller"].id,
                    "team_id": order.team_id.id,
                    "invoice_origin": order.name,
                    "company_id": self.company.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "quantity": line.product_uom_qty,
                                "price_unit": line.price_unit,
                                "analytic_distribution": False,
                                "sale_line_ids": [Command.set(line.ids)],
                            }
                        )
                        for line in order.order_line
                    ],
                }
            )
        order_idx = sorted(
            range(len(vals_list)), key=lambda i: vals_list[i]["invoice_date"]
        )
        moves = self.env["account.move"].create([vals_list[i] for i in order_idx])
        for i, move in zip(order_idx, moves, strict=True):
            rows[i]["invoice"] = move
        moves.action_post()
        self.invoiced = rows
        self.counts["invoices"] = len(moves)

    def _make_payments(self):
        """Customers pay their invoices in order: a good payer everything due
        up to a few days ago, a slow payer only what fell due months ago (the
        rest is overdue). What fell due more than half a year ago is paid on
        one day, the later invoices at the end of each month: one payment per
        customer and payment day, as the register wizard groups them. Set-wise:
        the payments of every day in one create and one post, and all their
        reconciliations in one plan (the wizard reconciles one by one)."""
        rng = self.rng
        by_partner = defaultdict(list)
        for row in self.invoiced:
            by_partner[row["info"]["index"]].append(row)
        recent = self.today - relativedelta(months=6)
        groups = defaultdict(list)  # (day, customer) -> invoices
        for rows in by_partner.values():
            info = rows[0]["info"]
            if info["slow_payer"]:
                cutoff = self._ago(rng.randint(60, 150))
            else:
                cutoff = self._ago(rng.randint(-10, 12))
            for row in rows:
                due = row["due"]
                if due > cutoff:
                    continue
                if due < recent:
                    day = recent
                else:
                    day = min(due + relativedelta(day=31), self._ago(1))
                groups[(day, info["partner"].id)].append(row["invoice"])
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        keys = sorted(groups)
        invoices_of = [self.env["account.move"].union(*groups[key]) for key in keys]
        payments = (
            self.env["account.payment"]
            .with_context(skip_invoice_sync=True)
            .create(
                [
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": partner_id,
                        "journal_id": journal.id,
                        "company_id": self.company.id,
                        "date": day,
                        "amount": sum(invoices.mapped("amount_residual")),
                        "memo": ", ".join(invoices.mapped("name")),
                    }
                    for (day, partner_id), invoices in zip(
                        keys, invoices_of, strict=True
                    )
                ]
            )
        )
        payments.action_post()
        plan = []
        for payment, invoices in zip(payments, invoices_of, strict=True):
            plan.append(
                (payment.move_id.line_ids + invoices.line_ids).filtered(
                    lambda line: (
                        line.account_type == "asset_receivable" and not line.reconciled
                    )
                )
            )
        self.env["account.move.line"]._reconcile_plan(plan)
        for payment, invoices in zip(payments, invoices_of, strict=True):
            invoices.matched_payment_ids += payment
        self.counts["payments"] = len(payments)

    # ------------------------------------------------------------------
    # the public pool's history
    # ------------------------------------------------------------------
    def _make_pool_history(self):
        rng = self.rng
        month_start = self.today.replace(day=1)
        days_in_month = (self.today - month_start).days
        logs, partner_writes = [], defaultdict(list)
        reasons = [
            "客户暂无需求",
            "客户已选择其他供应商",
            "负责区域调整",
            "联系不上关键人",
        ]
        this_month_claims = 0
        for info in self.customers:
            partner, owner, region = info["partner"], info["owner"], info["region"]
            team = self.teams[region]
            first_order = max([r["days"] for r in info["orders"]], default=None)
            if owner:
                if first_order is not None:
                    claimed = min(729, first_order + rng.randint(10, 60))
                elif this_month_claims < 8 and days_in_month >= 1:
                    claimed = rng.randint(0, days_in_month)
                    this_month_claims += 1
                else:
                    claimed = rng.randint(20, 300)
                last_order = min([r["days"] for r in info["orders"]], default=None)
                if info["profile"] == "lost":
                    # won back: claimed again lately, or long held and due for recycling
                    claimed = 400 if rng.random() < 0.3 else rng.randint(30, 200)
                elif last_order is not None and last_order > 330:
                    # no deal for a year: given to its holder lately (else recycled)
                    claimed = min(claimed, rng.randint(20, 300))
                info["claimed"] = claimed
                action = "assign" if rng.random() < 0.4 else "claim"
                if rng.random() < 0.15 and claimed < 600:
                    # someone held it before and released it
                    before = rng.choice(self.sellers[region])
                    released = claimed + rng.randint(30, 120)
                    logs += [
                        (
                            partner,
                            before,
                            team,
                            "claim",
                            released + rng.randint(60, 200),
                            False,
                        ),
                        (
                            partner,
                            before,
                            team,
                            "release",
                            released,
                            rng.choice(reasons),
                        ),
                    ]
                logs.append((partner, owner, team, action, claimed, False))
                partner_writes[claimed].append(partner.id)
            else:
                if info["profile"] == "none" and rng.random() < 0.5:
                    continue  # never held
                before = rng.choice(self.sellers[region])
                if info["profile"] == "lost":
                    out = rng.randint(30, 330)
                    logs += [
                        (
                            partner,
                            before,
                            team,
                            "claim",
                            out + rng.randint(300, 390),
                            False,
                        ),
                        (
                            partner,
                            before,
                            team,
                            "recycle",
                            out,
                            "未在团队规定期限内跟进或成交",
                        ),
                    ]
                else:
                    out = (
                        rng.randint(0, days_in_month)
                        if rng.random() < 0.3
                        else rng.randint(20, 400)
                    )
                    logs += [
                        (
                            partner,
                            before,
                            team,
                            "claim",
                            out + rng.randint(30, 200),
                            False,
                        ),
                        (partner, before, team, "release", out, rng.choice(reasons)),
                    ]
        manager = self.users["manager"]
        self.env["key_account.pool.log"].create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "team_id": team.id,
                    "action": action,
                    "date": self._at(self._ago(days), rng.uniform(9, 18)),
                    "reason": reason,
                    "done_by_id": (manager if action == "assign" else user).id,
                }
                for partner, user, team, action, days, reason in logs
            ]
        )
        for days, ids in partner_writes.items():  # one write per claim day
            self.env["res.partner"].browse(ids).write(
                {"ka_claim_date": self._at(self._ago(days))}
            )
        self.counts["pool_moves"] = len(logs)

    # ------------------------------------------------------------------
    # visits, follow-ups, activities
    # ------------------------------------------------------------------
    def _make_visits(self):
        rng = self.rng
        Plan = self.env["sales_followup.visit.plan"]
        vals_list = []
        self.followed = {}  # partner id: days ago of the last follow-up
        recycle_due = {
            info["partner"].id for info in self.customers if info.get("claimed") == 400
        }
        for info in self.customers:
            owner, partner = info["owner"], info["partner"]
            if not owner or partner.id in recycle_due:
                continue
            every = {"large": 18, "medium": 35, "small": 80}[info["scale"]]
            day = rng.randint(2, every)
            while day <= 90:
                state = self._pick(["done", "missed", "cancelled"], [85, 10, 5])
                hour = rng.choice([9.5, 10.0, 13.5, 14.0, 15.0])
                planned = self._at(self._ago(day), hour)
                vals = {
                    "partner_id": partner.id,
                    "user_id": owner.id,
                    "purpose": rng.choice(D.VISIT_PURPOSES),
                    "planned_date": planned,
                    "contact_ids": [Command.set(info["contacts"][:1].ids)],
                    "state": state,
                }
                if state == "done":
                    lat = info["lat"] + rng.uniform(-0.002, 0.002)
                    lon = info["lon"] + rng.uniform(-0.002, 0.002)
                    checkin = planned + timedelta(minutes=rng.randint(-10, 20))
                    vals.update(
                        checkin_date=checkin,
                        checkin_located=True,
                        checkin_latitude=lat,
                        checkin_longitude=lon,
                        checkin_accuracy=rng.randint(10, 60),
                        checkout_date=checkin + timedelta(minutes=rng.randint(40, 150)),
                        outcome=self._pick(
                            ["progress", "no_change", "blocked", "lost"],
                            [55, 30, 10, 5],
                        ),
                        note=f"<p>{rng.choice(D.VISIT_NOTES)}</p>",
                        next_step=rng.choice(D.NEXT_STEPS),
                    )
                    self.followed[partner.id] = min(
                        self.followed.get(partner.id, 999), day
                    )
                vals_list.append(vals)
                day += every + rng.randint(-5, 10)
        # today's plans (the first one of the salesperson checked in) and the next days'
        held = defaultdict(list)
        for info in self.customers:
            if info["owner"] and info["partner"].id not in recycle_due:
                held[info["owner"]].append(info)
        for user, infos in held.items():
            todays = rng.sample(infos, min(3, len(infos)))
            for n, info in enumerate(todays):
                planned = self._at(self.today, [9.5, 14.0, 16.5][n])
                vals = {
                    "partner_id": info["partner"].id,
                    "user_id": user.id,
                    "purpose": rng.choice(D.VISIT_PURPOSES),
                    "planned_date": planned,
                    "contact_ids": [Command.set(info["contacts"][:1].ids)],
                }
                if n == 0:
                    vals.update(
                        checkin_date=planned + timedelta(minutes=5),
                        checkin_located=True,
                        checkin_latitude=info["lat"] + 0.001,
                        checkin_longitude=info["lon"] + 0.001,
                        checkin_accuracy=20,
                    )
                vals_list.append(vals)
            for info in rng.sample(infos, min(3, len(infos))):
                vals_list.append(
                    {
                        "partner_id": info["partner"].id,
                        "user_id": user.id,
                        "purpose": rng.choice(D.VISIT_PURPOSES),
                        "planned_date": self._at(
                            self.today + timedelta(days=rng.randint(1, 7)), 10.0
                        ),
                    }
                )
        plans = Plan.create(vals_list)
        self.counts["visits"] = len(plans)

    def _make_followups(self):
        """Done follow-ups (calls, WeChat, e-mails) as the done activities'
        messages on the customers, by their salesperson; every held customer
        followed up within the team's 90 days but the few due for recycling
        and a handful close to it (they get the notice). Then each
        salesperson's open activities: overdue, today, the next days."""
        rng, env = self.rng, self.env
        types = [
            env.ref("sales_followup.mail_activity_type_phone"),
            env.ref("sales_followup.mail_activity_type_wechat"),
            env.ref("sales_followup.mail_activity_type_email"),
        ]
        subtype = env.ref("mail.mt_activities")
        by_user = defaultdict(list)
        notice = 0
        for info in self.customers:
            owner, partner = info["owner"], info["partner"]
            if not owner or info.get("claimed") == 400:
                continue
            days = []
            last = self.followed.get(partner.id)
            if last is None or last > 80:
                if notice < 6 and (info.get("claimed") or 0) > 95:
                    days.append(rng.randint(84, 88))  # due within the notice days
                    notice += 1
                else:
                    days.append(rng.randint(1, 80))
            days += [rng.randint(1, 365) for _ in range(rng.randint(0, 3))]
            for day in days:
                kind = rng.choice(types)
                by_user[owner].append(
                    {
                        "model": "res.partner",
                        "res_id": partner.id,
                        "message_type": "notification",
                        "subtype_id": subtype.id,
                        "mail_activity_type_id": kind.id,
                        "author_id": owner.partner_id.id,
                        "date": self._at(self._ago(day), rng.uniform(9, 18)),
                        "body": f"<p>{kind.name}: {rng.choice(D.FOLLOWUP_NOTES)}</p>",
                    }
                )
        count = 0
        for user, vals_list in by_user.items():
            # the salesperson made them (the follow-up counts for its author)
            count += len(env["mail.message"].with_user(user).sudo().create(vals_list))
        # open activities
        model_id = env["ir.model"]._get_id("res.partner")
        activities = []
        held = defaultdict(list)
        for info in self.customers:
            if info["owner"]:
                held[info["owner"]].append(info)
        for user, infos in held.items():
            for offset in rng.sample([-6, -3, -1, 0, 0, 1, 2, 4, 7, 10], 6):
                info = rng.choice(infos)
                kind = rng.choice(types)
                activities.append(
                    {
                        "res_model_id": model_id,
                        "res_id": info["partner"].id,
                        "activity_type_id": kind.id,
                        "user_id": user.id,
                        "date_deadline": self.today + timedelta(days=offset),
                        "summary": rng.choice(D.NEXT_STEPS),
                    }
                )
        env["mail.activity"].create(activities)
        self.counts["followups"] = count
        self.counts["activities"] = len(activities)

    # ------------------------------------------------------------------
    # key projects
    # ------------------------------------------------------------------
    def _make_projects(self):
        rng, env = self.rng, self.env
        stages = [env.ref(f"crm.stage_lead{n}") for n in (1, 2, 3, 4)]
        candidates = [
            i
            for i in self.customers
            if i["owner"] and i["scale"] != "small" and i["profile"] != "lost"
        ]
        chosen = rng.sample(candidates, min(len(candidates), max(4, self.size // 12)))
        # the demo logins' salesperson and leader hold one each at least
        for login in ("sales", "leader"):
            user = self.users[login]
            if not any(i["owner"] == user for i in chosen):
                own = [
                    i for i in self.customers if i["owner"] == user and i["contacts"]
                ]
                if own:
                    chosen.append(own[0])
        vals_list = []
        for n, info in enumerate(chosen):
            stage = stages[min(3, n % 5)] if n % 5 < 4 else stages[rng.randint(0, 2)]
            probability = {0: 10, 1: 30, 2: 60, 3: 100}[stages.index(stage)]
            contacts = info["contacts"]
            milestones = []
            for k, name in enumerate(D.MILESTONES):
                planned = self.today + timedelta(days=(k - 2) * 20 + rng.randint(-5, 5))
                done = planned < self.today and not (k == 1 and n % 3 == 0)
                milestones.append(
                    Command.create(
                        {
                            "name": name,
                            "sequence": k,
                            "planned_date": planned,
                            "done_date": planned + timedelta(days=rng.randint(-3, 3))
                            if done
                            else False,
                            "user_id": info["owner"].id,
                        }
                    )
                )
            vals_list.append(
                {
                    "name": info["name"].removesuffix("有限公司").removesuffix("股份")
                    + rng.choice(D.PROJECTS),
                    "type": "opportunity",
                    "partner_id": info["partner"].id,
                    "user_id": info["owner"].id,
                    "team_id": self.teams[info["region"]].id,
                    "stage_id": stage.id,
                    "probability": probability,
                    "expected_revenue": round(
                        SCALES[info["scale"]][2] * rng.uniform(3, 12), -3
                    ),
                    "date_deadline": self.today + timedelta(days=rng.randint(10, 150)),
                    "sf_is_key_project": True,
                    "sf_decision_maker_ids": [
                        Command.create(
                            {
                                "partner_id": contact.id,
                                "role": contact.ka_decision_role,
                                "attitude": self._pick(
                                    ["supporter", "neutral", "opponent"], [45, 40, 15]
                                ),
                            }
                        )
                        for contact in contacts
                    ],
                    "sf_competitor_ids": [
                        Command.create(
                            {
                                "name": name,
                                "strengths": strengths,
                                "weaknesses": weaknesses,
                                "threat_level": rng.choice(["low", "medium", "high"]),
                            }
                        )
                        for name, strengths, weaknesses in rng.sample(D.COMPETITORS, 2)
                    ],
                    "sf_milestone_ids": milestones,
                }
            )
        leads = env["crm.lead"].create(vals_list)
        self.counts["projects"] = len(leads)

    # ------------------------------------------------------------------
    # KPI targets
    # ------------------------------------------------------------------
    def _make_kpi_targets(self):
        rng = self.rng
        revenue = defaultdict(float)  # user: revenue of the last 12 months
        for row in self.invoiced:
            if (self.today - row["invoice_date"]).days <= 365:
                revenue[row["seller"].id] += row["order"].amount_untaxed
        month = self.today.replace(day=1)
        quarter = month.replace(month=3 * ((month.month - 1) // 3) + 1)
        vals_list = []
        for region, users in self.sellers.items():
            for user in users:
                monthly = max(revenue[user.id] / 12.0, 50000.0)
                for period_type, start, factor in (
                    ("month", month - relativedelta(months=1), 1),
                    ("month", month, 1),
                    ("quarter", quarter, 3),
                ):
                    vals_list.append(
                        {
                            "user_id": user.id,
                            "team_id": self.teams[region].id,
                            "period_type": period_type,
                            "period_start": start,
                            "target_revenue": round(
                                monthly * factor * rng.uniform(0.9, 1.3), -4
                            ),
                            "target_collection": round(
                                monthly * factor * rng.uniform(0.8, 1.1), -4
                            ),
                            "target_new_customer": rng.randint(1, 3) * factor,
                            "target_visit": rng.randint(10, 16) * factor,
                            "target_followup": rng.randint(15, 25) * factor,
                        }
                    )
        targets = self.env["sales_followup.kpi.target"].create(vals_list)
        self.counts["kpi_targets"] = len(targets)

    # ------------------------------------------------------------------
    # feedback tickets, SLA, revisits
    # ------------------------------------------------------------------
    def _make_tickets(self):
        rng, env = self.rng, self.env
        service = [
            u
            for (role, _r), users in self.role_users.items()
            if role == "service"
            for u in users
        ]
        team = env["helpdesk.ticket.team"].create(
            {
                "name": "售后服务中心",
                "user_ids": [Command.set([u.id for u in service])],
                "user_id": self.users["service"].id,
                "company_id": self.company.id,
            }
        )
        env["after_sales.feedback.staff"].create(
            [
                {"user_id": u.id, "team_id": team.id, "sequence": n}
                for n, u in enumerate(service)
            ]
        )
        stage = {
            code: env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{code}")
            for code in ("new", "in_progress", "awaiting", "done")
        }
        licensed = self.product_list.filtered("as_is_licensed")
        # buckets: (hours since the start, stage, hours to respond, hours to close)
        buckets = [
            (0.5, "new", None, None),
            (2, "new", None, None),
            (5, "new", None, None),
            (30, "new", None, None),
            (80, "new", None, None),
            (24 * 9, "new", None, None),
            (3, "in_progress", 0.5, None),
            (26, "in_progress", 1, None),
            (120, "in_progress", 2, None),
            (24 * 25, "in_progress", 3, None),
            (200, "awaiting", 3, None),
            (24 * 6, "done", 1, 20),
            (24 * 12, "done", 0.5, 6),
            (24 * 20, "done", 2, 30),
            (24 * 35, "done", 8, 24 * 18),
            (24 * 50, "done", 1, 10),
            (24 * 70, "done", 30, 24 * 25),
            (24 * 85, "done", 1, 4),
        ]
        per_bucket = max(2, self.size // 60)
        customers = [i for i in self.customers if i["orders"] and i["owner"]]
        vals_list, meta = [], []
        for bucket in buckets:
            for _n in range(per_bucket):
                info = rng.choice(customers)
                subject, description = rng.choice(D.TICKET_SUBJECTS)
                channel = self._pick(
                    ["phone", "email", "portal", "wechat"], [45, 25, 15, 15]
                )
                contact = info["contacts"][:1]
                vals = {
                    "name": subject,
                    "description": f"<p>{description}</p>",
                    "partner_id": contact.id or info["partner"].id,
                    "as_channel": channel,
                    "as_product_id": rng.choice(licensed).id,
                    "team_id": team.id,
                    "user_id": self._pick(service, [3] + [1] * (len(service) - 1)).id,
                    "stage_id": stage["new"].id,
                    "priority": self._pick(["0", "1", "2", "3"], [30, 40, 20, 10]),
                    "company_id": self.company.id,
                }
                if channel == "phone":
                    vals["as_caller_number"] = contact.mobile or False
                    vals["as_call_time"] = datetime.now() - timedelta(hours=bucket[0])
                vals_list.append(vals)
                meta.append(bucket)
        tickets = env["helpdesk.ticket"].create(vals_list)
        now = datetime.now().replace(microsecond=0)
        groups = defaultdict(lambda: env["helpdesk.ticket"])
        for ticket, bucket in zip(tickets, meta, strict=True):
            groups[bucket] |= ticket
        closed = env["helpdesk.ticket"]
        for bucket, group in groups.items():
            hours, stage_code, respond, close = bucket
            start = now - timedelta(hours=hours)
            group._as_plan_sla(start)
            if respond is not None:
                group.write(
                    {"as_first_response_date": start + timedelta(hours=respond)}
                )
                group.write({"stage_id": stage[stage_code].id})
            if close is not None:
                done_at = start + timedelta(hours=close)
                late = group.filtered(
                    lambda t, d=done_at: (
                        t.as_resolution_deadline and d > t.as_resolution_deadline
                    )
                )
                group.write({"closed_date": done_at, "as_resolution_breached": False})
                if late:
                    late.write({"as_resolution_breached": True})
                closed |= group
        # late responses among the answered ones
        answered = tickets.filtered("as_first_response_date")
        late_response = answered.filtered(
            lambda t: (
                t.as_response_deadline
                and t.as_first_response_date > t.as_response_deadline
            )
        )
        (answered - late_response).write({"as_response_breached": False})
        if late_response:
            late_response.write({"as_response_breached": True})
        # breaches and near-breaches of the open tickets, escalated to the leader
        env["helpdesk.ticket"]._cron_sla_escalate()
        # the revisits of the closed tickets: most done by phone with a score
        revisits = env["after_sales.revisit"].search([("ticket_id", "in", closed.ids)])
        by_score = defaultdict(lambda: env["after_sales.revisit"])
        pending = env["after_sales.revisit"]
        for revisit in revisits:
            closed_on = revisit.ticket_id.closed_date.date()
            if (self.today - closed_on).days < 7:
                pending |= revisit
                continue
            score = self._pick([5, 4, 3, 2, 1], [45, 30, 13, 8, 4])
            by_score[score, closed_on] |= revisit
        # the last week's revisits are still to call, by the demo's 售后人员
        pending.write({"user_id": self.users["service"].id})
        for (score, closed_on), group in by_score.items():
            group.write(
                {
                    "state": "done",
                    "score": score,
                    "comment": D.REVISIT_COMMENTS[score],
                    "date_scheduled": closed_on + timedelta(days=2),
                    "date_done": closed_on + timedelta(days=rng.randint(2, 4)),
                }
            )
        self.counts["tickets"] = len(tickets)
        self.counts["revisits"] = len(revisits)

    # ------------------------------------------------------------------
    # contracts
    # ------------------------------------------------------------------
    def _make_contracts(self):
        rng, env = self.rng, self.env
        product = self.products[D.PRODUCTS[3][0]]
        candidates = [
            i
            for i in self.customers
            if i["owner"] and i["orders"] and i["scale"] != "small"
        ]
        chosen = rng.sample(candidates, min(len(candidates), max(3, self.size // 10)))
        vals_list = []
        for n, info in enumerate(chosen):
            # a third end within the reminder days, the others later
            end = self.today + timedelta(
                days=rng.randint(5, 28) if n % 3 == 0 else rng.randint(60, 330)
            )
            start = end - relativedelta(years=1) + timedelta(days=1)
            vals_list.append(
                {
                    "name": f"{info['name']} 年度运维服务合同",
                    "partner_id": info["partner"].id,
                    "contract_type": "sale",
                    "user_id": info["owner"].id,
                    "company_id": self.company.id,
                    "contract_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": product.name,
                                "quantity": 1,
                                "price_unit": product.list_price,
                                "recurring_rule_type": "yearly",
                                "recurring_interval": 1,
                                "date_start": start,
                                "date_end": end,
                            }
                        )
                    ],
                }
            )
        # the last two are new contracts starting next week, waiting for the
        # team leader's approval (合同审批); the others run
        for vals in vals_list[-2:]:
            line = vals["contract_line_ids"][0][2]
            line["date_start"] = self.today + timedelta(days=7)
            line["date_end"] = line["date_start"] + relativedelta(years=1, days=-1)
        contracts = env["contract.contract"].create(vals_list)
        # the running ones were approved by their team leader
        approved = contracts[:-2].filtered(lambda c: c.ka_state != "running")
        approved.request_validation()
        for contract in approved:
            reviewer = contract.review_ids.reviewer_ids[:1]
            if reviewer:
                contract.with_user(reviewer).validate_tier()
        contracts[-2:].request_validation()
        self.counts["contracts"] = len(contracts)
        self._make_quotations_to_approve()

    def _make_quotations_to_approve(self):
        """Quotations over their grade's discount limit, sent for approval by
        the demo salesperson: the leader finds them in the activities."""
        grades = self.env["key_account.grade"].search(
            [("approval_max_discount", "=", 0)]
        )
        grades.write({"approval_max_discount": 15})
        seller = self.users["sales"]
        mine = [i for i in self.customers if i["partner"].user_id == seller][:2]
        product = self.products[D.PRODUCTS[0][0]]
        orders = (
            self.env["sale.order"]
            .with_user(seller)
            .create(
                [
                    {
                        "partner_id": info["partner"].id,
                        "user_id": seller.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": 5 + n,
                                    "discount": 20 + 5 * n,
                                }
                            )
                        ],
                    }
                    for n, info in enumerate(mine)
                ]
            )
        )
        for order in orders:
            order.request_validation()
        self.counts["quotations_to_approve"] = len(orders)

    # ------------------------------------------------------------------
    # the portal customer
    # ------------------------------------------------------------------
    def _make_portal_user(self):
        env = self.env
        if (
            env["res.users"]
            .with_context(active_test=False)
            .search_count([("login", "=", "customer")])
        ):
            return
        rows = env["after_sales.authorization"]._read_group(
            [("partner_id", "in", [i["partner"].id for i in self.customers])],
            ["partner_id"],
            ["__count"],
            order="__count desc",
            limit=1,
        )
        if not rows:
            return
        partner = rows[0][0]
        contact = partner.child_ids[:1]
        contact.email = "customer@example.cn"
        env["res.users"].create(
            {
                "login": "customer",
                "password": D.DEMO_PASSWORD,
                "partner_id": contact.id,
                "lang": "zh_CN",
                "tz": "Asia/Shanghai",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [Command.set([env.ref("base.group_portal").id])],
            }
        )
        self.portal_partner = partner

    def _make_churn(self):
        """A few dormant or lost customers marked lost by hand with their
        churn reason (and the competitor they went to, 流失方向), after the
        pipeline set every customer's status: the churn analysis and the
        win-back list have something to show."""
        env = self.env
        Partner = env["res.partner"]
        competitors = Partner.create(
            [
                {"name": name, "is_company": True, "ka_customer_type": "competitor"}
                for name in ("智远软件股份有限公司", "恒泰信息技术有限公司")
            ]
        )
        candidates = Partner.search(
            [
                ("id", "in", [info["partner"].id for info in self.customers]),
                ("ka_status", "in", ["dormant", "lost"]),
            ],
            order="id",
            limit=6,
        )
        codes = ("competitor", "price", "service", "competitor", "need_gone")
        codes += ("company_closed",)
        # by hand, as a user of the company would: the notes in Chinese
        lang = "zh_CN" if env["res.lang"]._lang_get("zh_CN") else None
        Wizard = env["key_account.status.wizard"].with_context(lang=lang)
        for n, partner in enumerate(candidates):
            reason = env.ref(f"key_account.churn_reason_{codes[n % len(codes)]}")
            Wizard.create(
                {
                    "partner_ids": [(6, 0, partner.ids)],
                    "new_status": "lost",
                    "reason_id": reason.id,
                    "competitor_id": reason.ask_competitor and competitors[n % 2].id,
                }
            ).action_confirm()
        self.counts["lost_by_hand"] = len(candidates)

    def _run_pipeline(self):
        # in the company's language, as its users read what the steps write
        # (the generated visit plans' purpose, the reminders' summaries)
        lang = "zh_CN" if self.env["res.lang"]._lang_get("zh_CN") else None
        report = (
            self.env["key_account.pipeline"]
            .with_context(lang=lang)
            ._run(companies=self.company)
        )
        self.counts["pipeline_rows"] = sum(r["rows"] for r in report)
