"""Benchmark of the key-account nightly pipeline on 100,000 customers.

    make bench ARGS=key_account

The first run fills the bench database with generated data, straight in SQL
(a few minutes at most), and commits it; later runs find it and reuse it:

* 20 salespeople in 4 sales teams;
* 100,000 customers in the sense of ``key_account.measure._customer_sql``
  (active company partners that are no competitor or supplier), plus 3,000
  active competitors and suppliers and 1,000 archived companies, which the
  pipeline must skip; 70 % are held by a salesperson (claimed in the 175 days
  before ``TODAY``, each with a done follow-up activity since), the rest are
  in the public pool; all were created before their first invoice;
* 250,000 posted customer invoices and refunds (about 5 %) with 1,000,000
  product lines and one receivable line each, over the 3 years before
  ``TODAY``. 30 % of the companies never bought; the invoices of the others
  follow a Pareto law (a few customers make most of the invoices), amounts are
  lognormal, some customers stopped buying, some pay late (overdue
  receivables);
* a confirmed sales order (with its margin) behind most invoices, and some
  quotations and cancelled orders, which must not count.

Cases (each in its own process), one JSON line per measurement:

``key_account_data``
    generates the data set when missing; its sizes.
``key_account_pipeline``
    * ``baseline``: a naive per-customer ORM version of the figures (searches
      and sums in Python, one write per customer) on a sample of 200
      customers, extrapolated per customer;
    * ``cold`` and ``next_night`` on 10 % of the customers (the others
      archived in a rolled-back transaction), then on all of them: the queries of the
      pipeline must not grow with the number of customers;
    * ``cold``: ``key_account.pipeline._run(today=TODAY)`` (every step of every
      installed addon) after the grades, grade history, warnings, their
      activities and the chatter notes of the customers were reset: every
      customer gets its first figures and grade;
    * ``same_day``: the same day again (nothing to do: every step 0 rows);
    * ``next_night``: ``TODAY`` + 1, nothing changed in between;
    * ``verdict``: each target, the figure and whether it is met.

  Each line has seconds, queries, the steps of the pipeline's report (rows,
  seconds and queries of each; each step's pending ORM work is flushed at its
  end, so that it counts in its own step and not in the next one), inside them
  the parts that cost most (chatter notes, activities, followers...), what the
  run created, the memory after each step, the peak RSS of the run and of the
  process, and the load average of the machine (2 shared cores: compare the
  seconds of runs made under similar loads).

The pipeline case runs on a scratch copy of the bench database, dropped at
the end, so that every run measures the same nights on the same data. The
small runs and the baseline are rolled back; the 100,000-customer nights are
committed step by step, as the cron commits them, and the copy is vacuumed
and analysed before each night, as autovacuum does during the day (a night
that follows uncommitted nights in one transaction would scan every row
version those nights left, which no real night does).
"""

import io
import logging
import os
import sys
import time
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from unittest.mock import patch

import numpy as np
import pytz

_logger = logging.getLogger("bench.key_account")

# --- the generated data set --------------------------------------------------
DATA_VERSION = "2"  # bump when the generated data set changes
TODAY = date(2026, 6, 30)  # fixed, so that the data set can be reused forever
YEARS = 3  # invoices spread over the 3 years before TODAY
N_CUSTOMERS = 100_000  # customers of the pipeline
N_NOT_CUSTOMERS = 3_000  # active competitors and suppliers
N_ARCHIVED = 1_000  # archived companies
N_INVOICES = 250_000  # posted invoices and refunds
N_LINES = 1_000_000  # their product lines (each also has a receivable line)
BUYER_SHARE = 0.7  # share of the customers that ever bought
PARETO_SHAPE = 1.2  # invoices per buyer: the lower, the more skewed
MAX_WEIGHT = 1000  # ... capped: the largest customer has some 600 invoices
ORDER_VALUE = 3000  # median order value of a small customer (CNY)
SIZE_EXP = 0.25  # frequent buyers also place larger orders
REFUND_SHARE = 0.05
HELD_SHARE = 0.7  # customers held by a salesperson
CLAIM_DAYS = 175  # ... claimed at most this many days before TODAY
FOLLOWUP_DAYS = 18  # mean age of their last follow-up (exponential)
N_SALESPEOPLE = 20
TEAMS = ("BENCH 华东", "BENCH 华南", "BENCH 华北", "BENCH 西南")
REF_PREFIX = "BENCH"  # res_partner.ref of the generated companies
SEED = 20260630

