"""Keep each addon's i18n/zh_CN.po in step with its .pot.

    python i18n/sync_po.py [addon ...]

Entries the .pot no longer has are dropped, new ones are added (filled from
the glossary when the whole msgid is a glossary term, else left empty for a
translator), and the header is the one STYLE.md asks for. Run it after
exporting the .pot (see README, "Translations").
"""

import csv
import os
import sys

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ("key_account", "sales_followup", "after_sales")


def glossary():
    with open(os.path.join(ROOT, "i18n", "glossary.csv"), encoding="utf-8") as f:
        return {row["en"]: row["zh_CN"] for row in csv.DictReader(f)}


def sync(addon, terms):
    pot = polib.pofile(os.path.join(ROOT, addon, "i18n", f"{addon}.pot"))
    po_path = os.path.join(ROOT, addon, "i18n", "zh_CN.po")
    old = polib.pofile(po_path) if os.path.exists(po_path) else polib.POFile()
    known = {(e.msgctxt, e.msgid): e.msgstr for e in old}
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
        msgstr = known.get((entry.msgctxt, entry.msgid)) or terms.get(entry.msgid, "")
        missing += not msgstr
        new.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgctxt=entry.msgctxt,
                msgstr=msgstr,
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
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
