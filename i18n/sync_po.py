"""Keep each addon's i18n/zh_CN.po in step with its .pot.

    python i18n/sync_po.py [addon ...]

Entries the .pot no longer has are dropped, new ones are added (filled from
the glossary when the whole msgid is a glossary term, else left empty for a
translator), translator comments (`# glossary-ignore: ...`) are kept, and the
header is the one STYLE.md asks for. Run it after exporting the .pot (see
README, "Translations"). addons/kam_zh_cn's .pot is made by i18n/dep_terms.py.
"""

import csv
import os
import sys

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = {
    "key_account": "key_account",
    "sales_followup": "sales_followup",
    "after_sales": "after_sales",
    "kam_zh_cn": os.path.join("addons", "kam_zh_cn"),
    "kam_dashboard": os.path.join("addons", "kam_dashboard"),
    "kam_demo": os.path.join("addons", "kam_demo"),
    "test_kam_flows": os.path.join("addons", "test_kam_flows"),
    "test_kam_trust": os.path.join("addons", "test_kam_trust"),
}


def glossary():
    with open(os.path.join(ROOT, "i18n", "glossary.csv"), encoding="utf-8") as f:
        return {row["en"]: row["zh_CN"] for row in csv.DictReader(f) if row["zh_CN"]}


def sync(addon, terms, memory=None):
    """Merge the addon's .pot into its zh_CN.po; `memory` ({msgid: msgstr})
    fills new entries after the glossary. Returns the untranslated count."""
    base = os.path.join(ROOT, ADDONS.get(addon, addon), "i18n")
    pot = polib.pofile(os.path.join(base, f"{addon}.pot"))
    po_path = os.path.join(base, "zh_CN.po")
    old = polib.pofile(po_path) if os.path.exists(po_path) else polib.POFile()
    known = {(e.msgctxt, e.msgid): e.msgstr for e in old if not e.obsolete}
    notes = {(e.msgctxt, e.msgid): e.tcomment for e in old if e.tcomment}
    memory = memory or {}
    new = polib.POFile(wrapwidth=78)
    new.metadata = dict(pot.metadata)
    new.metadata.update(
        {
            "Language": "zh_CN",
            "Language-Team": "",
            "Plural-Forms": "nplurals=1; plural=0;",
            "Content-Type": "text/plain; charset=UTF-8",
        }
    )
    missing = 0
    for entry in pot:
        key = (entry.msgctxt, entry.msgid)
        msgstr = known.get(key) or terms.get(entry.msgid) or memory.get(entry.msgid, "")
        missing += not msgstr
        new.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgctxt=entry.msgctxt,
                msgstr=msgstr,
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=notes.get(key) or entry.tcomment,
                flags=entry.flags,
            )
        )
    new.header = f"Translation of Odoo Server.\n* {addon}"
    new.save(po_path)
    return missing


def main(addons):
    terms = glossary()
    for addon in addons or ADDONS:
        missing = sync(addon, terms)
        print(f"{addon}: {missing} untranslated")


if __name__ == "__main__":
    main(sys.argv[1:])
