"""Benchmark of the nightly key-account refresh on 100,000 customers.

    make bench ARGS=key_account

The first run fills the bench database with generated data, straight in SQL
(a few minutes at most), and commits it; later runs find it and reuse it:

* 20 salespeople in 4 sales teams; 100,000 active customer companies (plus
  1,000 archived ones), 70 % of them owned by a salesperson, the rest in the
  public pool;
* 250,000 posted customer invoices and refunds (about 5 %) with 1,000,000
  product lines and one receivable line each, over the 3 years before
  ``TODAY``. 30 % of the customers never bought; the invoices of the others
  follow a Pareto law (a few customers make most of the invoices), amounts are
  lognormal, some customers stopped buying, some pay late (overdue
  receivables);
* a confirmed sales order (with its margin) behind most invoices, and some
  quotations and cancelled orders, which must not count.

Two cases, one JSON line each:

``key_account_refresh_baseline``
    a naive per-customer ORM version of the figures (searches and sums in
    Python, one write per customer) on a sample of 200 customers.
``key_account_refresh``
    ``key_account.refresh.refresh_all(TODAY)`` on every customer, from the
    generated state: every customer gets its first figures, grade and
    warnings. Also the time and queries of each step (``<step>_seconds``,
    ``<step>_queries``), the same for the next night's refresh
    (``next_day_*``), the speed-up on the naive version, and
    ``baseline_mismatches``: sample customers whose naive figures differ from
    the set-wise ones (must be 0).

Everything the cases write is rolled back at the end, so that every run
measures the same refresh on the same data.
"""

import io
import logging
import sys
import time
from contextlib import ExitStack
from datetime import date, timedelta
from unittest.mock import patch

import numpy as np

_logger = logging.getLogger("bench.key_account")

# --- the generated data set --------------------------------------------------
TODAY = date(2026, 6, 30)  # fixed, so that the data set can be reused forever
YEARS = 3  # invoices spread over the 3 years before TODAY
N_CUSTOMERS = 100_000  # active customer companies
N_ARCHIVED = 1_000  # archived ones, which the refresh must skip
N_INVOICES = 250_000  # posted invoices and refunds
N_LINES = 1_000_000  # their product lines (each also has a receivable line)
BUYER_SHARE = 0.7  # share of the customers that ever bought
PARETO_SHAPE = 1.2  # invoices per buyer: the lower, the more skewed
MAX_WEIGHT = 1000  # ... capped: the largest customer has some 600 invoices
ORDER_VALUE = 3000  # median order value of a small customer (CNY)
SIZE_EXP = 0.25  # frequent buyers also place larger orders
REFUND_SHARE = 0.05
N_SALESPEOPLE = 20
TEAMS = ("BENCH 华东", "BENCH 华南", "BENCH 华北", "BENCH 西南")
REF_PREFIX = "BENCH"  # res_partner.ref of the generated customers
SEED = 20260630

# --- the naive per-customer version ------------------------------------------
BASELINE_SAMPLE = 200


def _measure():
    """run_bench.Measure: seconds and SQL queries of a block."""
    return sys.modules["__main__"].Measure()


# =============================================================================
# data generation
# =============================================================================
def _copy(cr, table, columns, rows):
    """COPY rows (tuples of plain values, no tabs or newlines) into a table."""
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row))
        buf.write("\n")
    buf.seek(0)
    cr.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)


def _salespeople(env):
    """20 salespeople in 4 sales teams (created with the ORM, once)."""
    Users = env["res.users"].with_context(no_reset_password=True)
    group = env.ref("key_account.key_account_group_user")
    teams = env["crm.team"]
    for name in TEAMS:
        teams |= teams.search([("name", "=", name)], limit=1) or teams.create(
            {"name": name}
        )
    users = env["res.users"]
    for i in range(N_SALESPEOPLE):
        login = f"bench_sales_{i:02d}"
        user = Users.search([("login", "=", login)], limit=1)
        if not user:
            user = Users.create(
                {
                    "name": f"基准销售{i:02d}",
                    "login": login,
                    "email": f"{login}@example.com",
                    "groups_id": [(6, 0, [group.id])],
                }
            )
            env["crm.team.member"].create(
                {"user_id": user.id, "crm_team_id": teams[i % len(teams)].id}
            )
        users |= user
    return users, teams


