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
        contact = self.env["res.partner"].create(
            {"name": "张三", "parent_id": self.customer_a.id, "mobile": "138 0101 2345"}
        )
        self.assertTrue(contact.mobile)
        with self.assertRaises(ValidationError):
            contact.mobile = "12345"
        foreign = self.env["res.partner"].create(
            {
                "name": "John",
                "country_id": self.env.ref("base.us").id,
                "mobile": "+1 555 0100",
            }
        )
        self.assertTrue(foreign.mobile, "foreign numbers follow their own rules")

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
