"""Benchmark of the nightly sales_followup runs on 100,000 customers.

    make bench ARGS=sales_followup

The first run fills the bench database with generated data, straight in SQL,
and commits it; later runs find it and reuse it:

* 20 salespeople; 100,000 active customer companies with a grade (A/B/C/D),
  80 % of them with an account manager, and 300,000 contacts;
* birthdays on 80 % of the contacts, a quarter of them lunar;
* 60,000 done visits over the last year, 20,000 planned ones (half of them
  overdue), and 50,000 done follow-up activities (messages with an activity
  type) on customers and contacts.

Three cases, one JSON line each, each running its cron twice (the second run
must create nothing):

``sales_followup_visit_generation``
    ``sales_followup.visit.plan._run_generation(company, TODAY)``: marks the overdue
    plans missed and plans the customers that are due.
``sales_followup_followup_policy``
    ``res.partner._sf_run_followup_policy(company, TODAY)``: flags the key accounts
    without a follow-up in 30 days and reminds their account managers.

``sales_followup_care_reminders``
    ``sales_followup.care.reminder._run_care_reminders(company, CARE_DAY)``, three days
    before National Day: one activity per key account, and the birthdays
    (Gregorian and lunar) within 3 days.

``sales_followup_kpi`` (its own data, described with the case below)
    ``sales_followup.kpi.target._compute_actuals()`` on 200 salespeople x 12
    monthly targets over a year of generated records.

Everything the cases write is rolled back at the end.
"""

import logging
import sys
import time
from datetime import date

_logger = logging.getLogger("bench.sales_followup")

TODAY = date(2026, 6, 30)
CARE_DAY = date(2026, 9, 28)  # National Day (1 October) is 3 days ahead
N_CUSTOMERS = 100_000
CONTACTS_PER_CUSTOMER = 3
N_SALESPEOPLE = 20
N_DONE_VISITS = 60_000
N_PLANNED_VISITS = 20_000
N_FOLLOWUPS = 50_000
REF_PREFIX = "SFBENCH"


def _measure():
    return sys.modules["__main__"].Measure()


def _salespeople(env):
    Users = env["res.users"].with_context(no_reset_password=True)
    group = env.ref("key_account.key_account_group_user")
    users = env["res.users"]
    for i in range(N_SALESPEOPLE):
        login = f"sf_bench_sales_{i:02d}"
        user = Users.search([("login", "=", login)], limit=1) or Users.create(
            {
                "name": f"拜访基准销售{i:02d}",
                "login": login,
                "tz": "Asia/Shanghai",
                "groups_id": [(6, 0, [group.id])],
            }
        )
        users |= user
    return users


