"""Print "passed failed skipped" from a pytest JUnit XML report."""

import sys
import xml.etree.ElementTree as ET


def main(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        print(0, 1, 0)
        return
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = sum(int(s.get("tests", 0)) for s in suites)
    bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    print(tests - bad - skipped, bad, skipped)


if __name__ == "__main__":
    main(sys.argv[1])
