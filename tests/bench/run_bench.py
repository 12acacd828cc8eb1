"""Benchmarks: one JSON line per case on stdout.

    make bench                      # every case
    make bench ARGS="pool grading"  # cases whose name contains one of the words

Each case is a function ``bench_<name>(env, emit)`` in a ``tests/bench/bench_*.py``
module. It prepares (or reuses) its data in the bench database, then measures
with ``measure()``. Every case runs in a subprocess of its own, so that
``peak_rss_mb`` is that case's peak.
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

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        case(env, emit)
        cr.commit()


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
