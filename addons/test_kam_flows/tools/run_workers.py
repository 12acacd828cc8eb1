#!/usr/bin/env python3
"""The flows' browser tests against Odoo in multi-process mode (--workers 2).

Odoo 18 cannot run its own tests in prefork mode: ``HttpCase`` sends the
browser to the HTTP server of the test's own process (``server.httpd``, which
the PreforkServer does not have) and shares its test cursor with it, and
``odoo/service/server.py`` warns "Unit testing in workers mode could fail;
use --workers 0". So this script runs the same flows against a real prefork
server from outside:

1. installs ``test_kam_flows`` (so the three addons and the tours) into a fresh
   database with Chinese loaded and without demo data (``--skip-install``
   reuses a database that has it);
2. makes the flows' records with ``tests/flows.py`` (the code the HttpCase
   tests use) and commits them;
3. starts ``odoo-bin --workers 2 --max-cron-threads 0`` on that database: a
   PreforkServer with two HTTP worker processes and the gevent process of the
   websocket (on ``--gevent-port``, default: the HTTP port + 1000);
4. drives headless Chromium through the same tours with ``run_tour.mjs``
   (playwright-core, as ``tools/screenshot.mjs``), logged in as each flow's
   user, the phone flow in a 375x667 touch window;
5. downloads the licence file over HTTP as the portal user and checks its
   Ed25519 signature with the company's public key;
6. reads the database with ``flows.observe_*`` and compares with
   ``flows.EXPECTED_*``;
7. checks that the gevent process listens (the websocket of the bus), that
   the server's log shows the requests served by at least two distinct worker
   processes (none by the main process) and has no ERROR/CRITICAL record
   (but those of ``/websocket`` asked to an HTTP worker: no proxy here);
8. stops the server and drops the database (unless ``--keep``).

Run from the repository root with the project's virtualenv:

    PYTHONPATH=$ODOO_SRC .venv/bin/python addons/test_kam_flows/tools/run_workers.py \\
        --db kam_workers_$$ --port 8176

It prints one line per check and ends with "N passed, M failed, 0 skipped";
the exit status is 0 only when everything passed. Odoo's log goes to
``.kam/log/workers-<db>.log``, a failed tour's screenshot to
``.kam/log/<tour>.png``. The ``KAM_DB_*`` variables of ``tools/kam.sh`` name
the PostgreSQL server; ``KAM_ADDONS_PATH`` replaces the addons path
``tools/kam.sh`` would use.
"""

import argparse
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))
DB_ARGS = [
    f"--db_host={os.environ.get('KAM_DB_HOST', '127.0.0.1')}",
    f"--db_port={os.environ.get('KAM_DB_PORT', '5432')}",
    f"--db_user={os.environ.get('KAM_DB_USER', 'kam')}",
    f"--db_password={os.environ.get('KAM_DB_PASSWORD', 'kam')}",
]
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (?P<pid>\d+) (?P<level>[A-Z]+) "
    r"(?P<db>\S+) (?P<logger>[\w.]+): (?P<message>.*)$"
)


def addons_path():
    if os.environ.get("KAM_ADDONS_PATH"):
        return os.environ["KAM_ADDONS_PATH"]
    paths = [ODOO_SRC / "addons", ODOO_SRC / "odoo" / "addons", ROOT]
    site = Path(sysconfig.get_paths()["purelib"]) / "odoo" / "addons"
    if site.is_dir():
        paths.append(site)
    paths.append(ROOT / "addons")
    return ",".join(str(p) for p in paths)


def odoo_cmd(db, *args):
    return [
        sys.executable,
        str(ODOO_SRC / "odoo-bin"),
        f"--addons-path={addons_path()}",
        *DB_ARGS,
        f"--data-dir={ROOT / '.kam' / 'data'}",
        "-d",
        db,
        *args,
    ]


class Report:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok      {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAILED  {name}{': ' + detail if detail else ''}", flush=True)
        return ok

    def compare(self, name, observed, expected):
        diff = {
            key: (observed.get(key), value)
            for key, value in expected.items()
            if observed.get(key) != value
        }
        return self.check(name, not diff, f"(observed, expected) {diff}")


_CONFIGURED = []


def configure(db):
    """Odoo's configuration in this process (it also sets odoo.addons' path)."""
    from odoo.tools import config

