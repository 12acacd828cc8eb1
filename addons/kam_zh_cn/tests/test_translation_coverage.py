import collections

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

from ..translated_modules import TRANSLATED_MODULES, UNTRANSLATED_OK

OUR_ADDONS = ("key_account", "sales_followup", "after_sales", "key_account_approval")
# our supporting addons, checked when installed (the test_* ones have no term
# today: their .po is empty and must stay complete when one appears)
OUR_OTHER_ADDONS = ("kam_dashboard", "kam_demo", "test_kam_flows", "test_kam_trust")
# the record terms kam_zh_cn can provide; code terms (_() in Python, _t() in
# JavaScript) are looked up by module and are not counted for dependencies
RECORD_TYPES = ("model", "model_terms")


@tagged("post_install", "-at_install")
class TestTranslationCoverage(TransactionCase):
    """Every term exported from the code as installed is translated: ours in
    each addon's i18n/zh_CN.po, the dependencies' in zh_CN once installed
    (by the dependency itself or by kam_zh_cn)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zh = cls.env["res.lang"]._lang_get("zh_CN")
        installed = set(cls.env["ir.module.module"]._installed())
        cls.ours = (*OUR_ADDONS, *(m for m in OUR_OTHER_ADDONS if m in installed))
        # one scan of the source tree for all the modules concerned
        reader = TranslationModuleReader(
            cls.env.cr, modules=[*cls.ours, *TRANSLATED_MODULES], lang="zh_CN"
        )
        cls.exported = collections.defaultdict(list)
        for module, ttype, name, res_id, source, value, _comments in reader:
            cls.exported[module].append((ttype, name, res_id, source, value))

    def test_zh_cn_loaded(self):
        self.assertTrue(
            self.zh and self.zh.active,
            "zh_CN must be installed in the test database (--load-language=zh_CN)",
        )

    def test_our_addons_po_cover_exported_terms(self):
        for addon in self.ours:
            with self.subTest(addon=addon):
                if addon in OUR_ADDONS:
                    self.assertTrue(
                        self.exported[addon], f"nothing exported for {addon}"
                    )
                po = polib.pofile(file_path(f"{addon}/i18n/zh_CN.po"))
                translated = {
                    e.msgid
                    for e in po
                    if e.msgstr and not e.obsolete and "fuzzy" not in e.flags
                }
                missing = sorted(
                    {term[3] for term in self.exported[addon]} - translated
                )
                self.assertFalse(
                    missing,
                    f"{addon}/i18n/zh_CN.po lacks a translation of {len(missing)} "
                    f"term(s) exported from the code (re-export the .pot, run "
                    f"i18n/sync_po.py {addon} and translate): {missing[:20]}",
                )

    def test_dependencies_read_in_chinese(self):
        self.assertTrue(self.zh, "zh_CN is not installed")
        installed = set(self.env["ir.module.module"]._installed())
        self.assertLessEqual(set(TRANSLATED_MODULES), installed)
        for module in TRANSLATED_MODULES:
            with self.subTest(module=module):
                terms = [t for t in self.exported[module] if t[0] in RECORD_TYPES]
                self.assertTrue(terms, f"nothing exported for {module}")
                english = sorted(
                    f"{name} {res_id}: {source!r}"
                    for _type, name, res_id, source, value in terms
                    if not value and source not in UNTRANSLATED_OK
                )
                self.assertFalse(
                    english,
                    f"{len(english)} term(s) of {module} read in English in zh_CN "
                    f"(run i18n/dep_terms.py and translate): {english[:20]}",
                )

    def test_helpdesk_in_chinese(self):
        env = self.env(context={"lang": "zh_CN"})
        self.assertEqual(
            env.ref("helpdesk_mgmt.helpdesk_ticket_main_menu").name, "服务台"
        )
        self.assertEqual(
            env.ref("helpdesk_mgmt.model_helpdesk_ticket").name, "反馈工单"
        )
        english = self.env["helpdesk.ticket"].fields_get(attributes=["string"])
        chinese = env["helpdesk.ticket"].fields_get(attributes=["string"])
        same = sorted(
            name
            for name, desc in chinese.items()
            if desc["string"] == english[name]["string"]
            and desc["string"] not in UNTRANSLATED_OK
        )
        self.assertFalse(same, f"helpdesk.ticket fields still in English: {same}")
        stages = env["helpdesk.ticket.stage"].search([]).mapped("name")
        self.assertIn("新建", stages)

    def test_kam_zh_cn_entries_point_to_records(self):
        """A dependency that renames or drops a record leaves an entry that
        translates nothing: re-export with i18n/dep_terms.py. Only the records
        of the listed dependencies are translated here (not those of modules
        none of our addons installs)."""
        po = polib.pofile(file_path("kam_zh_cn/i18n/zh_CN.po"))
        stale, foreign = [], []
        for entry in po:
            for occurrence, _line in entry.occurrences:
                kind, _name, xmlid = occurrence.split(":", 2)
                self.assertIn(kind, RECORD_TYPES, occurrence)
                if xmlid.split(".", 1)[0] not in TRANSLATED_MODULES:
                    foreign.append(occurrence)
                elif not self.env.ref(xmlid, raise_if_not_found=False):
                    stale.append(occurrence)
        self.assertFalse(
            foreign,
            f"kam_zh_cn translates records of modules it does not list: {foreign}",
        )
        self.assertFalse(
            stale, f"kam_zh_cn translates records that do not exist: {stale}"
        )
