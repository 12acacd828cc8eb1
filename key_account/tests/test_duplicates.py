from odoo.tests import Form, tagged

from .common import KeyAccountCommon

USCC = "91350100M000100Y43"


@tagged("post_install", "-at_install")
class TestSearchAndDuplicates(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mobile = cls._ka_customer(
            "中国移动通信集团广东有限公司",
            cls.sales_a,
            cls.team_east,
            phone="020-88886666",
            email="kam@gd.chinamobile.com",
            ka_uscc=USCC,
        )

    def test_pinyin_full_and_initials(self):
        self.assertIn("zgyd", self.mobile.ka_pinyin)
        Partner = self.env["res.partner"].with_user(self.sales_a)
        for term in ("zgyd", "zhongguoyidong", "ZGYD", "中国移动"):
            found = Partner.name_search(term)
            self.assertIn(self.mobile.id, [r[0] for r in found], term)

    def test_search_by_code_uscc_and_phone(self):
        Partner = self.env["res.partner"]
        for term in (self.mobile.ka_code, USCC, "88886666"):
            ids = [r[0] for r in Partner.name_search(term)]
            self.assertIn(self.mobile.id, ids, term)

    def test_pinyin_field_has_a_trigram_index(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'res_partner' "
            "AND indexname = 'res_partner__ka_pinyin_index'"
        )
        self.assertIn("gin_trgm_ops", self.env.cr.fetchone()[0])

    def test_name_variants_are_duplicates(self):
        for name in (
            "广东中国移动通信集团有限公司",
            "中国移动通信集团（广东）有限公司",
            "中国移动通信集团广东股份有限公司",
        ):
            other = self.env["res.partner"].new({"name": name, "is_company": True})
            self.assertIn(self.mobile, other._ka_find_duplicates(), name)
        unrelated = self.env["res.partner"].new(
            {"name": "中国联通", "is_company": True}
        )
        self.assertFalse(unrelated._ka_find_duplicates())

    def test_same_uscc_phone_or_email_are_duplicates(self):
        for vals in (
            {"name": "甲", "ka_uscc": USCC.lower()},
            {"name": "乙", "phone": "020-88886666"},
            {"name": "丙", "email": "KAM@gd.chinamobile.com"},
        ):
            other = self.env["res.partner"].new({"is_company": True, **vals})
            self.assertIn(self.mobile, other._ka_find_duplicates(), vals)

    def test_form_warns_even_when_the_duplicate_is_not_visible(self):
        # sales_b cannot read the customer of sales_a but must learn it exists
        form = Form(self.env["res.partner"].with_user(self.sales_b))
        form.company_type = "company"
        form.name = "中国移动通信集团广东分公司"
        self.assertIn(self.mobile.name, form.ka_duplicate_info)
        self.assertIn(self.sales_a.name, form.ka_duplicate_info)

    def test_merge_keeps_every_linked_record(self):
        product = self._ka_product()
        dup = self._ka_customer("中国移动广东公司", self.sales_b, self.team_east)
        contact = self.env["res.partner"].create(
            {"name": "联系人李", "parent_id": dup.id}
        )
        order = self._ka_order(dup, product, "2026-01-05")
        invoice = self._ka_invoice(dup, "2026-01-06", 1234)
        dup.ka_grade_id = self.grade_c  # writes a grade history row
        self.env["key_account.pool"]._release(dup, "合并前")
        self.env["key_account.pool"]._claim(dup)
        history = dup.ka_grade_history_ids
        logs = dup.ka_pool_log_ids
        self.assertTrue(history and len(logs) == 2)
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {
                "partner_ids": [(6, 0, (self.mobile | dup).ids)],
                "dst_partner_id": self.mobile.id,
            }
        )
        wizard.action_merge()
        self.assertFalse(dup.exists())
        self.assertEqual(order.partner_id, self.mobile)
        self.assertEqual(invoice.partner_id, self.mobile)
        self.assertEqual(contact.parent_id, self.mobile)
        self.assertEqual(history.partner_id, self.mobile)
        self.assertEqual(logs.partner_id, self.mobile)
