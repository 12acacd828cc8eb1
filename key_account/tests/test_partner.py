from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestPartnerMasterData(KeyAccountCommon):
    def test_customer_code_from_sequence(self):
        self.assertTrue(self.customer_a.ka_code.startswith("KH"))
        self.assertNotEqual(self.customer_a.ka_code, self.customer_b.ka_code)
        contact = self.env["res.partner"].create(
            {"name": "联系人", "parent_id": self.customer_a.id}
        )
        self.assertFalse(contact.ka_code, "contact persons get no customer code")

    def test_uscc_valid_is_normalised(self):
        self.customer_a.ka_uscc = " 91110108526018159h "
        self.assertEqual(self.customer_a.ka_uscc, "91110108526018159H")

    def test_uscc_bad_checksum_is_refused_in_chinese(self):
        partner = self.customer_a.with_context(lang="zh_CN")
        with self.assertRaises(ValidationError) as caught:
            partner.ka_uscc = "91110108526018159X"
        self.assertIn("统一社会信用代码", str(caught.exception))
        self.assertIn("校验", str(caught.exception))

    def test_uscc_bad_length_is_refused(self):
        with self.assertRaises(ValidationError):
            self.customer_a.ka_uscc = "9111010852601"

    def test_chinese_mobile_is_validated(self):
        Partner = self.env["res.partner"].with_context(ka_check_phones=True)
        self.customer_a.country_id = self.env.ref("base.cn")
        contact = Partner.create(
            {"name": "张三", "parent_id": self.customer_a.id, "mobile": "138 0101 2345"}
        )
        self.assertTrue(contact.mobile)
        with self.assertRaisesRegex(ValidationError, "not a valid Chinese mobile"):
            contact.with_context(ka_check_phones=True).mobile = "12345"
        foreign = Partner.create(
            {
                "name": "John",
                "country_id": self.env.ref("base.us").id,
                "mobile": "+1 650 253 0000",
            }
        )
        self.assertTrue(foreign.mobile, "foreign numbers follow their own rules")
        with self.assertRaisesRegex(ValidationError, "not a valid phone number"):
            Partner.create(
                {
                    "name": "Jane",
                    "country_id": self.env.ref("base.us").id,
                    "mobile": "+1 555 0100",
                }
            )

    def test_phones_of_every_country(self):
        """Chinese rules where the partner, its company or (neither set) our
        company is in China; another country code: that country's rules."""
        Partner = self.env["res.partner"].with_context(ka_check_phones=True)
        self.env.company.country_id = self.env.ref("base.cn")
        # a Belgian mobile on a company without country: its own country's rules
        company = Partner.create(
            {"name": "Belgian Co", "is_company": True, "mobile": "+32455000000"}
        )
        self.assertEqual(company.ka_mobile_normalized, "+32455000000")
        # a French company's contact with a French national number
        french = Partner.create(
            {
                "name": "Société",
                "is_company": True,
                "country_id": self.env.ref("base.fr").id,
            }
        )
        contact = Partner.create(
            {"name": "Pierre", "parent_id": french.id, "mobile": "06 12 34 56 78"}
        )
        self.assertEqual(contact.ka_mobile_normalized, "+33612345678")
        # no country anywhere but ours (China): Chinese rules
        with self.assertRaisesRegex(ValidationError, "not a valid Chinese mobile"):
            Partner.create({"name": "李四", "mobile": "123456789"})

    def test_partners_of_other_modules_never_refused(self):
        """What crm, the mail gateway or any other module creates passes,
        whatever its numbers (the two crm tests that failed before)."""
        self.env.company.country_id = self.env.ref("base.cn")
        Partner = self.env["res.partner"]
        company = Partner.create(
            {"name": "Test Company", "is_company": True, "mobile": "+32455000000"}
        )
        contact = Partner.create(
            {"name": "Contact", "parent_id": company.id, "mobile": "123456789"}
        )
        self.assertEqual(contact.mobile, "123456789")
        self.assertEqual(contact.ka_mobile_normalized, "123456789")

    def test_one_normal_form_for_every_addon(self):
        """+86 10 6552 9988 and a full-width mobile: one form everywhere
        (import, duplicates, phone intake look-ups share key_account's)."""
        Partner = self.env["res.partner"]
        landline = Partner.create(
            {"name": "北京甲公司", "is_company": True, "phone": "+86 10 6552 9988"}
        )
        mobile = Partner.create(
            {
                "name": "北京乙公司",
                "is_company": True,
                "mobile": "１３８００１３８０００",
            }
        )
        self.assertEqual(landline.ka_phone_normalized, "01065529988")
        self.assertEqual(mobile.ka_mobile_normalized, "13800138000")
        self.assertEqual(Partner._ka_find_by_phone("010-6552 9988"), landline)
        self.assertEqual(Partner._ka_find_by_phone("+86 138 0013 8000"), mobile)
        other = Partner.new(
            {"name": "另一家", "is_company": True, "phone": "01065529988"}
        )
        self.assertIn(landline, other._ka_find_duplicates())

    def test_contact_person_fields(self):
        contact = self.env["res.partner"].create(
            {
                "name": "王经理",
                "parent_id": self.customer_a.id,
                "ka_department": "信息中心",
                "function": "主任",
                "ka_decision_role": "decision_maker",
                "ka_is_primary_contact": True,
                "birthdate_date": "1980-08-15",
                "ka_hobbies": "围棋",
                "ka_home_phone": "021-62345678",
            }
        )
        self.assertEqual(contact.commercial_partner_id, self.customer_a)
        self.assertEqual(str(contact.birthdate_date), "1980-08-15")
        self.assertIn(contact, self.customer_a.child_ids)
        # a contact person is never in the public pool, only companies are
        self.assertFalse(contact.ka_in_pool)