# --- the measurements ---------------------------------------------------------
BASELINE_SAMPLE = 200  # customers of the naive version
SMALL_EVERY = 10  # the small run keeps 1 customer in 10
TARGETS = {  # figure: (limit, "max" or "min")
    "cold_seconds": (20.0, "max"),
    "next_night_seconds": (5.0, "max"),
    "peak_rss_mb": (1024.0, "max"),
    "speedup": (100.0, "min"),
}
# inside the steps, what costs most: (model, method, key)
PARTS = (
    ("key_account.refresh", "_clv_summary", "clv_summary"),
    ("key_account.grade.history", "_record_bulk", "grade_history"),
    ("key_account.grade.history", "_post_chatter", "grade_chatter"),
    ("res.partner", "_message_log_batch", "message_log_batch"),
    ("mail.message", "create", "mail_message_create"),
    ("key_account.warning", "_raise_warnings", "warnings_raise"),
    ("key_account.warning", "_close", "warnings_close"),
    ("mail.activity", "_ka_create_for_partners", "ka_create_for_partners"),
    ("mail.activity", "create", "mail_activity_create"),
    ("res.partner", "message_subscribe", "message_subscribe"),
    ("key_account.pool", "_refresh_last_followup", "pool_last_followup"),
    ("key_account.pool", "_send_notices", "pool_notices"),
    ("key_account.pool", "_log", "pool_log"),
)


def _measure():
    """run_bench.Measure: seconds and SQL queries of a block."""
    return sys.modules["__main__"].Measure()


def _load():
    return [round(x, 2) for x in os.getloadavg()]


def _rss_mb(field):
    """VmHWM (peak) or VmRSS of this process, in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def _reset_peak():
    """Reset the process's peak RSS (Linux: clear_refs 5); False if refused."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