def _generate(env):
    cr = env.cr
    users = _salespeople(env)
    grades = [env.ref(f"key_account.grade_{code}").id for code in ("a", "b", "c", "d")]
    visit_type = env.ref("sales_followup.mail_activity_type_visit").id
    phone_type = env.ref("sales_followup.mail_activity_type_phone").id
    env.flush_all()
    params = {
        "uid": env.uid,
        "prefix": REF_PREFIX,
        "n": N_CUSTOMERS,
        "users": users.ids,
        "nusers": len(users),
        "grades": grades,
        "company": env.company.id,
        "today": TODAY,
        "visit_type": visit_type,
        "phone_type": phone_type,
    }
    t0 = time.perf_counter()
    cr.execute(
        """
        INSERT INTO res_partner (
            name, complete_name, ref, type, is_company, active, lang, tz,
            user_id, ka_grade_id, ka_status, customer_rank, supplier_rank,
            partner_share, employee, autopost_bills, color,
            create_uid, write_uid, create_date, write_date)
        SELECT '拜访基准客户' || lpad(i::text, 6, '0') || '有限公司',
               '拜访基准客户' || lpad(i::text, 6, '0') || '有限公司',
               %(prefix)s || lpad(i::text, 6, '0'), 'contact', TRUE, TRUE,
               'zh_CN', 'Asia/Shanghai',
               CASE WHEN i %% 5 = 0 THEN NULL
                    ELSE (%(users)s::int[])[1 + i %% %(nusers)s] END,
               (%(grades)s::int[])[1 + (i / 7) %% 4], 'active', 1, 0,
               TRUE, FALSE, 'ask', 0, %(uid)s, %(uid)s,
               %(today)s::timestamp - interval '400 days',
               %(today)s::timestamp - interval '400 days'
          FROM generate_series(1, %(n)s) AS i
        """,
        params,
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE ref LIKE %s AND commercial_partner_id IS NULL",
        (REF_PREFIX + "%",),
    )
    cr.execute(
        f"""
        INSERT INTO res_partner (
            name, complete_name, type, is_company, active, lang, tz, parent_id,
            commercial_partner_id, partner_share, employee, autopost_bills,
            color, customer_rank, supplier_rank,
            create_uid, write_uid, create_date, write_date)
        SELECT '联系人' || k, p.name || ', 联系人' || k, 'contact', FALSE, TRUE,
               'zh_CN', 'Asia/Shanghai', p.id, p.id, TRUE, FALSE, 'ask', 0, 0, 0,
               %(uid)s, %(uid)s, p.create_date, p.create_date
          FROM res_partner p
         CROSS JOIN generate_series(1, {CONTACTS_PER_CUSTOMER}) AS k
         WHERE p.ref LIKE %(prefix)s || '%%'
        """,
        params,
    )
    # birthdays of 80 % of the contacts, a quarter of them lunar
    cr.execute(
        """
        UPDATE res_partner c
           SET birthdate_date = date '1960-01-01' + (c.id %% 14000),
               sf_birthday_lunar = (c.id %% 4 = 0)
          FROM res_partner p
         WHERE c.parent_id = p.id AND p.ref LIKE %(prefix)s || '%%'
           AND c.id %% 5 <> 0
        """,
        params,
    )
    cr.execute("ANALYZE res_partner")
    # visits: done ones over the last year, planned ones around today
    cr.execute(
        f"""
        WITH c AS (
            SELECT id, user_id, ka_grade_id, name,
                   row_number() OVER (ORDER BY id) AS rn
              FROM res_partner
             WHERE ref LIKE %(prefix)s || '%%' AND user_id IS NOT NULL
        )
        INSERT INTO sales_followup_visit_plan (
            name, partner_id, purpose, planned_date, checkin_date, user_id,
            grade_id, company_id, state, origin, checkin_located,
            checkin_far, create_uid, write_uid, create_date, write_date)
        SELECT c.name || ' · 基准拜访', c.id, '基准拜访',
               %(today)s::timestamp - make_interval(days => (c.rn %% 365)::int),
               CASE WHEN c.rn <= {N_DONE_VISITS}
                    THEN %(today)s::timestamp
                         - make_interval(days => (c.rn %% 365)::int) END,
               c.user_id, c.ka_grade_id, %(company)s,
               CASE WHEN c.rn <= {N_DONE_VISITS} THEN 'done' ELSE 'planned' END,
               'manual', FALSE, FALSE, %(uid)s, %(uid)s, now(), now()
          FROM c
         WHERE c.rn <= {N_DONE_VISITS + N_PLANNED_VISITS}
        """,
        params,
    )
    cr.execute(
        """
        UPDATE sales_followup_visit_plan
           SET planned_date = %(today)s::timestamp
                              + make_interval(days => (id %% 21)::int - 10)
         WHERE state = 'planned' AND name LIKE '拜访基准客户%%'
        """,
        params,
    )
    # done follow-ups: messages with an activity type, on contacts and customers
    cr.execute(
        f"""
        INSERT INTO mail_message (
            model, res_id, message_type, mail_activity_type_id, body, date,
            author_id, create_uid, write_uid, create_date, write_date)
        SELECT 'res.partner', p.id, 'notification',
               CASE WHEN p.id %% 2 = 0 THEN %(phone_type)s ELSE %(visit_type)s END,
               '<p>基准跟进</p>',
               %(today)s::timestamp - make_interval(days => (p.id %% 90)::int),
               NULL, %(uid)s, %(uid)s, now(), now()
          FROM res_partner p
         WHERE p.commercial_partner_id IN (
                   SELECT id FROM res_partner WHERE ref LIKE %(prefix)s || '%%')
           AND p.id %% {(N_CUSTOMERS * (CONTACTS_PER_CUSTOMER + 1)) // N_FOLLOWUPS} = 0
        """,
        params,
    )
    cr.execute("ANALYZE sales_followup_visit_plan")
    cr.execute("ANALYZE mail_message")
    cr.commit()
    env.invalidate_all()
    _logger.info("bench: data generated in %.1fs", time.perf_counter() - t0)