def _accounts(env):
    """Company, currency, sale journal, receivable and income accounts."""
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    Account = env["account.account"].with_company(company)
    mine = [("company_ids", "in", company.ids)]
    receivable = Account.search(
        mine + [("account_type", "=", "asset_receivable")], limit=1
    )
    if not receivable:
        receivable = Account.create(
            {
                "name": "Bench Receivable",
                "code": "BENCH1",
                "account_type": "asset_receivable",
                "reconcile": True,
            }
        )
    income = journal.default_account_id or Account.search(
        mine + [("account_type", "=", "income")], limit=1
    )
    if not income:
        income = Account.create(
            {"name": "Bench Sales", "code": "BENCH2", "account_type": "income"}
        )
    if not journal:
        journal = env["account.journal"].create(
            {
                "name": "Bench Sales",
                "code": "BINV",
                "type": "sale",
                "company_id": company.id,
                "default_account_id": income.id,
            }
        )
    return company, journal, receivable, income


def _customer_rows(rng, users, teams):
    """The number of customers and a row for each: salesperson, team,
    customer type, active, margin of their orders."""
    n = N_CUSTOMERS + N_ARCHIVED
    active = np.ones(n, dtype=bool)
    active[rng.choice(n, N_ARCHIVED, replace=False)] = False
    # 70 % owned by a salesperson (some sell much more than others)
    owned = rng.random(n) < 0.7
    seller = rng.choice(len(users), n, p=_normalised(rng.pareto(2.0, len(users)) + 1))
    kinds = ("end_customer", "partner", "competitor", None)
    ctype = rng.choice(len(kinds), n, p=[0.8, 0.12, 0.03, 0.05])
    margin_pct = np.round(rng.uniform(0.08, 0.45, n), 3)
    rows = (
        (
            idx,
            users[int(seller[idx])].id if owned[idx] else None,
            teams[int(seller[idx]) % len(teams)].id if owned[idx] else None,
            kinds[ctype[idx]],
            "t" if active[idx] else "f",
            margin_pct[idx],
        )
        for idx in range(n)
    )
    return n, rows


def _normalised(weights):
    return weights / weights.sum()


def _invoice_rows(rng, n_customers):
    """One row per invoice: customer, date, refund, amount, lines, payment."""
    # buyers get one invoice each, the rest is spread by a Pareto weight
    buyer = rng.random(n_customers) < BUYER_SHARE
    weight = np.minimum(rng.pareto(PARETO_SHAPE, n_customers) + 1.0, MAX_WEIGHT) * buyer
    counts = buyer.astype(int) + rng.multinomial(
        N_INVOICES - buyer.sum(), _normalised(weight)
    )
    cust = np.repeat(np.arange(n_customers), counts)
    # each buyer buys between its first day and, for 35 % of them, a last day
    horizon = YEARS * 365
    first = rng.integers(30, horizon, n_customers)  # days before TODAY
    churned = rng.random(n_customers) < 0.35
    last = np.where(churned, (first * rng.random(n_customers)).astype(int), 0)
    days_ago = last[cust] + ((first[cust] - last[cust]) * rng.random(len(cust))).astype(
        int
    )
    # order value: lognormal per customer, larger for frequent buyers
    size = (
        rng.lognormal(np.log(ORDER_VALUE), 1.0, n_customers) * (weight + 1) ** SIZE_EXP
    )
    amount = size[cust] * rng.lognormal(0.0, 0.6, len(cust))
    refund = rng.random(len(cust)) < REFUND_SHARE
    amount = np.round(np.where(refund, amount * rng.uniform(0.05, 0.5), amount), 2)
    amount = np.maximum(amount, 1.0)
    # product lines: 1 + the remaining lines at random, 1,000,000 in total
    n_lines = 1 + np.bincount(
        rng.integers(0, len(cust), N_LINES - len(cust)), minlength=len(cust)
    )
    # payment: 30-day terms; old invoices are paid, bad payers (3 %) often not
    bad_payer = rng.random(n_customers) < 0.03
    p_unpaid = np.select(
        [days_ago < 30, days_ago < 45, days_ago < 90], [0.85, 0.5, 0.15], 0.02
    )
    p_unpaid = np.where(bad_payer[cust] & (days_ago >= 30), 0.5, p_unpaid)
    unpaid = rng.random(len(cust)) < p_unpaid
    residual = np.where(unpaid, np.where(rng.random(len(cust)) < 0.2, 0.4, 1.0), 0.0)
    # sales orders: confirmed behind 80 % of the invoices, some quotations
    # (draft) and cancelled orders that must not count
    kind = rng.choice(4, len(cust), p=[0.12, 0.8, 0.05, 0.03])
    kind = np.where(refund, 0, kind)
    order_states = (None, "sale", "draft", "cancel")
    order_lag = rng.integers(0, 21, len(cust))
    rows = (
        (
            i,
            cust[i],
            TODAY - timedelta(days=int(days_ago[i])),
            "t" if refund[i] else "f",
            amount[i],
            n_lines[i],
            residual[i],
            order_states[kind[i]],
            order_lag[i],
        )
        for i in range(len(cust))
    )
    return rows


