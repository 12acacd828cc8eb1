"""Export the terms of our dependencies that have no zh_CN translation into
addons/kam_zh_cn/i18n/kam_zh_cn.pot, and merge it into its zh_CN.po.

Run it from the repository root in an Odoo shell on a database that has the
three addons installed (so the modules of kam_zh_cn/translated_modules.py too):

    odoo-bin shell -d DB --no-http < i18n/dep_terms.py

A term counts as translated when the dependency's own i18n/zh_CN.po (or zh.po)
translates it; what other modules' .po files or the database hold does not
count, so the result does not depend on the state of our own .po files.

Only record terms are exported (models, fields, selections, views, menus,
actions and the other data records of the dependencies): a .po entry of
kam_zh_cn can translate another module's record through the xmlid of its
occurrence (`#: model:ir.ui.menu,name:helpdesk_mgmt.helpdesk_ticket_main_menu`,
read by odoo.tools.translate.PoFileReader), but code terms (_() in Python, _t()
in JavaScript) are looked up by module and cannot be provided this way.

New entries are pre-filled from kam_zh_cn's existing zh_CN.po, then from the
zh_CN.po files shipped with Odoo and the OCA addons (the translation most of
them use for the same English), then from the glossary; the rest is left
empty for a translator (i18n/check_po.py fails until it is filled).
"""
# ruff: noqa: F821 (env is the Odoo shell's)

import collections
import glob
import os
import sys

import polib

from odoo.modules.module import get_module_path
from odoo.tools.translate import PoFileReader, TranslationModuleReader

# run from the repository root (the Odoo shell reads this file on stdin)
ROOT = os.environ.get("KAM_ROOT", os.getcwd())
sys.path.insert(0, os.path.join(ROOT, "i18n"))
sys.path.insert(0, os.path.join(ROOT, "addons"))

import sync_po
from kam_zh_cn.translated_modules import TRANSLATED_MODULES, UNTRANSLATED_OK

ADDON_DIR = os.path.join(ROOT, "addons", "kam_zh_cn")
POT = os.path.join(ADDON_DIR, "i18n", "kam_zh_cn.pot")


def translation_memory():
    """msgid -> the zh_CN translation most .po files of Odoo and OCA give it."""
    votes = collections.defaultdict(collections.Counter)
    import odoo.addons

    for path in odoo.addons.__path__:
        for po_path in glob.glob(os.path.join(path, "*", "i18n", "zh_CN.po")):
            if "/kam_zh_cn/" in po_path:
                continue
            for entry in polib.pofile(po_path):
                if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags:
                    votes[entry.msgid][entry.msgstr] += 1
    return {msgid: c.most_common(1)[0][0] for msgid, c in votes.items()}


def own_translations(module):
    """(msgid, occurrence) of the record terms the module's own zh_CN.po /
    zh.po translate, read as Odoo reads them (merged with the module's .pot):
    an outdated .po translates a msgid for some records but not for records
    it does not name (e.g. fields added by a module installed later)."""
    path = get_module_path(module)
    done = set()
    for name in ("zh.po", "zh_CN.po"):
        po_path = os.path.join(path, "i18n", name)
        if not os.path.exists(po_path):
            continue
        for row in PoFileReader(po_path):
            if row["type"] == "code" or not row["value"]:
                continue
            if row["value"] == row["src"]:
                continue
            xmlid = f"{row['module']}.{row['imd_name']}"
            done.add((row["src"], f"{row['type']}:{row['name']}:{xmlid}"))
    return done


class RecordReader(TranslationModuleReader):
    """The record terms only (no scan of the source files)."""

    def _export_translatable_resources(self):
        pass


def untranslated(cr, modules):
    """{msgid: [(module, occurrence)]} of the record terms left in English."""
    stats = collections.Counter()
    # one reader per module: a reader keeps one xmlid per record, and records
    # such as the mail.thread fields of helpdesk.ticket have one xmlid in each
    # module that extends the model
    rows = [row for module in modules for row in RecordReader(cr, modules=[module])]
    code = TranslationModuleReader(cr, modules=list(modules))
    rows += [row for row in code if row[1] == "code"]
    own = {module: own_translations(module) for module in modules}
    terms = collections.defaultdict(list)
    for module, ttype, name, res_id, source, _value, _comments in rows:
        if module not in modules:
            continue
        if ttype == "code":
            stats[module, "code"] += 1
            continue
        done = (source, f"{ttype}:{name}:{res_id}") in own[module]
        stats[module, "translated" if done else "missing"] += 1
        if not done and source not in UNTRANSLATED_OK:
            terms[source].append((module, f"{ttype}:{name}:{res_id}"))
    return terms, stats


def write_pot(terms):
    pot = polib.POFile(wrapwidth=78)
    pot.metadata = {
        "Project-Id-Version": "Odoo Server 18.0",
        "Report-Msgid-Bugs-To": "",
        "Last-Translator": "",
        "Language-Team": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "",
        "Plural-Forms": "",
    }
    for msgid in sorted(terms):
        occurrences = sorted(set(terms[msgid]))
        modules = sorted({m for m, _o in occurrences})
        pot.append(
            polib.POEntry(
                msgid=msgid,
                msgstr="",
                comment=("modules: " if len(modules) > 1 else "module: ")
                + ", ".join(modules),
                occurrences=[(o, "") for _m, o in occurrences],
            )
        )
    pot.header = "Translation of Odoo Server.\n* kam_zh_cn"
    pot.save(POT)


def main():
    installed = set(
        env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
    )
    modules = [m for m in TRANSLATED_MODULES if m in installed]
    terms, stats = untranslated(env.cr, modules)
    for module in modules:
        print(
            f"{module}: {stats[module, 'missing']} record terms in English, "
            f"{stats[module, 'translated']} translated by the module, "
            f"{stats[module, 'code']} code terms"
        )
    write_pot(terms)
    missing = sync_po.sync("kam_zh_cn", sync_po.glossary(), translation_memory())
    print(f"{len(terms)} terms in {POT}; {missing} still untranslated")


main()