class _Peak:
    """The peak RSS of the whole process, across the resets of each run."""

    value = 0.0

    @classmethod
    def seen(cls):
        cls.value = max(cls.value, _rss_mb("VmHWM") or 0.0)
        return cls.value


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
    """The number of companies and a row for each: salesperson, team,
    customer type, active, margin of their orders, and the days before TODAY
    of its creation, its claim and its last follow-up (held ones)."""
    n = N_CUSTOMERS + N_NOT_CUSTOMERS + N_ARCHIVED
    order = rng.permutation(n)
    other = np.zeros(n, dtype=bool)  # active competitors and suppliers
    other[order[N_CUSTOMERS : N_CUSTOMERS + N_NOT_CUSTOMERS]] = True
    active = np.ones(n, dtype=bool)
    active[order[N_CUSTOMERS + N_NOT_CUSTOMERS :]] = False
    kinds = ("end_customer", "partner", None, "competitor", "supplier")
    ctype = np.where(
        other,
        rng.choice([3, 4], n, p=[0.7, 0.3]),
        rng.choice([0, 1, 2], n, p=[0.84, 0.11, 0.05]),
    )
    # 70 % held by a salesperson (some sell much more than others), claimed
    # in the last 175 days and followed up since (the pipeline has run every
    # night: held customers are within the pool's limits, or nearly)
    owned = rng.random(n) < HELD_SHARE
    seller = rng.choice(len(users), n, p=_normalised(rng.pareto(2.0, len(users)) + 1))
    claimed = rng.integers(1, CLAIM_DAYS + 1, n)
    followed = np.minimum(rng.exponential(FOLLOWUP_DAYS, n).astype(int), claimed)
    created = YEARS * 365 + rng.integers(1, 366, n)
    margin_pct = np.round(rng.uniform(0.08, 0.45, n), 3)
    rows = (
        (
            idx,
            users[int(seller[idx])].id if owned[idx] else None,
            teams[int(seller[idx]) % len(teams)].id if owned[idx] else None,
            kinds[ctype[idx]],
            "t" if active[idx] else "f",
            margin_pct[idx],
            created[idx],
            claimed[idx] if owned[idx] else None,
            followed[idx] if owned[idx] else None,
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
        "today": TODAY,
        "subtype": env.ref("mail.mt_activities").id,
        "call": env.ref("mail.mail_activity_data_call").id,
    }

    # --- customers ---
    t0 = time.perf_counter()
    cr.execute(
        """
        CREATE TEMP TABLE bench_cust (
            idx int PRIMARY KEY, user_id int, team_id int, ctype varchar,
            active bool, margin_pct numeric, created_days int, claim_days int,
            followup_days int, pid int
        ) ON COMMIT DROP
        """
    )
    n_customers, rows = _customer_rows(rng, users, teams)
    _copy(
        cr,
        "bench_cust",
        [
            "idx",
            "user_id",
            "team_id",
            "ctype",
            "active",
            "margin_pct",
            "created_days",
            "claim_days",
            "followup_days",
        ],
        rows,
    )
    cr.execute("UPDATE bench_cust SET pid = nextval('res_partner_id_seq')")
    cr.execute(
        """
        INSERT INTO res_partner (
            id, commercial_partner_id, name, complete_name, ref, type,
            is_company, active, lang, tz, country_id, company_id, user_id,
            team_id, ka_customer_type, ka_status, customer_rank, supplier_rank,
            partner_share, employee, autopost_bills, color, ka_claim_date,
            create_uid, write_uid, create_date, write_date)
        SELECT c.pid, c.pid, n.name, n.name,
               %(prefix)s || lpad(c.idx::text, 6, '0'), 'contact',
               TRUE, c.active, 'en_US', 'Asia/Shanghai', %(country)s, NULL,
               c.user_id, c.team_id, c.ctype, 'active', 1, 0,
               TRUE, FALSE, 'ask', 0,
               %(today)s::date - c.claim_days + interval '2 hours',
               %(uid)s, %(uid)s,
               %(today)s::date - c.created_days + interval '1 hour',
               %(today)s::date - c.created_days + interval '1 hour'
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
    followups = _followups(cr, common)
    _logger.info("bench: %s follow-ups", followups)
    for table in ("account_move_line", "sale_order", "mail_message"):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    env.invalidate_all()


def _followups(cr, common):
    """A done follow-up activity (a call) on each held customer, by its
    salesperson, on the day of its last follow-up (10:00 in Shanghai)."""
    cr.execute(
        """
        INSERT INTO mail_message (
            model, res_id, record_name, message_type, subtype_id,
            mail_activity_type_id, body, date, author_id, is_internal,
            create_uid, write_uid, create_date, write_date)
        SELECT 'res.partner', c.pid,
               '基准客户' || lpad(c.idx::text, 6, '0') || '有限公司',
               'notification', %(subtype)s, %(call)s,
               '<p>基准跟进：电话</p>', f.at, u.partner_id, FALSE,
               c.user_id, c.user_id, f.at, f.at
          FROM bench_cust c
          JOIN res_users u ON u.id = c.user_id
         CROSS JOIN LATERAL (
               SELECT %(today)s::date - c.followup_days + interval '2 hours' AS at
         ) f
         WHERE c.followup_days IS NOT NULL
        """,
        common,
    )
    return cr.rowcount


def _ensure_data(env):
    """Generate the data set unless the database holds it already.
    Returns the seconds the generation took (0 when reused)."""
    cr = env.cr
    params = env["ir.config_parameter"].sudo()
    cr.execute(
        "SELECT COUNT(*) FROM res_partner WHERE ref LIKE %s", (REF_PREFIX + "%",)
    )
    existing = cr.fetchone()[0]
    version = params.get_param("bench.key_account.data_version")
    if existing and version == DATA_VERSION:
        return 0.0
    if existing:
        raise RuntimeError(
            f"the bench database holds version {version or 1} of the key_account "
            f"data set, this benchmark needs version {DATA_VERSION}: drop the "
            "database (dropdb kam_bench) and run `make bench` again"
        )
    _logger.info("bench: generating the key-account data set")
    t0 = time.perf_counter()
    _generate(env)
    params.set_param("bench.key_account.data_version", DATA_VERSION)
    cr.commit()
    return round(time.perf_counter() - t0, 1)


def _hide_other_companies(env):
    """Archive, in this transaction only, the companies other benchmarks put in
    the bench database (e.g. the sales_followup customers), so that the
    pipeline sees our customers only. Our own companies stay."""
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


def _customers(env):
    """The customers of the pipeline, in every company (the shared measure)."""
    from odoo.tools import SQL

    measure = env["key_account.measure"]
    total = 0
    for company in env["res.company"].sudo().search([]):
        env.cr.execute(
            SQL(
                "SELECT COUNT(*) FROM res_partner p WHERE %s",
                measure._customer_sql(company, "p"),
            )
        )
        total += env.cr.fetchone()[0]
    return total


def _sizes(env):
    cr = env.cr
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
    cr.execute(
        "SELECT COUNT(*) FROM mail_message "
        "WHERE model = 'res.partner' AND mail_activity_type_id IS NOT NULL"
    )
    followups = cr.fetchone()[0]
    cr.execute("SELECT COUNT(*) FROM res_company")
    companies = cr.fetchone()[0]
    return {
        "companies": companies,
        "customers": _customers(env),
        "invoices": invoices,
        "invoice_lines": lines,
        "sale_orders": orders,
        "followups": followups,
    }


# the columns the key_account steps write on the customers
PARTNER_COLUMNS = (
    "ka_grade_id",
    "ka_pool_notice_date",
    "ka_status_date",
    "ka_churn_reason_id",
    "ka_churn_competitor_id",
)
# ... and on their rows of figures (key_account.partner.figures)
FIGURE_COLUMNS = (
    "ka_revenue_12m",
    "ka_revenue_prev_12m",
    "ka_revenue_change_pct",
    "ka_last_invoice_date",
    "ka_invoice_count_12m",
    "ka_margin_12m",
    "ka_order_count",
    "ka_first_order_date",
    "ka_last_order_date",
    "ka_receivable",
    "ka_overdue",
    "ka_rfm_recency",
    "ka_rfm_frequency",
    "ka_rfm_monetary",
    "ka_rfm_segment",
    "ka_p_alive",
    "ka_expected_purchases",
    "ka_clv",
    "ka_last_followup_date",
    "ka_grade_rule_id",
    "ka_p_purchase_90d",
    # sales_followup and after_sales
    "sf_followup_notice_date",
    "sf_followup_overdue",
    "as_ticket_count_12m",
    "as_complaint_count_12m",
    "as_sla_breach_count_12m",
    "as_revisit_count_12m",
    "as_satisfaction",
)


def _columns(cr, table, names):
    """Those of ``names`` that are columns of ``table`` (the installed addons')."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        (table,),
    )
    existing = {row[0] for row in cr.fetchall()}
    return [name for name in names if name in existing]


def _reset_cold(env):
    """Back to the night before the first one (in this transaction): no
    grade, figure, grade history, warning, activity, follower, pool log or
    chatter note on the generated companies; their follow-ups stay.
    Returns the rows removed or reset per table (all 0 on the generated
    data, which the benchmark never commits)."""
    cr = env.cr
    env.flush_all()
    bench = "SELECT id FROM res_partner WHERE ref LIKE %(ref)s"
    figure_columns = _columns(cr, "key_account_partner_figures", FIGURE_COLUMNS)
    statements = {
        "mail_activity": "DELETE FROM mail_activity WHERE res_model = 'res.partner' "
        f"AND res_id IN ({bench})",
        "key_account_warning": "DELETE FROM key_account_warning "
        f"WHERE partner_id IN ({bench})",
        "key_account_grade_history": "DELETE FROM key_account_grade_history "
        f"WHERE partner_id IN ({bench})",
        "key_account_pool_log": "DELETE FROM key_account_pool_log "
        f"WHERE partner_id IN ({bench})",
        "key_account_status_history": "DELETE FROM key_account_status_history "
        f"WHERE partner_id IN ({bench})",
        "mail_message": "DELETE FROM mail_message WHERE model = 'res.partner' "
        f"AND mail_activity_type_id IS NULL AND res_id IN ({bench})",
        "mail_followers": "DELETE FROM mail_followers WHERE res_model = "
        f"'res.partner' AND res_id IN ({bench})",
        "key_account_partner_figures": "UPDATE key_account_partner_figures SET "
        + ", ".join(f"{col} = NULL" for col in figure_columns)
        + f" WHERE partner_id IN ({bench}) AND ("
        + " OR ".join(f"{col} IS NOT NULL" for col in figure_columns)
        + ")",
        # the generated customers are all active, since no known day
        "res_partner": "UPDATE res_partner SET "
        + ", ".join(f"{col} = NULL" for col in PARTNER_COLUMNS)
        + ", ka_status = 'active' WHERE ref LIKE %(ref)s AND ("
        + " OR ".join(f"{col} IS NOT NULL" for col in PARTNER_COLUMNS)
        + " OR ka_status IS DISTINCT FROM 'active')",
    }
    # the generated companies are inserted by SQL: give them the row of
    # figures the ORM gives every company partner it creates (empty)
    cr.execute(
        "SELECT id FROM res_partner WHERE ref LIKE %s AND ka_figures_id IS NULL",
        (REF_PREFIX + "%",),
    )
    missing = [row[0] for row in cr.fetchall()]
    reset = {"figures_rows_created": len(missing)}
    env["key_account.partner.figures"].sudo()._ensure_for(missing)
    for table, statement in statements.items():
        cr.execute(statement, {"ref": REF_PREFIX + "%"})
        reset[table] = cr.rowcount
    env.invalidate_all()
    return reset


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
    Python (order days on the company's business clock)."""
    env = partners.env
    Move, Order, Line = env["account.move"], env["sale.order"], env["account.move.line"]
    tz = env.company._ka_tz()
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
        days = {
            o: pytz.utc.localize(o.date_order).astimezone(tz).date() for o in orders
        }
        margin12 = sum(o.margin for o in orders if days[o] > d12)
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
            "ka_first_order_date": min(days.values()) if days else False,
            "ka_last_order_date": max(days.values()) if days else False,
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
        f"SELECT partner_id, {', '.join(FIGURES)} FROM key_account_partner_figures "
        "WHERE partner_id = ANY(%s)",
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


def _baseline(env):
    """The naive figures of a random sample of the customers, rolled back.
    Returns (figures, seconds per customer, the JSON line's figures)."""
    env.cr.execute(
        "SELECT id FROM res_partner WHERE ref LIKE %s AND active "
        "AND COALESCE(ka_customer_type, '') NOT IN ('competitor', 'supplier') "
        "ORDER BY id",
        (REF_PREFIX + "%",),
    )
    ids = [row[0] for row in env.cr.fetchall()]
    rng = np.random.default_rng(SEED)
    picked = rng.choice(len(ids), BASELINE_SAMPLE + 5, replace=False)
    partners = env["res.partner"].browse([ids[i] for i in picked])
    savepoint = env.cr.savepoint()
    # warm the ORM (first queries, caches) on 5 other customers
    _naive_figures(partners[BASELINE_SAMPLE:], TODAY)
    partners = partners[:BASELINE_SAMPLE]
    env.invalidate_all()
    with _measure() as base:
        naive = _naive_figures(partners, TODAY)
    savepoint.close(rollback=True)
    env.invalidate_all()
    per_customer = base.seconds / BASELINE_SAMPLE
    return (
        naive,
        per_customer,
        {
            "customers": BASELINE_SAMPLE,
            "seconds": base.seconds,
            "queries": base.queries,
            "seconds_per_customer": round(per_customer, 4),
            "queries_per_customer": round(base.queries / BASELINE_SAMPLE, 1),
        },
    )


# =============================================================================
# the pipeline, measured
# =============================================================================
def _spy(stats, key, method):
    """Wrap a method to add up its calls, seconds, queries and the records it
    returns."""
    from odoo.models import BaseModel

    def wrapper(*args, **kwargs):
        with _measure() as m:
            result = method(*args, **kwargs)
        stat = stats.setdefault(
            key, {"calls": 0, "seconds": 0.0, "queries": 0, "records": 0}
        )
        stat["calls"] += 1
        stat["seconds"] = round(stat["seconds"] + m.seconds, 3)
        stat["queries"] += m.queries
        if isinstance(result, BaseModel):
            stat["records"] += len(result)
        return result

    return wrapper


def _step_spy(stats, code, method):
    """Wrap a step: its queries, and its own pending ORM work flushed at its
    end (so that it counts in this step, not in the next one that flushes),
    the process's memory after it and the run's peak so far."""

    def wrapper(self, *args, **kwargs):
        with _measure() as m:
            result = method(self, *args, **kwargs)
            self.env.flush_all()
        stat = stats.setdefault(code, {"queries": 0})
        stat["queries"] += m.queries
        stat["rss_mb"] = _rss_mb("VmRSS")
        stat["run_peak_rss_mb"] = _rss_mb("VmHWM")
        return result

    return wrapper


def _counts(env):
    """What the pipeline creates, counted in the database."""
    env.cr.execute(
        """
        SELECT (SELECT COUNT(*) FROM mail_activity WHERE res_model = 'res.partner'),
               (SELECT COUNT(*) FROM mail_message WHERE model = 'res.partner'),
               (SELECT COUNT(*) FROM mail_followers WHERE res_model = 'res.partner'),
               (SELECT COUNT(*) FROM key_account_warning WHERE state = 'open'),
               (SELECT COUNT(*) FROM key_account_grade_history),
               (SELECT COUNT(*) FROM key_account_pool_log),
               (SELECT COUNT(*) FROM res_partner
                 WHERE ka_grade_id IS NOT NULL AND active AND is_company)
        """
    )
    names = (
        "activities",
        "partner_messages",
        "partner_followers",
        "open_warnings",
        "grade_history",
        "pool_log",
        "graded_customers",
    )
    return dict(zip(names, env.cr.fetchone(), strict=True))


def _patches(env, steps, parts):
    """Spies on every step of the pipeline and on the costly parts."""
    stack = ExitStack()
    pipeline = type(env["key_account.pipeline"])
    for _sequence, code in env["key_account.pipeline"]._steps():
        name = f"_step_{code}"
        stack.enter_context(
            patch.object(
                pipeline, name, _step_spy(steps, code, getattr(pipeline, name))
            )
        )
    for model, name, key in PARTS:
        if model in env and hasattr(type(env[model]), name):
            cls = type(env[model])
            stack.enter_context(
                patch.object(cls, name, _spy(parts, key, getattr(cls, name)))
            )
    return stack


def _pipeline(env, today, label, commit=False):
    """``key_account.pipeline._run(today=today)``, measured; with ``commit``
    as the cron runs it (each step committed)."""
    steps, parts = {}, {}
    env.flush_all()
    env.invalidate_all()
    # every run starts with empty ORM caches, so that runs compare
    env.registry.clear_all_caches()
    before = _counts(env)
    customers = _customers(env)
    load = _load()
    _Peak.seen()
    peak_reset = _reset_peak()
    with _patches(env, steps, parts), _measure() as total:
        report = env["key_account.pipeline"]._run(today=today, commit=commit)
        # what the ORM still holds, and the pre-commit hooks (bus messages)
        env.cr.flush()
    run_peak = _rss_mb("VmHWM") if peak_reset else None
    after = _counts(env)
    per_step = {}
    for item in report:
        step = per_step.setdefault(
            item["step"], {"rows": 0, "seconds": 0.0, "queries": 0}
        )
        step["rows"] += item["rows"]
        step["seconds"] = round(step["seconds"] + item["seconds"], 3)
        if item["error"]:
            step["error"] = item["error"]
    for code, stat in steps.items():
        per_step.setdefault(code, {"rows": 0, "seconds": 0.0}).update(stat)
    return {
        "case": "key_account_pipeline",
        "measure": label,
        "customers": customers,
        "today": str(today),
        "seconds": total.seconds,
        "queries": total.queries,
        "rows": sum(step["rows"] for step in per_step.values()),
        "steps": per_step,
        "parts": parts,
        "created": {key: after[key] - before[key] for key in after},
        "run_peak_rss_mb": run_peak,
        "rss_mb": _rss_mb("VmRSS"),
        "peak_rss_mb": _Peak.seen(),
        "load": load,
        "load_after": _load(),
    }


def _small(env, emit):
    """Cold and next night on 1 customer in 10 (the others archived), run as
    the big ones are (committed, in their own scratch copy). Returns the two
    JSON lines' figures."""
    from run_bench import vacuum

    env.cr.execute(
        "UPDATE res_partner SET active = FALSE "
        "WHERE ref LIKE %s AND active AND id %% %s <> 0",
        (REF_PREFIX + "%", SMALL_EVERY),
    )
    env.invalidate_all()
    vacuum(env)
    cold = _pipeline(env, TODAY, "small_cold", commit=True)
    emit(**cold)
    vacuum(env)
    next_night = _pipeline(
        env, TODAY + timedelta(days=1), "small_next_night", commit=True
    )
    emit(**next_night)
    return cold, next_night


def _verdict(cold, next_night, small_cold, small_next, per_customer):
    speedup = round(per_customer * cold["customers"] / cold["seconds"], 1)
    figures = {
        "cold_seconds": cold["seconds"],
        "next_night_seconds": next_night["seconds"],
        "peak_rss_mb": _Peak.seen(),
        "speedup": speedup,
    }
    verdict = {}
    for name, value in figures.items():
        limit, kind = TARGETS[name]
        met = value <= limit if kind == "max" else value >= limit
        verdict[name] = {"value": value, "target": f"{kind} {limit:g}", "met": met}
    # constant: the queries at 10x the customers within 10 % of the small run's
    for name, big, small in (
        ("cold_queries", cold, small_cold),
        ("next_night_queries", next_night, small_next),
    ):
        growth = {
            code: [small["steps"].get(code, {}).get("queries"), step.get("queries")]
            for code, step in big["steps"].items()
        }
        verdict[name] = {
            "value": [small["queries"], big["queries"]],
            "customers": [small["customers"], big["customers"]],
            "per_step": growth,
            "target": "constant in the number of customers (within 10 %)",
            "met": big["queries"] <= 1.1 * small["queries"],
        }
    return verdict


def bench_key_account_data(env, emit):
    """Generate the data set when missing (in a process of its own, so that
    the pipeline's process measures the pipeline only)."""
    generate_seconds = _ensure_data(env)
    emit(**_sizes(env), generate_seconds=generate_seconds, load=_load())


def bench_key_account_pipeline(scratch, emit):
    """Runs on scratch copies of the bench database (see ``prepare``): the
    nights are committed step by step as the cron commits them, and the
    database is vacuumed and analysed before each night, as autovacuum does
    during the day (the seconds it took are in the lines, not in the
    nights'). The small runs and the big ones each start from a fresh copy."""
    from run_bench import vacuum

    with scratch() as env:
        hidden = _hide_other_companies(env)
        reset = _reset_cold(env)
        sizes = _sizes(env)
        emit(
            measure="sizes",
            **sizes,
            other_companies_hidden=hidden,
            reset=reset,
            load=_load(),
        )
        naive, per_customer, baseline = _baseline(env)
        emit(case="key_account_baseline", measure="baseline", **baseline, load=_load())
        small_cold, small_next = _small(env, emit)

    with scratch() as env:
        _hide_other_companies(env)
        _reset_cold(env)
        vacuum_seconds = vacuum(env)
        cold = _pipeline(env, TODAY, "cold", commit=True)
        cold["vacuum_seconds_before"] = vacuum_seconds
        cold["baseline_mismatches"] = _mismatches(env, naive)
        cold["speedup"] = round(per_customer * cold["customers"] / cold["seconds"], 1)
        emit(**cold)
        same_day = _pipeline(env, TODAY, "same_day", commit=True)
        emit(**same_day)
        vacuum_seconds = vacuum(env)
        next_night = _pipeline(
            env, TODAY + timedelta(days=1), "next_night", commit=True
        )
        next_night["vacuum_seconds_before"] = vacuum_seconds
        emit(**next_night)

    emit(
        measure="verdict",
        at=datetime.now().isoformat(timespec="seconds"),
        **_verdict(cold, next_night, small_cold, small_next, per_customer),
        failed_steps=sorted(
            {
                f"{run['measure']}:{code}"
                for run in (small_cold, small_next, cold, same_day, next_night)
                for code, step in run["steps"].items()
                if step.get("error")
            }
        ),
        load=_load(),
    )


# the tables of the data set that other runs may leave bloated
COMPACT_TABLES = (
    "res_partner",
    "sale_order",
    "account_move",
    "account_move_line",
    "mail_message",
    "mail_activity",
    "mail_followers",
    "key_account_partner_figures",
    "helpdesk_ticket",
    "after_sales_authorization",
)


def _prepare_pipeline(env):
    """In the bench database: generate the data set when missing, and compact
    its tables. The benchmarks that run in a rolled-back transaction (and the
    pipeline's, before it ran on scratch copies) leave row versions behind:
    res_partner had grown to 8 times its rows' size, and every statement that
    reads the customers read 8 times the pages a real database holds."""
    from run_bench import vacuum

    _ensure_data(env)
    tables = _columns_tables(env.cr, COMPACT_TABLES)
    env.cr.commit()
    vacuum(env, full=tables)


def _columns_tables(cr, names):
    """Those of ``names`` that are tables of the database."""
    cr.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name = ANY(%s)",
        (list(names),),
    )
    existing = {row[0] for row in cr.fetchall()}
    return [name for name in names if name in existing]


bench_key_account_pipeline.prepare = _prepare_pipeline