def _generate(env):
    """Fill the database with the data set, in SQL, and commit it."""
    cr = env.cr
    rng = np.random.default_rng(SEED)
    # room for the sorts and hashes of the bulk inserts (this transaction only)
    cr.execute("SET LOCAL work_mem = '256MB'")
    users, teams = _salespeople(env)
    company, journal, receivable, income = _accounts(env)
    env.flush_all()
    common = {
        "uid": env.uid,
        "company": company.id,
        "currency": company.currency_id.id,
        "journal": journal.id,
        "receivable": receivable.id,
        "income": income.id,
        "country": env.ref("base.cn").id,
        "prefix": REF_PREFIX,
    }

    # --- customers ---
    t0 = time.perf_counter()
    cr.execute(
        """
        CREATE TEMP TABLE bench_cust (
            idx int PRIMARY KEY, user_id int, team_id int, ctype varchar,
            active bool, margin_pct numeric, pid int
        ) ON COMMIT DROP
        """
    )
    n_customers, rows = _customer_rows(rng, users, teams)
    _copy(
        cr,
        "bench_cust",
        ["idx", "user_id", "team_id", "ctype", "active", "margin_pct"],
        rows,
    )
    cr.execute("UPDATE bench_cust SET pid = nextval('res_partner_id_seq')")
    cr.execute(
        """
        INSERT INTO res_partner (
            id, commercial_partner_id, name, complete_name, ref, type,
            is_company, active, lang, tz, country_id, company_id, user_id,
            team_id, ka_customer_type, ka_status, customer_rank, supplier_rank,
            partner_share, employee, autopost_bills, color,
            create_uid, write_uid, create_date, write_date)
        SELECT c.pid, c.pid, n.name, n.name,
               %(prefix)s || lpad(c.idx::text, 6, '0'), 'contact',
               TRUE, c.active, 'en_US', 'Asia/Shanghai', %(country)s, NULL,
               c.user_id, c.team_id, c.ctype, 'active', 1, 0,
               TRUE, FALSE, 'ask', 0,
               %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM bench_cust c
         CROSS JOIN LATERAL (
               SELECT '基准客户' || lpad(c.idx::text, 6, '0') || '有限公司' AS name
         ) n
        """,
        common,
    )
    # fresh statistics before the next inserts: the foreign-key checks of
    # 1,000,000 lines are planned once, and an "empty" table gets a bad plan
    cr.execute("ANALYZE res_partner")
    _logger.info("bench: %s customers in %.1fs", n_customers, time.perf_counter() - t0)

    # --- invoices: one row each, with the id of its account.move ---
    t0 = time.perf_counter()
    cr.execute(
        """
        CREATE TEMP TABLE bench_inv (
            idx int PRIMARY KEY, cust int, inv_date date, refund bool,
            amount numeric, n_lines int, residual_ratio numeric,
            order_state varchar, order_lag int, move_id int
        ) ON COMMIT DROP
        """
    )
    _copy(
        cr,
        "bench_inv",
        [
            "idx",
            "cust",
            "inv_date",
            "refund",
            "amount",
            "n_lines",
            "residual_ratio",
            "order_state",
            "order_lag",
        ],
        _invoice_rows(rng, n_customers),
    )
    _logger.info("bench: invoice rows in %.1fs", time.perf_counter() - t0)
    cr.execute("UPDATE bench_inv SET move_id = nextval('account_move_id_seq')")
    cr.execute("ANALYZE bench_cust; ANALYZE bench_inv")
    cr.execute(
        """
        INSERT INTO account_move (
            id, name, journal_id, company_id, currency_id, state, move_type,
            auto_post, date, invoice_date, invoice_date_due, partner_id,
            commercial_partner_id, invoice_partner_display_name,
            invoice_user_id, team_id, sequence_prefix, sequence_number,
            payment_reference, amount_untaxed, amount_tax, amount_total,
            amount_residual, amount_untaxed_signed,
            amount_untaxed_in_currency_signed, amount_tax_signed,
            amount_total_signed, amount_total_in_currency_signed,
            amount_residual_signed, payment_state, invoice_currency_rate,
            posted_before, is_move_sent, checked, is_storno,
            made_sequence_gap, always_tax_exigible,
            create_uid, write_uid, create_date, write_date)
        SELECT i.move_id, v.name, %(journal)s, %(company)s, %(currency)s,
               'posted', v.move_type, 'no', i.inv_date, i.inv_date,
               i.inv_date + 30, c.pid, c.pid,
               '基准客户' || lpad(c.idx::text, 6, '0') || '有限公司',
               c.user_id, c.team_id, v.prefix, i.idx + 1, v.name,
               i.amount, 0, i.amount, v.residual,
               v.sign * i.amount, v.sign * i.amount, 0,
               v.sign * i.amount, v.sign * i.amount, v.sign * v.residual,
               CASE WHEN v.residual = 0 THEN 'paid'
                    WHEN v.residual < i.amount THEN 'partial'
                    ELSE 'not_paid' END,
               1, TRUE, TRUE, TRUE, FALSE, FALSE, FALSE,
               %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM bench_inv i
          JOIN bench_cust c ON c.idx = i.cust
         CROSS JOIN LATERAL (
               SELECT CASE WHEN i.refund THEN 'out_refund' ELSE 'out_invoice' END
                          AS move_type,
                      CASE WHEN i.refund THEN 'BRINV/' ELSE 'BINV/' END AS prefix,
                      CASE WHEN i.refund THEN 'BRINV/' ELSE 'BINV/' END
                          || lpad((i.idx + 1)::text, 7, '0') AS name,
                      CASE WHEN i.refund THEN -1 ELSE 1 END AS sign,
                      round(i.amount * i.residual_ratio, 2) AS residual
         ) v
        """,
        common,
    )
    cr.execute("ANALYZE account_move")
    _logger.info("bench: invoices in %.1fs", time.perf_counter() - t0)

    # --- product lines: the amount split at random over n_lines lines; the
    # cumulative rounding makes them add up to the invoice amount exactly ---
    t0 = time.perf_counter()
    cr.execute(
        """
        INSERT INTO account_move_line (
            move_id, move_name, date, invoice_date, parent_state, journal_id,
            company_id, company_currency_id, currency_id, account_id,
            partner_id, display_type, sequence, name, quantity, price_unit,
            discount, price_subtotal, price_total, debit, credit, balance,
            amount_currency, amount_residual, amount_residual_currency,
            reconciled, tax_base_amount,
            create_uid, write_uid, create_date, write_date)
        SELECT l.move_id, l.name, l.inv_date, l.inv_date, 'posted', %(journal)s,
               %(company)s, %(currency)s, %(currency)s, %(income)s,
               l.pid, 'product', 10 + l.k, 'Bench product ' || l.k, 1, l.amt,
               0, l.amt, l.amt,
               CASE WHEN l.refund THEN l.amt ELSE 0 END,
               CASE WHEN l.refund THEN 0 ELSE l.amt END,
               CASE WHEN l.refund THEN l.amt ELSE -l.amt END,
               CASE WHEN l.refund THEN l.amt ELSE -l.amt END,
               0, 0, FALSE, 0,
               %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM (
               SELECT s.*,
                      round(s.amount * s.cum / s.total, 2)
                      - round(s.amount * (s.cum - s.w) / s.total, 2) AS amt
                 FROM (
                      SELECT i.move_id, m.name, i.inv_date, i.refund, i.amount,
                             m.partner_id AS pid, g.k, g.w,
                             SUM(g.w) OVER (PARTITION BY i.idx ORDER BY g.k) AS cum,
                             SUM(g.w) OVER (PARTITION BY i.idx) AS total
                        FROM bench_inv i
                        JOIN account_move m ON m.id = i.move_id
                       CROSS JOIN LATERAL (
                             SELECT k, (0.2 + random())::numeric AS w
                               FROM generate_series(1, i.n_lines) k
                       ) g
                 ) s
          ) l
        """,
        common,
    )
    # --- one receivable line per invoice, due 30 days after it ---
    cr.execute(
        """
        INSERT INTO account_move_line (
            move_id, move_name, date, invoice_date, date_maturity,
            parent_state, journal_id, company_id, company_currency_id,
            currency_id, account_id, partner_id, display_type, sequence, name,
            quantity, price_unit, discount, price_subtotal, price_total,
            debit, credit, balance, amount_currency, amount_residual,
            amount_residual_currency, reconciled, tax_base_amount,
            create_uid, write_uid, create_date, write_date)
        SELECT m.id, m.name, m.date, m.invoice_date, m.invoice_date_due,
               'posted', %(journal)s, %(company)s, %(currency)s,
               %(currency)s, %(receivable)s, m.commercial_partner_id,
               'payment_term', 1000, m.name,
               1, 0, 0, 0, 0,
               GREATEST(m.amount_total_signed, 0),
               GREATEST(-m.amount_total_signed, 0),
               m.amount_total_signed, m.amount_total_signed,
               m.amount_residual_signed, m.amount_residual_signed,
               m.amount_residual = 0, 0,
               %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM account_move m
          JOIN bench_inv i ON i.move_id = m.id
        """,
        common,
    )
    _logger.info("bench: invoice lines in %.1fs", time.perf_counter() - t0)

    # --- sales orders behind the invoices, with their margin ---
    t0 = time.perf_counter()
    cr.execute(
        """
        INSERT INTO sale_order (
            name, state, date_order, company_id, partner_id,
            partner_invoice_id, partner_shipping_id, currency_id, user_id,
            team_id, picking_policy, invoice_status, amount_untaxed,
            amount_tax, amount_total, margin, margin_percent, currency_rate,
            locked, require_signature, require_payment, prepayment_percent,
            create_uid, write_uid, create_date, write_date)
        SELECT 'BSO/' || lpad((i.idx + 1)::text, 7, '0'), i.order_state,
               (i.inv_date - i.order_lag) + interval '10 hours'
                   + (i.idx %% 480) * interval '1 minute',
               %(company)s, c.pid, c.pid, c.pid, %(currency)s, c.user_id,
               c.team_id, 'direct',
               CASE WHEN i.order_state = 'sale' THEN 'invoiced' ELSE 'no' END,
               i.amount, 0, i.amount, round(i.amount * c.margin_pct, 2),
               c.margin_pct, 1, FALSE, FALSE, FALSE, 1.0,
               %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM bench_inv i
          JOIN bench_cust c ON c.idx = i.cust
         WHERE i.order_state IS NOT NULL
        """,
        common,
    )
    _logger.info("bench: sales orders in %.1fs", time.perf_counter() - t0)
    for table in ("account_move_line", "sale_order"):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    env.invalidate_all()


