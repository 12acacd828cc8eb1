"""Benchmarks of after_sales: SLA escalation, expiry reminders, issuing
authorizations and the licence status endpoint.

    make bench ARGS=after_sales

The first run fills the bench database with generated data, straight in SQL
(INSERT ... SELECT generate_series), and commits it; later runs reuse it. It
needs the key_account bench customers (ref ``BENCH...``), made by
``make bench ARGS=key_account`` when missing:

* a helpdesk team ``BENCH 售后`` whose leader receives the escalations;
* 200,000 feedback tickets on the 100,000 customers: 70 % closed, 20 % in
  progress (responded), 10 % new, the open ones opened over the 10 days
  before ``NOW`` with 4 h / 72 h targets; the escalation cron is taken to
  have been down for the last day (flags set for the deadlines crossed before
  ``NOW`` - 1 day), so that its run catches up a day of escalations;
* 100,000 authorization keys of a licensed product, expiring between 200
  days before and 530 days after ``TODAY``, 5 % revoked, 5 % suspended; the
  expiry cron is taken to have been down for a week.

Cases, one JSON line each; crons run twice (the second run must create
nothing), with ``NOW``/``TODAY`` fixed so that every run measures the same:

``after_sales_sla_escalation``
    ``helpdesk.ticket._cron_sla_escalate()``.
``after_sales_sla_replan``
    the SLA deadlines (first response and resolution, with their warnings)
    of the 60,000 open tickets counted again on the team's working calendar
    with the Chinese holidays (``helpdesk.ticket._as_replan_open_sla()``):
    first all of them from plain hours (every deadline moves: the Dragon Boat
    Festival, 19-21 June 2026, falls in the tickets' days), then the
    correction a holiday entered by hand triggers.
``after_sales_expiry_reminders``
    the ``authorization_expiry`` step of the nightly pipeline
    (``key_account.pipeline._run(codes=["authorization_expiry"])``).
``after_sales_issue_authorizations``
    confirming a sales order of 500 licensed lines, which issues 500 keys.
``after_sales_status_endpoint``
    1,000 ``POST /after_sales/licence/status`` from a client process, keep-
    alive over loopback, to an Odoo HTTP server (odoo-bin, a subprocess) on
    the bench database: median and 95th percentile in ms.

Everything the cases write is rolled back at the end (the status case
commits the rate-limit parameter for the server and puts it back).
"""

import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, closing
from datetime import date, datetime, timedelta
from unittest.mock import patch

_logger = logging.getLogger("bench.after_sales")

TODAY = date(2026, 6, 30)
NOW = datetime(2026, 6, 30, 10, 0)
N_TICKETS = 200_000
N_AUTHORIZATIONS = 100_000
ORDER_LINES = 500
STATUS_REQUESTS = 1_000
CUSTOMER_REF = "BENCH"  # the key_account bench customers
TICKET_PREFIX = "ASBENCH"
TEAM_NAME = "BENCH 售后"
PRODUCT_NAME = "BENCH 授权软件"


def _measure():
    return sys.modules["__main__"].Measure()


def _frozen():
    """Fix today and now for the crons."""
    from odoo import fields

    stack = ExitStack()
    stack.enter_context(
        patch.object(fields.Datetime, "now", staticmethod(lambda *a: NOW))
    )
    stack.enter_context(
        patch.object(fields.Date, "context_today", staticmethod(lambda *a, **k: TODAY))
    )
    stack.enter_context(
        patch.object(fields.Date, "today", staticmethod(lambda *a: TODAY))
    )
    return stack


# =============================================================================
# data generation
# =============================================================================
def _customers(env):
    env.cr.execute(
        "SELECT COUNT(*) FROM res_partner WHERE ref LIKE %s AND is_company AND active",
        (CUSTOMER_REF + "%",),
    )
    count = env.cr.fetchone()[0]
    if not count:
        raise RuntimeError(
            "no key_account bench customers: run `make bench ARGS=key_account` first"
        )
    return count


def _team(env):
    Team = env["helpdesk.ticket.team"]
    team = Team.search([("name", "=", TEAM_NAME)], limit=1)
    if not team:
        leader = env["res.users"].search([("login", "=", "bench_sales_00")], limit=1)
        team = Team.create({"name": TEAM_NAME, "user_id": (leader or env.user).id})
    return team


