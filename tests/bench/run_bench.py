"""Benchmarks: one JSON line per case on stdout.

    make bench                      # every case
    make bench ARGS="pool grading"  # cases whose name contains one of the words

Each case is a function ``bench_<name>(env, emit)`` in a ``tests/bench/bench_*.py``
module. It prepares (or reuses) its data in the bench database, then measures
with ``measure()``. Every case runs in a subprocess of its own, so that
``peak_rss_mb`` is that case's peak.

A case whose function has a ``prepare`` attribute may commit (to measure
nights the way the cron runs them, each step committed): ``prepare(env)``
first readies the data in the bench database and commits it, then the case is
called as ``case(scratch, emit)``; each ``with scratch() as env:`` block works
in a fresh copy of the bench database (``CREATE DATABASE ... TEMPLATE``),
dropped when the block ends, so that nothing the case commits stays.
"""

import argparse
import contextlib
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def discover():
    cases = {}
    for fname in sorted(os.listdir(HERE)):
        if fname.startswith("bench_") and fname.endswith(".py"):
            path = os.path.join(HERE, fname)
            spec = importlib.util.spec_from_file_location(fname[:-3], path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            for name in dir(module):
                if name.startswith("bench_"):
                    cases[name[len("bench_") :]] = getattr(module, name)
    return cases


class Measure:
    """Context manager giving seconds and SQL queries of its block."""

    def __init__(self):
        self.seconds = self.queries = None

    def __enter__(self):
        import odoo

        self._sql = odoo.sql_db.sql_counter
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        import odoo

        self.seconds = round(time.perf_counter() - self._t0, 3)
        self.queries = odoo.sql_db.sql_counter - self._sql


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_case(name, odoo_args):
    import odoo

    odoo.tools.config.parse_config(odoo_args)
    dbname = odoo.tools.config["db_name"]
    if isinstance(dbname, list):
        dbname = dbname[0]
    registry = odoo.modules.registry.Registry(dbname)
    case = discover()[name]

    def emit(**figures):
        figures.setdefault("peak_rss_mb", peak_rss_mb())
        print(json.dumps({"case": name, **figures}, ensure_ascii=False), flush=True)

    prepare = getattr(case, "prepare", None)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        if prepare is None:
            case(env, emit)
        else:
            prepare(env)
        cr.commit()
    if prepare is None:
        return
    odoo.modules.registry.Registry.delete(dbname)
    odoo.sql_db.close_db(dbname)

    @contextlib.contextmanager
    def scratch():
        """A fresh copy of the bench database, dropped when left."""
        name = f"{dbname}_scratch"
        _admin_sql(odoo, f'DROP DATABASE IF EXISTS "{name}"')
        _admin_sql(
            odoo, f'CREATE DATABASE "{name}" TEMPLATE "{dbname}" STRATEGY FILE_COPY'
        )
        try:
            registry = odoo.modules.registry.Registry(name)
            with registry.cursor() as cr:
                yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
                cr.commit()
        finally:
            odoo.modules.registry.Registry.delete(name)
            odoo.sql_db.close_db(name)
            _admin_sql(odoo, f'DROP DATABASE IF EXISTS "{name}"')

    case(scratch, emit)


def _admin_sql(odoo, statement):
    """A statement that cannot run in a transaction (CREATE/DROP DATABASE),
    on the maintenance database."""
    import psycopg2

    _name, info = odoo.sql_db.connection_info_for("postgres")
    cnx = psycopg2.connect(**info)
    try:
        cnx.autocommit = True
        with cnx.cursor() as cr:
            cr.execute(statement)
    finally:
        cnx.close()


def vacuum(env, full=()):
    """Commit, then VACUUM ANALYZE the database, as autovacuum does between
    two nights; with ``full``, VACUUM FULL these tables first (rewritten
    compact, as after an import or a restore). Returns the seconds it took."""
    import psycopg2

    import odoo

    env.cr.commit()
    t0 = time.perf_counter()
    _name, info = odoo.sql_db.connection_info_for(env.cr.dbname)
    cnx = psycopg2.connect(**info)
    try:
        cnx.autocommit = True
        with cnx.cursor() as cr:
            cr.execute("SET client_min_messages = error")
            for table in full:
                cr.execute(f'VACUUM (FULL) "{table}"')
            cr.execute("VACUUM ANALYZE")
    finally:
        cnx.close()
    return round(time.perf_counter() - t0, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", help="run one case in this process (internal)")
    parser.add_argument("words", nargs="*")
    args, odoo_args = parser.parse_known_args()
    if args.case:
        with contextlib.redirect_stderr(sys.stderr):
            run_case(args.case, odoo_args)
        return 0
    names = [n for n in discover() if not args.words or any(w in n for w in args.words)]
    failed = 0
    for name in names:
        proc = subprocess.run(
            [sys.executable, __file__, "--case", name, *odoo_args], check=False
        )
        if proc.returncode:
            failed += 1
            print(json.dumps({"case": name, "error": proc.returncode}), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