def _ensure_data(env):
    env.cr.execute(
        "SELECT COUNT(*) FROM res_partner WHERE ref LIKE %s AND active",
        (REF_PREFIX + "%",),
    )
    if env.cr.fetchone()[0] >= N_CUSTOMERS:
        return 0.0
    t0 = time.perf_counter()
    _generate(env)
    return round(time.perf_counter() - t0, 1)


def _sizes(env):
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM res_partner WHERE is_company AND active")
    customers = cr.fetchone()[0]
    cr.execute("SELECT COUNT(*) FROM res_partner WHERE NOT is_company AND active")
    contacts = cr.fetchone()[0]
    cr.execute("SELECT COUNT(*) FROM sales_followup_visit_plan")
    plans = cr.fetchone()[0]
    return {"customers": customers, "contacts": contacts, "plans_before": plans}


def _twice(env, fn):
    figures = {}
    for run in ("first", "second"):
        env.invalidate_all()
        with _measure() as m:
            result = fn()
            env.flush_all()
        figures[f"{run}_seconds"] = m.seconds
        figures[f"{run}_queries"] = m.queries
        figures[f"{run}_result"] = list(result)
    return figures


def bench_sales_followup_visit_generation(env, emit):
    generate_seconds = _ensure_data(env)
    sizes = _sizes(env)
    Plan = env["sales_followup.visit.plan"]
    figures = _twice(env, lambda: Plan._run_generation(env.company, TODAY))
    emit(
        case="sales_followup_visit_generation",
        **sizes,
        **figures,
        generate_seconds=generate_seconds,
    )
    env.cr.rollback()


def bench_sales_followup_followup_policy(env, emit):
    generate_seconds = _ensure_data(env)
    sizes = _sizes(env)
    Partner = env["res.partner"]
    figures = _twice(env, lambda: Partner._sf_run_followup_policy(env.company, TODAY))
    emit(
        case="sales_followup_followup_policy",
        **sizes,
        **figures,
        generate_seconds=generate_seconds,
    )
    env.cr.rollback()


def bench_sales_followup_care_reminders(env, emit):
    generate_seconds = _ensure_data(env)
    sizes = _sizes(env)
    Reminder = env["sales_followup.care.reminder"]
    figures = _twice(env, lambda: [Reminder._run_care_reminders(env.company, CARE_DAY)])
    emit(
        case="sales_followup_care_reminders",
        **sizes,
        **figures,
        generate_seconds=generate_seconds,
    )
    env.cr.rollback()


# --- account-manager KPIs --------------------------------------------------
#
# ``sales_followup_kpi``: 200 salespeople in 10 teams, 12 monthly targets each
# over 2025, and a year of their records generated in SQL: 20,000 customers,
# 40,000 confirmed sale orders, 48,000 posted invoices and 4,800 refunds, two
# thirds of the invoices paid from a bank journal (reconciled), 60,000 visits
# (80 % done) and 72,000 done follow-ups. Measures
# ``sales_followup.kpi.target._compute_actuals()`` on the 2,400 targets.