    if not _CONFIGURED:
        # not --test-enable: loading a registry would run at_install tests
        config.parse_config(
            [f"--addons-path={addons_path()}", *DB_ARGS, "-d", db, "--log-level=warn"]
        )
        _CONFIGURED.append(db)


def registry_env(db):
    """The registry of ``db`` in this process (not the server's)."""
    import odoo

    configure(db)
    return odoo.modules.registry.Registry(db)


def run_in_env(db, function, *args):
    import odoo

    registry = registry_env(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "zh_CN"})
        result = function(env, *args)
        cr.commit()
        return result


def wait_for_server(base, seconds=180):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/web/health", timeout=5) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(1)
    return False


def portal_download(base, login, path):
    """Log in as ``login`` through the login form and GET ``path``."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/web/login", timeout=60) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"login": login, "password": login, "csrf_token": token, "redirect": "/my"}
    ).encode()
    with opener.open(f"{base}/web/login", data=data, timeout=60):
        pass
    with opener.open(f"{base}{path}", timeout=60) as response:
        return response.status, dict(response.headers), response.read()


def log_facts(log_path):
    """The pids that served HTTP requests, and the ERROR/CRITICAL records.

    Without a reverse proxy in front, the browser asks the HTTP workers for
    ``/websocket`` (a proxy sends it to the gevent port); the workers answer
    with an error that says nothing about the flows: those are left out.
    """
    pids, errors, record = set(), [], None
    for line in [*Path(log_path).read_text(errors="replace").splitlines(), "EOF"]:
        match = LOG_LINE.match(line)
        if not match and line != "EOF":
            if record is not None:
                record.append(line)
            continue
        if record and "bus/websocket.py" not in "\n".join(record):
            errors.append(record[0][:300])
        record = None
        if not match:
            continue
        if match["level"] in ("ERROR", "CRITICAL"):
            record = [line]
        # the HTTP requests; the websocket is the gevent process's
        message = match["message"]
        http = '"' in message and "/websocket" not in message
        if match["logger"] == "werkzeug" and http:
            pids.add(int(match["pid"]))
    return pids, errors


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="database to create and drop")
    parser.add_argument("--port", type=int, default=8176, help="HTTP port")
    parser.add_argument("--gevent-port", type=int, help="default: HTTP port + 1000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--skip-install", action="store_true", help="the database has the addon"
    )
    parser.add_argument(
        "--flows", default="pool,visit,ticket,licence", help="comma-separated"
    )
    options = parser.parse_args()
    sys.path.insert(0, str(ODOO_SRC))
    os.environ.setdefault("PGPASSWORD", os.environ.get("KAM_DB_PASSWORD", "kam"))
    log_dir = ROOT / ".kam" / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"workers-{options.db}.log"
    base = f"http://127.0.0.1:{options.port}"
    report = Report()

    if not options.skip_install:
        subprocess.run(["dropdb", "--if-exists", *pg_args(), options.db], check=False)
        print(f"installing test_kam_flows into {options.db} (log in {log_path})")
        install = subprocess.run(
            odoo_cmd(
                options.db,
                "-i",
                "test_kam_flows",
                "--without-demo=all",
                "--load-language=zh_CN",
                "--stop-after-init",
                "--no-http",
                f"--logfile={log_path}.install",
            ),
            check=False,
        )
        if not report.check("install", install.returncode == 0):
            return finish(report, options)

    configure(options.db)
    # flows.py uses the test framework, which logs an error when it is
    # imported outside a test run: this process only makes records with it
    logging.getLogger("odoo.tests.common").setLevel(logging.CRITICAL)
    from odoo.addons.test_kam_flows.tests import flows

    logging.getLogger("odoo.tests.common").setLevel(logging.NOTSET)

    wanted = options.flows.split(",")
    ids = {}
    for flow in wanted:
        ids[flow] = run_in_env(options.db, flows.PREPARE[flow])
    print(f"data of the flows committed: {ids}")

    log_path.write_text("")
    stderr_path = log_dir / f"workers-{options.db}.stderr.log"
    stderr_file = stderr_path.open("w")
    gevent_port = options.gevent_port or options.port + 1000
    server = subprocess.Popen(
        odoo_cmd(
            options.db,
            f"--db-filter=^{re.escape(options.db)}$",
            f"--workers={options.workers}",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={options.port}",
            f"--gevent-port={gevent_port}",
            "--limit-time-real=600",
            "--limit-time-cpu=300",
            f"--logfile={log_path}",
        ),
        start_new_session=True,
        # the gevent process's start-up errors come before its log file
        stdout=stderr_file,
        stderr=subprocess.STDOUT,
    )
    try:
        if not report.check(
            f"prefork server with {options.workers} workers answers on {base}",
            wait_for_server(base),
        ):
            return finish(report, options)
        # the bus's websocket is served by the gevent process (odoo-bin gevent)
        report.check(
            f"websocket (gevent) process answers on port {gevent_port}",
            any(port_open(gevent_port) or time.sleep(1) for _i in range(30)),
            f"see {stderr_path}",
        )
        run_flows(options, report, flows, ids, base, wanted)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    stderr_file.close()
    pids, errors = log_facts(log_path)
    report.check(
        f"requests served by {len(pids)} worker processes",
        len(pids) >= 2 and server.pid not in pids,
        f"pids {sorted(pids)}, server {server.pid}",
    )
    report.check("no ERROR line in the server's log", not errors, "\n".join(errors[:5]))
    return finish(report, options)


def pg_args():
    return [
        "-h",
        os.environ.get("KAM_DB_HOST", "127.0.0.1"),
        "-p",
        os.environ.get("KAM_DB_PORT", "5432"),
        "-U",
        os.environ.get("KAM_DB_USER", "kam"),
    ]


def tour(options, report, flows, flow, base, suffix=""):
    name, url, login, phone = flows.TOURS[flow]
    started = time.time()
    command = [
        "node",
        str(HERE / "run_tour.mjs"),
        base,
        login,
        login,
        url + suffix,
        name,
        "phone" if phone else "desktop",
        "300",
    ]
    env = dict(os.environ, KAM_TOUR_SHOTS=str(ROOT / ".kam" / "log"))
    done = subprocess.run(command, check=False, env=env)
    return report.check(
        f"tour {name} ({time.time() - started:.0f} s)", done.returncode == 0
    )


def run_flows(options, report, flows, ids, base, wanted):
    db = options.db
    if "pool" in wanted and tour(options, report, flows, "pool", base):
        report.compare(
            "pool: state after the tour",
            run_in_env(db, flows.observe_pool, ids["pool"]),
            flows.EXPECTED_POOL,
        )
    if "visit" in wanted and tour(options, report, flows, "visit", base):
        report.compare(
            "visit: state after the tour",
            run_in_env(db, flows.observe_visit, ids["visit"]),
            flows.EXPECTED_VISIT,
        )
    if "ticket" in wanted and tour(options, report, flows, "ticket", base):
        report.compare(
            "ticket: state after the tour",
            run_in_env(db, flows.observe_ticket, ids["ticket"]),
            flows.EXPECTED_TICKET,
        )
    if "licence" in wanted:
        licence_ids = ids["licence"]
        if not tour(options, report, flows, "order", base, f"/{licence_ids['order']}"):
            return
        report.compare(
            "licence: state after the order tour",
            run_in_env(db, flows.observe_licence, licence_ids),
            run_in_env(db, flows.expected_licence, licence_ids),
        )
        if not tour(options, report, flows, "portal", base):
            return
        path = run_in_env(db, flows.licence_url, licence_ids)
        status, headers, content = portal_download(base, "kam_flow_portal", path)
        report.compare(
            "licence: the portal download verifies",
            run_in_env(
                db,
                flows.licence_download_facts,
                licence_ids,
                status,
                headers,
                content,
            ),
            run_in_env(db, flows.expected_download, licence_ids),
        )


def finish(report, options):
    if not options.keep:
        import odoo

        if "odoo.modules.registry" in sys.modules:
            odoo.modules.registry.Registry.delete(options.db)
            odoo.sql_db.close_db(options.db)
        subprocess.run(["dropdb", "--if-exists", *pg_args(), options.db], check=False)
        subprocess.run(
            ["rm", "-rf", str(ROOT / ".kam" / "data" / "filestore" / options.db)],
            check=False,
        )
    print(f"{report.passed} passed, {report.failed} failed, 0 skipped")
    return 0 if report.failed == 0 and report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
