import json

from odoo.tests import tagged

from ..lib import licence
from .common import AfterSalesCommon, make_authorization


@tagged("post_install", "-at_install")
class TestLicenceFile(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a.ka_uscc = "91310000MA1FL4B24G"
        cls.auth = make_authorization(cls.env, cls.customer_a, cls.licensed)
        cls.company = cls.auth.company_id

    def test_signing_key_generated_once(self):
        public = self.company._as_licence_public_key()
        private = self.company.sudo().as_licence_private_key
        self.assertIn("BEGIN PUBLIC KEY", public)
        self.assertIn("BEGIN PRIVATE KEY", private)
        self.assertEqual(licence.public_key_pem(private), public)
        self.assertEqual(self.company._as_licence_public_key(), public)
        self.assertEqual(self.company.sudo().as_licence_private_key, private)
        # Hidden from everybody but the administrators.
        company = self.company.with_user(self.as_manager)
        self.assertNotIn(
            "as_licence_private_key", company.fields_get(attributes=["type"])
        )

    def test_file_verifies(self):
        text = self.auth._licence_file()
        payload = licence.verify_licence(text, self.company._as_licence_public_key())
        self.assertEqual(payload["key"], self.auth.key)
        self.assertEqual(payload["customer"], "上海甲方科技有限公司")
        self.assertEqual(payload["uscc"], "91310000MA1FL4B24G")
        self.assertEqual(payload["seats"], 5)
        self.assertEqual(payload["edition"], "专业版")
        self.assertEqual(payload["expiry"], str(self.auth.date_end))
        self.assertEqual(
            set(payload),
            {
                "key",
                "customer",
                "uscc",
                "product",
                "product_code",
                "edition",
                "seats",
                "start",
                "expiry",
                "issued_at",
                "issuer",
            },
        )
        # Canonical form: sorted keys and no spaces.
        canonical = licence.canonical_payload(payload).decode()
        self.assertTrue(canonical.startswith('{"customer":"上海甲方'))
        self.assertNotIn(", ", canonical)

    def test_tampering_breaks_signature(self):
        public = self.company._as_licence_public_key()
        document = json.loads(self.auth._licence_file())
        for field, value in document["payload"].items():
            forged = json.loads(json.dumps(document))
            if isinstance(value, int):
                forged["payload"][field] = value + 1
            else:
                forged["payload"][field] = (value or "") + "X"
            with self.subTest(field=field), self.assertRaises(licence.InvalidLicence):
                licence.verify_licence(json.dumps(forged), public)
        forged = json.loads(json.dumps(document))
        forged["payload"]["extra"] = "1"
        with self.assertRaises(licence.InvalidLicence):
            licence.verify_licence(forged, public)
        forged = json.loads(json.dumps(document))
        signature = bytearray(forged["signature"].encode())
        signature[5] = ord("A") if signature[5] != ord("A") else ord("B")
        forged["signature"] = signature.decode()
        with self.assertRaises(licence.InvalidLicence):
            licence.verify_licence(forged, public)
        # Another company's key does not verify it.
        other = licence.public_key_pem(licence.generate_private_key_pem())
        with self.assertRaises(licence.InvalidLicence):
            licence.verify_licence(document, other)
        for garbage in ("", "[]", "{}", '{"algorithm": "Ed25519"}', "not json"):
            with (
                self.subTest(garbage=garbage),
                self.assertRaises(licence.InvalidLicence),
            ):
                licence.verify_licence(garbage, public)
        self.assertEqual(licence.verify_licence(document, public), document["payload"])

    def test_renewed_file_has_new_key(self):
        public = self.company._as_licence_public_key()
        new = self.auth._renew()
        payload = licence.verify_licence(new._licence_file(), public)
        self.assertEqual(payload["key"], new.key)
        self.assertEqual(payload["expiry"], str(new.date_end))