KPI_YEAR = 2025
KPI_SALESPEOPLE = 200
KPI_TEAMS = 10
KPI_CUSTOMERS = 20_000
KPI_INVOICES = 48_000
KPI_VISITS = 60_000
KPI_FOLLOWUPS = 72_000
KPI_PREFIX = "KPIBENCH"


def _kpi_salespeople(env):
    Users = env["res.users"].with_context(no_reset_password=True)
    logins = [f"kpi_bench_sales_{i:03d}" for i in range(KPI_SALESPEOPLE)]
    existing = Users.search([("login", "in", logins)])
    if len(existing) == KPI_SALESPEOPLE:
        return existing.sorted("login")
    group = env.ref("key_account.key_account_group_user")
    teams = env["crm.team"].create(
        [{"name": f"考核基准组{t:02d}"} for t in range(KPI_TEAMS)]
    )
    missing = [login for login in logins if login not in existing.mapped("login")]
    users = Users.create(
        [
            {
                "name": f"考核基准销售{login[-3:]}",
                "login": login,
                "tz": "Asia/Shanghai",
                "groups_id": [(6, 0, [group.id])],
            }
            for login in missing
        ]
    )
    env["crm.team.member"].create(
        [
            {"user_id": user.id, "crm_team_id": teams[i % KPI_TEAMS].id}
            for i, user in enumerate(users)
        ]
    )
    return (existing | users).sorted("login")


