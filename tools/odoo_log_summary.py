"""Count tests in an Odoo test log: prints "passed failed skipped error_lines".

Odoo logs one "odoo.tests.stats"-style summary per phase; the reliable
figures are the lines of odoo.tests.result ("N failed, M error(s) of T tests")
and the "skipped" lines that OdooTestResult.addSkip writes.
"""

import re
import sys

RESULT = re.compile(
    r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests"
)
SKIP = re.compile(r" odoo\.tests\.result: skipped | INFO .*: skipped .* : ")
LEVEL = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")
FAILURE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) \S+ "
    r"(odoo\.addons\.\S+\.tests|odoo\.tests)"
)


def main(path):
    failed = errors = total = skipped = err_lines = 0
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = RESULT.search(line)
            if match:
                # the last summary covers the whole run (the report is global)
                failed, errors, total = (int(g) for g in match.groups())
            if SKIP.search(line):
                skipped += 1
            if LEVEL.match(line) and not FAILURE.match(line):
                err_lines += 1
    bad = failed + errors
    print(total - bad - skipped, bad, skipped, err_lines)


if __name__ == "__main__":
    main(sys.argv[1])
