"""Per-module figures of an Odoo test log (make test-upstream).

Usage: upstream_summary.py LOG            a table per module, then the failing tests
       upstream_summary.py LOG --failing  one "module:Class.method" per failing test
       upstream_summary.py LOG --totals   "passed failed skipped" over all modules

A test is counted once ("Starting Class.method" lines), failed when it logged
FAIL or ERROR (for itself or one of its subtests), skipped when it logged
"skipped". A failing setUpClass counts as one failed test named after the
class. Seconds per module run from its first test to the next module's.
For each failing test the table gives the exception line of its traceback and
the innermost frame outside Odoo's test machinery.
"""

import re
import sys
from datetime import datetime

LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+ \d+ (\w+) \S+ (\S+): (.*)$"
)
MODULE = re.compile(r"odoo\.addons\.(\w+)\.tests")
START = re.compile(r"^Starting (\S+) \.\.\.$")
FAIL = re.compile(r"^(?:FAIL|ERROR): (.*)$")
SUBTEST = re.compile(r"^Subtest (\w+\.\w+)")
HOLDER = re.compile(r"^(\w+) \((odoo\.addons\.(\w+)\.tests\.[\w.]+)\)")
SKIP = re.compile(r"^skipped (\S+) : ")
FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)')
EXCEPTION = re.compile(r"^[\w.]*(Error|Exception|Failure|Warning|Interrupt|Exit)\b")
MACHINERY = ("/unittest/", "/odoo/tests/", "/contextlib.py", "/odoo/api.py")


def parse(path):
    modules = {}  # name -> {"run", "failed": {test: (message, frame)}, "skipped", "seconds"}
    order = []
    current = None  # (module, started_at) of the module running
    failure = None  # (module, test, traceback lines) being read
    last_time = None

    def mod(name):
        if name not in modules:
            modules[name] = {"run": 0, "failed": {}, "skipped": set(), "seconds": 0.0}
            order.append(name)
        return modules[name]

    def close_failure():
        if failure:
            name, test, lines = failure
            message, frame = "", ""
            for line in lines:
                match = FRAME.match(line)
                if match and not any(m in match.group(1) for m in MACHINERY):
                    frame = f"{match.group(1)}:{match.group(2)} in {match.group(3)}"
            for line in reversed(lines):  # the last exception line, else the last line
                if EXCEPTION.match(line):
                    message = line.strip()
                    break
                message = message or line.strip()
            mod(name)["failed"].setdefault(test, (message[:300], frame))

    with open(path, encoding="utf-8", errors="replace") as log:
        for raw in log:
            line = raw.rstrip("\n")
            match = LINE.match(line)
            if not match:
                if failure:
                    failure[2].append(line)
                continue
            close_failure()
            failure = None
            stamp, level, logger, message = match.groups()
            message = message.strip()
            last_time = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
            found = MODULE.match(logger)
            start = START.match(message)
            if start and found:
                name = found.group(1)
                if current and current[0] != name:
                    mod(current[0])["seconds"] += (last_time - current[1]).total_seconds()
                    current = None
                if not current:
                    current = (name, last_time)
                mod(name)["run"] += 1
                continue
            skip = SKIP.match(message)
            if skip and found:
                mod(found.group(1))["skipped"].add(skip.group(1))
                continue
            fail = FAIL.match(message)
            if fail and level in ("ERROR", "CRITICAL"):
                desc = fail.group(1)
                holder = HOLDER.match(desc)
                if holder:  # setUpClass (odoo.addons.crm.tests.test_x.TestY)
                    name = holder.group(3)
                    test = f"{holder.group(2).rsplit('.', 1)[-1]}.{holder.group(1)}"
                elif found:
                    name = found.group(1)
                    sub = SUBTEST.match(desc)
                    test = sub.group(1) if sub else desc.split()[0]
                else:
                    continue
                failure = (name, test, [])
            if "odoo.tests.stats" in logger or "post-tests in" in message:
                if current:
                    mod(current[0])["seconds"] += (last_time - current[1]).total_seconds()
                    current = None
    close_failure()
    if current and last_time:
        mod(current[0])["seconds"] += (last_time - current[1]).total_seconds()
    return order, modules


def main(path, mode=None):
    order, modules = parse(path)
    if mode == "--totals":
        run = sum(m["run"] for m in modules.values())
        failed = sum(len(m["failed"]) for m in modules.values())
        skipped = sum(len(m["skipped"]) for m in modules.values())
        print(max(run - failed - skipped, 0), failed, skipped)
        return
    if mode == "--failing":
        for name in order:
            for test in sorted(modules[name]["failed"]):
                print(f"{name}:{test}")
        return
    total = [0, 0, 0, 0.0]
    print(f"{'module':<28}{'tests':>7}{'passed':>8}{'failed':>8}{'skipped':>9}{'seconds':>9}")
    for name in order:
        m = modules[name]
        failed, skipped = len(m["failed"]), len(m["skipped"])
        passed = max(m["run"] - failed - skipped, 0)
        total = [total[0] + m["run"], total[1] + passed, total[2] + failed, total[3] + m["seconds"]]
        print(f"{name:<28}{m['run']:>7}{passed:>8}{failed:>8}{skipped:>9}{m['seconds']:>9.0f}")
    skipped_total = sum(len(m["skipped"]) for m in modules.values())
    print(f"{'total':<28}{total[0]:>7}{total[1]:>8}{total[2]:>8}{skipped_total:>9}{total[3]:>9.0f}")
    for name in order:
        for test, (message, frame) in sorted(modules[name]["failed"].items()):
            print(f"FAILED {name}:{test}\n    {message}")
            if frame:
                print(f"    at {frame}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