def _kpi_generate(env, users):
    cr = env.cr
    company = env.company
    sale_journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    bank_journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable")], limit=1
    )
    env.flush_all()
    params = {
        "uid": env.uid,
        "prefix": KPI_PREFIX,
        "receivable": receivable.id,
        "bank_account": bank_journal.default_account_id.id,
        "users": users.ids,
        "nusers": len(users),
        "company": company.id,
        "currency": company.currency_id.id,
        "sale_journal": sale_journal.id,
        "bank_journal": bank_journal.id,
        "start": f"{KPI_YEAR}-01-01",
        "customers": KPI_CUSTOMERS,
        "invoices": KPI_INVOICES,
        "visits": KPI_VISITS,
        "followups": KPI_FOLLOWUPS,
        "visit_type": env.ref("sales_followup.mail_activity_type_visit").id,
    }
    cr.execute(
        """
        INSERT INTO res_partner (
            name, complete_name, ref, type, is_company, active, lang, user_id,
            customer_rank, supplier_rank, partner_share, employee,
            autopost_bills, color, create_uid, write_uid, create_date, write_date)
        SELECT '考核基准客户' || i, '考核基准客户' || i,
               %(prefix)s || lpad(i::text, 6, '0'), 'contact', TRUE, TRUE,
               'zh_CN', (%(users)s::int[])[1 + i %% %(nusers)s], 1, 0, TRUE,
               FALSE, 'ask', 0, %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(customers)s) AS i;
        UPDATE res_partner SET commercial_partner_id = id
         WHERE ref LIKE %(prefix)s || '%%' AND commercial_partner_id IS NULL;
        """,
        params,
    )
    # two confirmed orders per customer in the year, by its account manager
    # (with sale_stock installed beside, as after_sales does, orders need a
    # picking policy)
    cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'sale_order' AND column_name = 'picking_policy'"
    )
    policy = ("", "") if not cr.fetchone() else (", picking_policy", ", 'direct'")
    cr.execute(
        """
        INSERT INTO sale_order (
            name, partner_id, partner_invoice_id, partner_shipping_id, user_id,
            company_id, currency_id, state, date_order, create_uid, write_uid,
            create_date, write_date{})
        SELECT %(prefix)s || '/' || p.id || '/' || k, p.id, p.id, p.id,
               p.user_id, %(company)s, %(currency)s, 'sale',
               %(start)s::timestamp
                   + make_interval(days => ((p.id * 7 + k * 151) %% 365)::int),
               %(uid)s, %(uid)s, now(), now(){}
          FROM res_partner p CROSS JOIN generate_series(1, 2) AS k
         WHERE p.ref LIKE %(prefix)s || '%%'
        """.format(*policy),
        params,
    )
    # invoices (every tenth one a refund) of the customers' account managers
    cr.execute(
        """
        WITH c AS (
            SELECT id, user_id, row_number() OVER (ORDER BY id) AS rn
              FROM res_partner WHERE ref LIKE %(prefix)s || '%%'
        )
        INSERT INTO account_move (
            name, ref, journal_id, company_id, currency_id, partner_id,
            commercial_partner_id, invoice_user_id, move_type, state,
            auto_post, date, invoice_date, amount_untaxed,
            amount_untaxed_signed, amount_total, amount_total_signed,
            create_uid, write_uid, create_date, write_date)
        SELECT %(prefix)s || '/INV/' || i, %(prefix)s || '-INV',
               %(sale_journal)s, %(company)s, %(currency)s, c.id, c.id, c.user_id,
               CASE WHEN i %% 10 = 0 THEN 'out_refund' ELSE 'out_invoice' END,
               'posted', 'no', d, d, 1000 + i %% 500,
               CASE WHEN i %% 10 = 0 THEN -1 ELSE 1 END * (1000 + i %% 500),
               1000 + i %% 500,
               CASE WHEN i %% 10 = 0 THEN -1 ELSE 1 END * (1000 + i %% 500),
               %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(invoices)s + %(invoices)s / 10) AS i
          JOIN c ON c.rn = 1 + i %% %(customers)s
         CROSS JOIN LATERAL (
               SELECT %(start)s::date + (i * 13 %% 365) AS d) AS dd
        """,
        params,
    )
    # two thirds of the invoices paid 20 days later from the bank journal
    cr.execute(
        """
        INSERT INTO account_move (
            name, ref, journal_id, company_id, currency_id, move_type, state,
            auto_post, date, create_uid, write_uid, create_date, write_date)
        VALUES (%(prefix)s || '/BNK', %(prefix)s || '-BNK', %(bank_journal)s,
                %(company)s, %(currency)s, 'entry', 'posted', 'no',
                %(start)s::date, %(uid)s, %(uid)s, now(), now());
        INSERT INTO account_move_line (
            move_id, journal_id, company_id, currency_id, partner_id,
            display_type, date, debit, credit, balance, name, parent_state,
            account_id)
        SELECT m.id, m.journal_id, m.company_id, m.currency_id, m.partner_id,
               'payment_term', m.date, m.amount_total, 0, m.amount_total,
               %(prefix)s || '-RECV', 'posted', %(receivable)s
          FROM account_move m
         WHERE m.ref = %(prefix)s || '-INV' AND m.move_type = 'out_invoice'
           AND m.id %% 3 <> 0;
        INSERT INTO account_move_line (
            move_id, journal_id, company_id, currency_id, partner_id,
            display_type, date, debit, credit, balance, name, parent_state,
            account_id)
        SELECT b.id, b.journal_id, b.company_id, b.currency_id, l.partner_id,
               'product', l.date + 20, 0, l.debit, -l.debit,
               %(prefix)s || '-PAY-' || l.id, 'posted', %(bank_account)s
          FROM account_move_line l
          JOIN account_move b ON b.ref = %(prefix)s || '-BNK'
         WHERE l.name = %(prefix)s || '-RECV';
        INSERT INTO account_partial_reconcile (
            debit_move_id, credit_move_id, company_id, debit_currency_id,
            credit_currency_id, amount, debit_amount_currency,
            credit_amount_currency, max_date, create_uid, write_uid,
            create_date, write_date)
        SELECT l.id, p.id, l.company_id, l.currency_id, l.currency_id, l.debit,
               l.debit, l.debit, p.date, %(uid)s, %(uid)s, now(), now()
          FROM account_move_line l
          JOIN account_move_line p ON p.name = %(prefix)s || '-PAY-' || l.id
         WHERE l.name = %(prefix)s || '-RECV';
        """,
        params,
    )
    # visits (80 %% done) and done follow-ups of the salespeople
    cr.execute(
        """
        WITH c AS (
            SELECT id, user_id, row_number() OVER (ORDER BY id) AS rn
              FROM res_partner WHERE ref LIKE %(prefix)s || '%%'
        )
        INSERT INTO sales_followup_visit_plan (
            name, partner_id, purpose, planned_date, checkout_date, user_id,
            company_id, state, origin, checkin_located, checkin_far,
            create_uid, write_uid, create_date, write_date)
        SELECT '考核基准拜访', c.id, '考核基准拜访', t, t + interval '1 hour',
               c.user_id, %(company)s,
               CASE WHEN i %% 5 = 0 THEN 'missed' ELSE 'done' END, 'manual',
               FALSE, FALSE, %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(visits)s) AS i
          JOIN c ON c.rn = 1 + i %% %(customers)s
         CROSS JOIN LATERAL (
               SELECT %(start)s::timestamp
                      + make_interval(days => (i * 11 %% 365)::int, hours => 2)
               AS t) AS tt;
        WITH c AS (
            SELECT id, user_id, row_number() OVER (ORDER BY id) AS rn
              FROM res_partner WHERE ref LIKE %(prefix)s || '%%'
        )
        INSERT INTO mail_message (
            model, res_id, message_type, mail_activity_type_id, body, date,
            author_id, create_uid, write_uid, create_date, write_date)
        SELECT 'res.partner', c.id, 'notification', %(visit_type)s,
               '<p>考核基准跟进</p>',
               %(start)s::timestamp + make_interval(days => (i * 17 %% 365)::int),
               u.partner_id, %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(followups)s) AS i
          JOIN c ON c.rn = 1 + i %% %(customers)s
          JOIN res_users u ON u.id = c.user_id;
        """,
        params,
    )
    for table in (
        "res_partner",
        "sale_order",
        "account_move",
        "account_move_line",
        "account_partial_reconcile",
        "sales_followup_visit_plan",
        "mail_message",
    ):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    env.invalidate_all()