def _product(env):
    Product = env["product.product"]
    product = Product.search([("name", "=", PRODUCT_NAME)], limit=1)
    if not product:
        product = Product.create(
            {
                "name": PRODUCT_NAME,
                "type": "service",
                "list_price": 5000.0,
                "invoice_policy": "order",
                "as_is_licensed": True,
                "as_licence_seats": 5,
                "as_licence_months": 12,
                "as_licence_edition": "BENCH",
            }
        )
    return product


def _generate_tickets(env):
    cr = env.cr
    team = _team(env)
    stages = {
        key: env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{key}").id
        for key in ("new", "in_progress", "done")
    }
    cr.execute(
        """
        WITH c AS (
            SELECT array_agg(id ORDER BY id) AS ids
              FROM res_partner
             WHERE ref LIKE %(ref)s AND is_company AND active
        ), t AS (
            SELECT g,
                   c.ids[(1 + (g * 7919) %% array_length(c.ids, 1))::int] AS partner_id,
                   CASE WHEN g %% 10 = 0 THEN 'new'
                        WHEN g %% 10 < 3 THEN 'progress'
                        ELSE 'done' END AS kind,
                   %(now)s::timestamp
                     - ((g * 104729) %% 14400) * interval '1 minute' AS open_start,
                   %(now)s::timestamp
                     - (10 + (g * 31) %% 355) * interval '1 day' AS closed_start
              FROM generate_series(1::bigint, %(n)s::bigint) AS g, c
        ), s AS (
            SELECT t.*,
                   CASE WHEN kind = 'done' THEN closed_start ELSE open_start END
                       AS start
              FROM t
        )
        INSERT INTO helpdesk_ticket (
            number, name, description, company_id, team_id, stage_id, user_id,
            partner_id, commercial_partner_id, active, priority, kanban_state,
            unattended, create_date, write_date, create_uid, write_uid,
            last_stage_update, closed_date, as_channel, as_sla_start,
            as_response_deadline, as_response_warn_date, as_resolution_deadline,
            as_resolution_warn_date, as_first_response_date,
            as_response_warned, as_response_breached,
            as_resolution_warned, as_resolution_breached)
        SELECT %(prefix)s || lpad(g::text, 7, '0'),
               'BENCH 工单 ' || g, '<p>bench</p>', %(company)s, %(team)s,
               CASE kind WHEN 'new' THEN %(new)s WHEN 'progress' THEN %(progress)s
                         ELSE %(done)s END,
               CASE WHEN kind = 'new' THEN NULL ELSE %(leader)s END,
               partner_id, partner_id, TRUE, '1', 'normal', kind = 'new',
               start, start, 1, 1, start,
               CASE WHEN kind = 'done' THEN start + interval '20 hours' END,
               'phone', start,
               start + interval '4 hours', start + interval '192 minutes',
               start + interval '72 hours', start + interval '3456 minutes',
               CASE WHEN kind = 'new' THEN NULL ELSE start + interval '1 hour' END,
               kind = 'new' AND start + interval '192 minutes' <= %(cutoff)s,
               kind = 'new' AND start + interval '4 hours' <= %(cutoff)s,
               kind != 'done' AND start + interval '3456 minutes' <= %(cutoff)s,
               kind != 'done' AND start + interval '72 hours' <= %(cutoff)s
          FROM s
        """,
        {
            "ref": CUSTOMER_REF + "%",
            "now": NOW,
            "cutoff": NOW - timedelta(days=1),
            "n": N_TICKETS,
            "prefix": TICKET_PREFIX,
            "company": env.company.id,
            "team": team.id,
            "leader": team.user_id.id,
            "new": stages["new"],
            "progress": stages["in_progress"],
            "done": stages["done"],
        },
    )
    cr.execute("ANALYZE helpdesk_ticket")


