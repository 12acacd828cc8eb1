"""Translation checks, run by `make lint`:

* every addon has i18n/<addon>.pot and i18n/zh_CN.po, with the same msgids;
* no zh_CN entry is empty or fuzzy;
* placeholders (%(name)s, %s) are the same in msgid and msgstr;
* a msgid that is exactly a glossary term uses the glossary's translation.
"""

import csv
import os
import re
import sys

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ("key_account", "sales_followup", "after_sales")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]")


def check(addon, terms):
    errors = []
    base = os.path.join(ROOT, addon, "i18n")
    pot_path, po_path = (
        os.path.join(base, f"{addon}.pot"),
        os.path.join(base, "zh_CN.po"),
    )
    for path in (pot_path, po_path):
        if not os.path.exists(path):
            return [f"{path}: missing"]
    pot, po = polib.pofile(pot_path), polib.pofile(po_path)
    if po.metadata.get("Language") != "zh_CN":
        errors.append(f"{po_path}: header Language is not zh_CN")
    pot_ids = {(e.msgctxt, e.msgid) for e in pot}
    po_ids = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    for _ctx, msgid in sorted(pot_ids - po_ids, key=str):
        errors.append(f"{po_path}: not in step with the .pot, missing {msgid!r}")
    for _ctx, msgid in sorted(po_ids - pot_ids, key=str):
        errors.append(f"{po_path}: not in the .pot any more: {msgid!r}")
    for entry in po:
        if entry.obsolete:
            continue
        if not entry.msgstr:
            errors.append(f"{po_path}:{entry.linenum}: untranslated {entry.msgid!r}")
            continue
        if "fuzzy" in entry.flags:
            errors.append(f"{po_path}:{entry.linenum}: fuzzy {entry.msgid!r}")
        if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(
            PLACEHOLDER.findall(entry.msgstr)
        ):
            errors.append(
                f"{po_path}:{entry.linenum}: placeholders differ in {entry.msgid!r}"
            )
        want = terms.get(entry.msgid)
        if want and entry.msgstr != want:
            errors.append(
                f"{po_path}:{entry.linenum}: {entry.msgid!r} is {want!r} "
                f"in the glossary, not {entry.msgstr!r}"
            )
    return errors


def main():
    with open(os.path.join(ROOT, "i18n", "glossary.csv"), encoding="utf-8") as f:
        terms = {row["en"]: row["zh_CN"] for row in csv.DictReader(f)}
    errors = [e for addon in ADDONS for e in check(addon, terms)]
    for error in errors:
        print(error)
    print(f"{len(errors)} translation problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
