"""Per-module figures of an Odoo test log (make test-upstream).

Usage: upstream_summary.py LOG            a table per module, then the failing tests
       upstream_summary.py LOG --failing  one "module:Class.method" per failing test
       upstream_summary.py LOG --totals   "passed failed skipped" over all modules

A test is counted once ("Starting Class.method" lines), failed when it logged
FAIL or ERROR (for itself or one of its subtests), skipped when it logged
"skipped". A failing setUpClass counts as one failed test named after the
class. Seconds per module run from its first test to the next module's.
For each failing test the table gives the exception line of its traceback,
the innermost frame outside Odoo's test machinery and, for a tour, the first
error its browser logged.
"""

import re
import sys
from datetime import datetime

LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+ \d+ (\w+) \S+ (\S+): (.*)$")
MODULE = re.compile(r"odoo\.addons\.(\w+)\.tests")
START = re.compile(r"^Starting (\S+) \.\.\.$")
FAIL = re.compile(r"^(?:FAIL|ERROR): (.*)$")
SUBTEST = re.compile(r"^Subtest (\w+\.\w+)")
HOLDER = re.compile(r"^(\w+) \((odoo\.addons\.(\w+)\.tests\.[\w.]+)\)")
SKIP = re.compile(r"^skipped (\S+) : ")
BROWSER = re.compile(r"\.(\w+\.\w+)\.browser$")  # the browser of Class.method
FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)')
EXCEPTION = re.compile(r"^[\w.]*(Error|Exception|Failure|Warning|Interrupt|Exit)\b")
MACHINERY = ("/unittest/", "/odoo/tests/", "/contextlib.py", "/odoo/api.py")


class Module:
    def __init__(self):
        self.run = 0
        self.failed = {}  # test -> (exception line, innermost frame)
        self.browser = {}  # test -> first error its browser (tour) logged
        self.skipped = set()
        self.seconds = 0.0


def describe(lines):
    """(exception line, innermost frame outside the test machinery) of a traceback."""
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
    return message[:300], frame


def failed_test(desc, found):
    """(module, test) of a FAIL/ERROR description, None if it names no test."""
    holder = HOLDER.match(desc)
    if holder:  # setUpClass (odoo.addons.crm.tests.test_x.TestY)
        test_class = holder.group(2).rsplit(".", 1)[-1]
        return holder.group(3), f"{test_class}.{holder.group(1)}"
    if not found:
        return None
    sub = SUBTEST.match(desc)
    return found.group(1), sub.group(1) if sub else desc.split()[0]


class LogParser:
    def __init__(self):
        self.modules = {}  # in the order they ran
        self.current = None  # (module, time of its first test)
        self.failure = None  # (module, test, traceback lines) being read
        self.time = None

    def module(self, name):
        return self.modules.setdefault(name, Module())

    def stop_clock(self):
        if self.current:
            name, since = self.current
            self.module(name).seconds += (self.time - since).total_seconds()
            self.current = None

    def close_failure(self):
        if self.failure:
            name, test, lines = self.failure
            module = self.module(name)
            in_class = test.endswith(("setUpClass", "tearDownClass"))
            if in_class and test not in module.failed:
                module.run += 1  # the class counts as one failed test
            module.failed.setdefault(test, describe(lines))
            self.failure = None

    def feed(self, line):
        match = LINE.match(line)
        if not match:
            if self.failure:
                self.failure[2].append(line)
            return
        self.close_failure()
        stamp, level, logger, message = match.groups()
        message = message.strip()
        self.time = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
        found = MODULE.match(logger)
        start, skip = START.match(message), SKIP.match(message)
        fail = FAIL.match(message)
        if start and found:
            if self.current and self.current[0] != found.group(1):
                self.stop_clock()
            self.current = self.current or (found.group(1), self.time)
            self.module(found.group(1)).run += 1
        elif level == "ERROR" and found and BROWSER.search(logger):
            browser = self.module(found.group(1)).browser
            browser.setdefault(BROWSER.search(logger).group(1), message[:300])
        elif skip and found:
            self.module(found.group(1)).skipped.add(skip.group(1))
        elif fail and level in ("ERROR", "CRITICAL"):
            test = failed_test(fail.group(1), found)
            if test:
                self.failure = (*test, [])
        elif "odoo.tests.stats" in logger or "post-tests in" in message:
            self.stop_clock()

    def parse(self, path):
        with open(path, encoding="utf-8", errors="replace") as log:
            for line in log:
                self.feed(line.rstrip("\n"))
        self.close_failure()
        if self.time:
            self.stop_clock()
        return self.modules


def table(modules):
    row = "{:<28}{:>7}{:>8}{:>8}{:>9}{:>9}"
    print(row.format("module", "tests", "passed", "failed", "skipped", "seconds"))
    totals = [0, 0, 0, 0, 0]
    for name, m in modules.items():
        failed, skipped = len(m.failed), len(m.skipped)
        figures = [m.run, max(m.run - failed - skipped, 0), failed, skipped, m.seconds]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        print(row.format(name, *figures[:4], f"{m.seconds:.0f}"))
    print(row.format("total", *totals[:4], f"{totals[4]:.0f}"))
    for name, m in modules.items():
        for test, (message, frame) in sorted(m.failed.items()):
            print(f"FAILED {name}:{test}\n    {message}")
            if frame:
                print(f"    at {frame}")
            if test in m.browser:
                print(f"    browser: {m.browser[test]}")


def main(path, mode=None):
    modules = LogParser().parse(path)
    if mode == "--totals":
        run = sum(m.run for m in modules.values())
        failed = sum(len(m.failed) for m in modules.values())
        skipped = sum(len(m.skipped) for m in modules.values())
        print(max(run - failed - skipped, 0), failed, skipped)
    elif mode == "--failing":
        for name, m in modules.items():
            for test in sorted(m.failed):
                print(f"{name}:{test}")
    else:
        table(modules)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