def _generate_authorizations(env):
    cr = env.cr
    product = _product(env)
    cr.execute(
        """
        WITH c AS (
            SELECT array_agg(id ORDER BY id) AS ids,
                   array_agg(user_id ORDER BY id) AS users
              FROM res_partner
             WHERE ref LIKE %(ref)s AND is_company AND active
        ), a AS (
            SELECT g,
                   'BENCH' || lpad(g::text, 11, '0') AS key,
                   (1 + (g * 7919) %% array_length(c.ids, 1))::int AS idx,
                   %(today)s::date + ((g * 37) %% 730 - 200)::int AS date_end,
                   CASE WHEN g %% 20 = 0 THEN 'revoked'
                        WHEN g %% 20 = 1 THEN 'suspended'
                        ELSE 'active' END AS base_state,
                   c.ids, c.users
              FROM generate_series(1::bigint, %(n)s::bigint) AS g, c
        )
        INSERT INTO after_sales_authorization (
            key, key_hash, company_id, partner_id, user_id, product_id, seats,
            edition, state, date_start, date_end, issued_at, reminder_date,
            create_date, write_date, create_uid, write_uid)
        SELECT key, encode(sha256(convert_to(key, 'UTF8')), 'hex'), %(company)s,
               ids[idx], users[idx], %(product)s, 5, 'BENCH',
               CASE WHEN base_state != 'revoked' AND date_end < %(expired_before)s
                    THEN 'expired' ELSE base_state END,
               date_end - 365, date_end, %(now)s,
               CASE WHEN base_state = 'active' AND date_end <= %(reminded_until)s
                    THEN %(today)s::date - 7 END,
               %(now)s, %(now)s, 1, 1
          FROM a
        """,
        {
            "ref": CUSTOMER_REF + "%",
            "today": TODAY,
            "now": NOW,
            "n": N_AUTHORIZATIONS,
            "company": env.company.id,
            "product": product.id,
            # the cron last ran a week ago
            "expired_before": TODAY - timedelta(days=7),
            "reminded_until": TODAY + timedelta(days=30 - 7),
        },
    )
    cr.execute("ANALYZE after_sales_authorization")


def _ensure_data(env):
    """Generate what is missing; returns the seconds it took (0 when reused)."""
    _customers(env)
    t0 = time.perf_counter()
    done = False
    env.cr.execute(
        "SELECT COUNT(*) FROM helpdesk_ticket WHERE number LIKE %s",
        (TICKET_PREFIX + "%",),
    )
    if env.cr.fetchone()[0] < N_TICKETS:
        env.cr.execute(
            "DELETE FROM helpdesk_ticket WHERE number LIKE %s", (TICKET_PREFIX + "%",)
        )
        _generate_tickets(env)
        done = True
    env.cr.execute(
        "SELECT COUNT(*) FROM after_sales_authorization WHERE key LIKE 'BENCH%'"
    )
    if env.cr.fetchone()[0] < N_AUTHORIZATIONS:
        env.cr.execute("DELETE FROM after_sales_authorization WHERE key LIKE 'BENCH%'")
        _generate_authorizations(env)
        done = True
    if not done:
        return 0.0
    env.cr.commit()
    env.invalidate_all()
    seconds = round(time.perf_counter() - t0, 1)
    _logger.info("bench: after_sales data generated in %.1fs", seconds)
    return seconds


def _activity_count(env, model):
    env.cr.execute("SELECT COUNT(*) FROM mail_activity WHERE res_model = %s", (model,))
    return env.cr.fetchone()[0]


def _twice(env, fn, count):
    """Run ``fn`` twice; seconds, queries and what each run created."""
    figures = {}
    for run in ("run1", "run2"):
        env.invalidate_all()
        before = count()
        with _measure() as m:
            fn()
            env.flush_all()
        figures[f"{run}_seconds"] = m.seconds
        figures[f"{run}_queries"] = m.queries
        figures[f"{run}_created"] = count() - before
    return figures


# =============================================================================
# cases
# =============================================================================
def bench_after_sales_sla_escalation(env, emit):
    generate_seconds = _ensure_data(env)
    env.cr.execute(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE closed_date IS NULL) "
        "FROM helpdesk_ticket"
    )
    tickets, open_tickets = env.cr.fetchone()
    Ticket = env["helpdesk.ticket"]
    with _frozen():
        figures = _twice(
            env,
            Ticket._cron_sla_escalate,
            lambda: _activity_count(env, "helpdesk.ticket"),
        )
    emit(
        case="after_sales_sla_escalation",
        tickets=tickets,
        open_tickets=open_tickets,
        escalations_run1=figures.pop("run1_created"),
        escalations_run2=figures.pop("run2_created"),
        **figures,
        generate_seconds=generate_seconds,
    )
    env.cr.rollback()