def bench_sales_followup_kpi(env, emit):
    t0 = time.perf_counter()
    users = _kpi_salespeople(env)
    env.cr.execute(
        "SELECT COUNT(*) FROM res_partner WHERE ref LIKE %s", (KPI_PREFIX + "%",)
    )
    if env.cr.fetchone()[0] < KPI_CUSTOMERS:
        _kpi_generate(env, users)
    generate_seconds = round(time.perf_counter() - t0, 1)
    Target = env["sales_followup.kpi.target"]
    targets = Target.create(
        [
            {
                "user_id": user.id,
                "period_type": "month",
                "period_start": date(KPI_YEAR, month, 1),
                "target_revenue": 20_000,
                "target_collection": 15_000,
                "target_new_customer": 10,
                "target_visit": 20,
                "target_followup": 30,
            }
            for user in users
            for month in range(1, 13)
        ]
    )
    env.flush_all()
    env.invalidate_all()
    with _measure() as m:
        targets._compute_actuals()
        env.flush_all()
    env.cr.execute(
        """
        SELECT SUM(actual_revenue), SUM(actual_collection),
               SUM(actual_new_customer), SUM(actual_visit),
               SUM(actual_followup), ROUND(AVG(score)::numeric, 1), MAX(rank)
          FROM sales_followup_kpi_target WHERE id = ANY(%s)
        """,
        (targets.ids,),
    )
    revenue, collection, new, visits, followups, avg_score, max_rank = env.cr.fetchone()
    emit(
        case="sales_followup_kpi",
        salespeople=len(users),
        targets=len(targets),
        seconds=m.seconds,
        queries=m.queries,
        revenue=float(revenue),
        collections=float(collection),
        new_customers=new,
        visits_done=visits,
        followups_done=followups,
        avg_score=float(avg_score),
        max_rank=max_rank,
        generate_seconds=generate_seconds,
    )
    env.cr.rollback()