def _ensure_data(env):
    """Generate the data set unless the database holds it already.
    Returns the seconds the generation took (0 when reused)."""
    env.cr.execute(
        "SELECT COUNT(*) FROM res_partner WHERE ref LIKE %s AND active",
        (REF_PREFIX + "%",),
    )
    if env.cr.fetchone()[0] >= N_CUSTOMERS:
        return 0.0
    _logger.info("bench: generating the key-account data set")
    t0 = time.perf_counter()
    _generate(env)
    return round(time.perf_counter() - t0, 1)


def _hide_other_companies(env):
    """Archive, in this transaction only, the companies other benchmarks put in
    the bench database (e.g. the sales_followup customers), so that the
    refresh sees our customers only. Our own company stays."""
    env.cr.execute(
        """
        UPDATE res_partner SET active = FALSE
         WHERE is_company AND active
           AND (ref IS NULL OR ref NOT LIKE %s)
           AND id NOT IN (SELECT partner_id FROM res_company)
        """,
        (REF_PREFIX + "%",),
    )
    hidden = env.cr.rowcount
    env.invalidate_all()
    return hidden


def _sizes(env):
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM res_partner WHERE is_company AND active")
    customers = cr.fetchone()[0]
    cr.execute(
        """
        SELECT COUNT(DISTINCT m.id), COUNT(*)
          FROM account_move m
          JOIN account_move_line l ON l.move_id = m.id
         WHERE m.state = 'posted'
           AND m.move_type IN ('out_invoice', 'out_refund')
           AND l.display_type = 'product'
        """
    )
    invoices, lines = cr.fetchone()
    cr.execute("SELECT COUNT(*) FROM sale_order WHERE state = 'sale'")
    orders = cr.fetchone()[0]
    return {
        "customers": customers,
        "invoices": invoices,
        "invoice_lines": lines,
        "sale_orders": orders,
    }