def bench_after_sales_sla_replan(env, emit):
    generate_seconds = _ensure_data(env)
    team = _team(env)
    calendar = team._as_calendar()
    calendar.ka_cn_holidays = True
    # the open tickets get the 4 h / 72 h targets their generated deadlines
    # assume (a grade of their own), counted now in working time
    grade = env["key_account.grade"].create(
        {
            "name": "BENCH SLA",
            "code": "BENCHSLA",
            "ticket_response_hours": 4.0,
            "ticket_resolution_hours": 72.0,
        }
    )
    env.cr.execute(
        "UPDATE helpdesk_ticket SET as_grade_id = %s WHERE number LIKE %s"
        " AND closed_date IS NULL",
        (grade.id, TICKET_PREFIX + "%"),
    )
    env.flush_all()
    Ticket = env["helpdesk.ticket"]
    figures = {}
    with _frozen():
        # every open ticket moves: plain hours -> working time and holidays
        env.invalidate_all()
        with _measure() as m:
            figures["open_tickets"] = Ticket._as_replan_open_sla()
            env.flush_all()
        figures["full_seconds"], figures["full_queries"] = m.seconds, m.queries
        env.cr.execute(
            "SELECT COUNT(*) FROM helpdesk_ticket WHERE number LIKE %s AND"
            " closed_date IS NULL AND as_resolution_deadline"
            " != as_sla_start + interval '72 hours'",
            (TICKET_PREFIX + "%",),
        )
        figures["deadlines_moved"] = env.cr.fetchone()[0]
        # a holiday entered by hand in the tickets' window (Friday 26 June):
        # the correction re-plans the open tickets through the year's hook
        year = env["key_account.cn.holiday.year"].search([("year", "=", 2026)])
        env.invalidate_all()
        with _measure() as m:
            env["key_account.cn.holiday"].create(
                {"year_id": year.id, "date": "2026-06-26", "kind": "holiday"}
            )
            env.flush_all()
        figures["correction_seconds"] = m.seconds
        figures["correction_queries"] = m.queries
    emit(
        case="after_sales_sla_replan",
        **figures,
        generate_seconds=generate_seconds,
    )
    env.cr.rollback()


def bench_after_sales_expiry_reminders(env, emit):
    generate_seconds = _ensure_data(env)
    env.cr.execute("SELECT state, COUNT(*) FROM after_sales_authorization GROUP BY 1")
    before = dict(env.cr.fetchall())
    Pipeline = env["key_account.pipeline"]
    with _frozen():
        figures = _twice(
            env,
            lambda: Pipeline._run(
                companies=env.company, today=TODAY, codes=["authorization_expiry"]
            ),
            lambda: _activity_count(env, "after_sales.authorization"),
        )
    env.cr.execute(
        "SELECT COUNT(*) FROM after_sales_authorization WHERE state = 'expired'"
    )
    expired_after = env.cr.fetchone()[0]
    emit(
        case="after_sales_expiry_reminders",
        authorizations=sum(before.values()),
        expired_by_run=expired_after - before.get("expired", 0),
        reminders_run1=figures.pop("run1_created"),
        reminders_run2=figures.pop("run2_created"),
        **figures,
        generate_seconds=generate_seconds,
    )
    env.cr.rollback()


def bench_after_sales_issue_authorizations(env, emit):
    _customers(env)
    product = _product(env)
    env.cr.execute(
        "SELECT id FROM res_partner WHERE ref LIKE %s AND is_company AND active "
        "ORDER BY id LIMIT 1",
        (CUSTOMER_REF + "%",),
    )
    partner_id = env.cr.fetchone()[0]
    t0 = time.perf_counter()
    order = env["sale.order"].create(
        {
            "partner_id": partner_id,
            "order_line": [
                (0, 0, {"product_id": product.id, "product_uom_qty": 1 + i % 3})
                for i in range(ORDER_LINES)
            ],
        }
    )
    env.flush_all()
    create_seconds = round(time.perf_counter() - t0, 1)
    Authorization = type(env["after_sales.authorization"])
    issue = {}
    original = Authorization._issue_for_sale_lines

    def timed(self, lines):
        with _measure() as m:
            result = original(self, lines)
            self.env.flush_all()
        issue.update(seconds=m.seconds, queries=m.queries, issued=len(result))
        return result

    env.invalidate_all()
    with patch.object(Authorization, "_issue_for_sale_lines", timed), _measure() as m:
        order.action_confirm()
        env.flush_all()
    # a second confirmation path (back-fill) issues nothing more
    with _measure() as again:
        second = env["after_sales.authorization"]._issue_for_orders(order.ids)
        env.flush_all()
    emit(
        case="after_sales_issue_authorizations",
        order_lines=ORDER_LINES,
        seconds=issue["seconds"],
        queries=issue["queries"],
        issued=issue["issued"],
        confirm_seconds=m.seconds,
        confirm_queries=m.queries,
        backfill_seconds=again.seconds,
        backfill_issued=len(second),
        order_create_seconds=create_seconds,
    )
    env.cr.rollback()


CLIENT = r"""
import http.client, json, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
with open(path) as f:
    keys = json.load(f)
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
headers = {"Content-Type": "application/json"}
url = "/after_sales/licence/status"
def ask(key):
    conn.request("POST", url, json.dumps({"key": key}), headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, json.loads(body)
for key in keys[:20]:  # warm-up: registry, caches, connection
    ask(key)
times, statuses = [], {}
for key in keys:
    t0 = time.perf_counter()
    status, body = ask(key)
    times.append((time.perf_counter() - t0) * 1000)
    label = str(status) if status != 200 else body.get("status", "?")
    statuses[label] = statuses.get(label, 0) + 1
print(json.dumps({"times": times, "statuses": statuses}))
"""


def _free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_command(port, dbname, logfile):
    import odoo
    from odoo.tools import config

    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    cmd = [
        sys.executable,
        odoo_bin,
        f"--addons-path={config['addons_path']}",
        f"--db_host={config['db_host'] or ''}",
        f"--db_port={config['db_port'] or ''}",
        f"--db_user={config['db_user'] or ''}",
        f"--db_password={config['db_password'] or ''}",
        f"--data-dir={config['data_dir']}",
        f"--database={dbname}",
        f"--db-filter=^{dbname}$",
        f"--http-port={port}",
        "--http-interface=127.0.0.1",
        "--workers=0",
        "--max-cron-threads=0",
        f"--logfile={logfile}",
        "--log-level=warn",
    ]
    return cmd


def _wait_up(port, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/web/health", timeout=5
            ) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the Odoo server on port {port} did not start")


def bench_after_sales_status_endpoint(env, emit):
    _ensure_data(env)
    cr = env.cr
    cr.execute(
        "SELECT key FROM after_sales_authorization WHERE key LIKE 'BENCH%%' "
        "ORDER BY id LIMIT %s",
        (STATUS_REQUESTS,),
    )
    keys = [row[0] for row in cr.fetchall()]
    # one request in ten asks for a key that does not exist
    keys = [key if i % 10 else f"NOPE-{i:04d}-XXXX-YYYY" for i, key in enumerate(keys)]
    Param = env["ir.config_parameter"]
    old_limit = Param.get_param("after_sales.licence_rate_limit")
    Param.set_param("after_sales.licence_rate_limit", str(10 * STATUS_REQUESTS))
    cr.commit()
    port = _free_port()
    tmp = tempfile.mkdtemp(prefix="bench_after_sales_")
    keys_path = os.path.join(tmp, "keys.json")
    with open(keys_path, "w") as f:
        json.dump(keys, f)
    server = subprocess.Popen(
        _server_command(port, cr.dbname, os.path.join(tmp, "server.log")),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        t0 = time.perf_counter()
        _wait_up(port)
        start_seconds = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        client = subprocess.run(
            [sys.executable, "-c", CLIENT, str(port), keys_path],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )
        wall = time.perf_counter() - t0
        result = json.loads(client.stdout)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        Param.set_param("after_sales.licence_rate_limit", old_limit or "30")
        cr.commit()
    times = sorted(result["times"])
    emit(
        case="after_sales_status_endpoint",
        requests=len(times),
        median_ms=round(statistics.median(times), 2),
        p95_ms=round(times[int(0.95 * len(times)) - 1], 2),
        max_ms=round(times[-1], 2),
        requests_per_second=round(len(times) / wall, 1),
        statuses=result["statuses"],
        server_start_seconds=start_seconds,
    )