# =============================================================================
# the naive per-customer ORM version of the figures
# =============================================================================
FIGURES = (
    "ka_revenue_12m",
    "ka_revenue_prev_12m",
    "ka_margin_12m",
    "ka_order_count",
    "ka_first_order_date",
    "ka_last_order_date",
    "ka_receivable",
    "ka_overdue",
)


def _naive_figures(partners, today):
    """What one would write without thinking of 100,000 customers: for each
    customer, search its invoices, orders and receivables and add up in
    Python."""
    env = partners.env
    Move, Order, Line = env["account.move"], env["sale.order"], env["account.move.line"]
    d12, d24 = today - timedelta(days=365), today - timedelta(days=730)
    result = {}
    for partner in partners:
        invoices = Move.search(
            [
                ("commercial_partner_id", "=", partner.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", ">", d24),
                ("invoice_date", "<=", today),
            ]
        )
        rev12 = sum(m.amount_untaxed_signed for m in invoices if m.invoice_date > d12)
        rev_prev = sum(
            m.amount_untaxed_signed for m in invoices if m.invoice_date <= d12
        )
        orders = Order.search(
            [("partner_id", "child_of", partner.id), ("state", "=", "sale")]
        )
        days = [o.date_order.date() for o in orders]
        margin12 = sum(o.margin for o in orders if o.date_order.date() > d12)
        receivables = Line.search(
            [
                ("partner_id", "=", partner.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
            ]
        )
        receivable = sum(receivables.mapped("amount_residual"))
        overdue = sum(
            line.amount_residual
            for line in receivables
            if line.date_maturity and line.date_maturity < today
        )
        vals = {
            "ka_revenue_12m": rev12,
            "ka_revenue_prev_12m": rev_prev,
            "ka_revenue_change_pct": (
                round(100 * (rev12 - rev_prev) / rev_prev, 2) if rev_prev > 0 else 0
            ),
            "ka_margin_12m": margin12,
            "ka_order_count": len(orders),
            "ka_first_order_date": min(days) if days else False,
            "ka_last_order_date": max(days) if days else False,
            "ka_days_since_order": (today - max(days)).days if days else 0,
            "ka_receivable": receivable,
            "ka_overdue": overdue,
        }
        partner.write(vals)
        result[partner.id] = vals
    env.flush_all()
    return result


def _same(value, expected):
    if isinstance(value, date) or isinstance(expected, date):
        return value == expected
    return abs(float(value or 0) - float(expected or 0)) < 0.01


def _mismatches(env, naive):
    """Customers whose set-wise figures differ from the naive ones."""
    env.cr.execute(
        f"SELECT id, {', '.join(FIGURES)} FROM res_partner WHERE id = ANY(%s)",
        (list(naive),),
    )
    bad = [
        (pid, name, value, naive[pid][name])
        for pid, *values in env.cr.fetchall()
        for name, value in zip(FIGURES, values, strict=True)
        if not _same(value, naive[pid][name])
    ]
    if bad:
        _logger.warning("bench: set-wise and naive figures differ: %s", bad[:20])
    return len({pid for pid, *_rest in bad})


# =============================================================================
# the cases
# =============================================================================
# the steps of refresh_all, and inside them what costs most
STEPS = (
    ("key_account.refresh", "_refresh_figures", "figures"),
    ("key_account.refresh", "_refresh_rfm", "rfm"),
    ("key_account.refresh", "_refresh_clv", "clv"),
    ("key_account.refresh", "_clv_summary", "clv_summary"),
    ("key_account.grade.rule", "_apply_rules", "grades"),
    ("key_account.grade.history", "_record_bulk", "grades_history"),
    ("key_account.warning.rule", "_run_rules", "warnings"),
    ("key_account.warning", "_raise_warnings", "warnings_raise"),
)


def _spy(steps, key, method):
    """Wrap a model method to add up its seconds and queries, and keep its
    last result."""

    def wrapper(*args, **kwargs):
        with _measure() as m:
            result = method(*args, **kwargs)
        seconds, queries, _last = steps.get(key, (0.0, 0, None))
        steps[key] = (round(seconds + m.seconds, 3), queries + m.queries, result)
        return result

    return wrapper


def _refresh(env, today):
    """refresh_all(today), with the seconds and queries of each step."""
    steps = {}
    with ExitStack() as stack:
        for model, name, key in STEPS:
            cls = type(env[model])
            spy = _spy(steps, key, getattr(cls, name))
            stack.enter_context(patch.object(cls, name, spy))
        env.invalidate_all()
        with _measure() as total:
            env["key_account.refresh"].refresh_all(today)
            env.flush_all()
    figures = {"seconds": total.seconds, "queries": total.queries}
    for _model, _name, key in STEPS:
        seconds, queries, _result = steps.get(key, (0.0, 0, None))
        figures[f"{key}_seconds"] = seconds
        figures[f"{key}_queries"] = queries
    figures["grades_changed"] = steps["grades"][2]
    figures["warnings_opened"], figures["warnings_closed"] = steps["warnings"][2]
    return figures


def bench_key_account_refresh(env, emit):
    generate_seconds = _ensure_data(env)
    hidden = _hide_other_companies(env)
    sizes = _sizes(env)

    # the naive version on a random sample of the active customers
    env.cr.execute(
        "SELECT id FROM res_partner WHERE ref LIKE %s AND active ORDER BY id",
        (REF_PREFIX + "%",),
    )
    ids = [row[0] for row in env.cr.fetchall()]
    rng = np.random.default_rng(SEED)
    picked = rng.choice(len(ids), BASELINE_SAMPLE + 5, replace=False)
    partners = env["res.partner"].browse([ids[i] for i in picked])
    # warm the ORM (first queries, caches) on 5 other customers
    _naive_figures(partners[BASELINE_SAMPLE:], TODAY)
    partners = partners[:BASELINE_SAMPLE]
    env.invalidate_all()
    with _measure() as base:
        naive = _naive_figures(partners, TODAY)
    per_customer = base.seconds / BASELINE_SAMPLE
    emit(
        case="key_account_refresh_baseline",
        customers=BASELINE_SAMPLE,
        seconds=base.seconds,
        queries=base.queries,
        seconds_per_customer=round(per_customer, 4),
        queries_per_customer=round(base.queries / BASELINE_SAMPLE, 1),
    )

    # the set-wise refresh of every customer, from the generated state; then
    # the naive figures of the sample must be those the refresh found
    cold = _refresh(env, TODAY)
    cold["baseline_mismatches"] = _mismatches(env, naive)
    # the next night: few grades change, most warnings are open already
    next_day = _refresh(env, TODAY + timedelta(days=1))
    seconds, queries = cold.pop("seconds"), cold.pop("queries")
    emit(
        **sizes,
        seconds=seconds,
        queries=queries,
        baseline_seconds_per_customer=round(per_customer, 4),
        speedup=round(per_customer * sizes["customers"] / seconds, 1),
        **cold,
        **{f"next_day_{key}": value for key, value in next_day.items()},
        generate_seconds=generate_seconds,
        other_companies_hidden=hidden,
    )

    # keep the generated data, drop what the refreshes wrote
    env.cr.rollback()
