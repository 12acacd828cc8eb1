import io
import json

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.licence_status import LicenceStatus
from ..lib import licence
from .common import make_authorization, make_licensed_product


@tagged("post_install", "-at_install")
class TestAuthorizationPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "门户甲方有限公司", "is_company": True})
        cls.other = Partner.create({"name": "门户乙方有限公司", "is_company": True})
        contact = Partner.create({"name": "王工", "parent_id": cls.customer.id})
        cls.portal_user = new_test_user(
            cls.env,
            login="as_portal_a",
            password="as_portal_a_pw",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        product = make_licensed_product(cls.env, name="门户授权软件")
        cls.own = make_authorization(cls.env, cls.customer, product)
        cls.others = make_authorization(cls.env, cls.other, product)
        cls.public_key = cls.own.company_id._as_licence_public_key()
        cls.env["ir.config_parameter"].set_param(
            "after_sales.licence_rate_limit", "1000"
        )

    def _status(self, body):
        if not isinstance(body, bytes | str):
            body = json.dumps(body)
        self.env.flush_all()
        return self.url_open(
            "/after_sales/licence/status",
            data=body,
            headers={"Content-Type": "application/json"},
        )

    def test_portal_list_and_detail(self):
        self.env.flush_all()
        self.authenticate("as_portal_a", "as_portal_a_pw")
        response = self.url_open("/my/authorizations")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.own.key, response.text)
        self.assertNotIn(self.others.key, response.text)
        response = self.url_open(f"/my/authorizations/{self.own.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.own.key, response.text)
        self.assertIn("BEGIN PUBLIC KEY", response.text)
        response = self.url_open("/my/home")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my/authorizations", response.text)

    def test_portal_other_customer_not_found(self):
        self.authenticate("as_portal_a", "as_portal_a_pw")
        for url in (
            f"/my/authorizations/{self.others.id}",
            f"/my/authorizations/{self.others.id}/licence",
            f"/my/authorizations/{self.others.id + 100000}",
            f"/my/authorizations/{self.others.id}/licence?access_token=guess",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn(self.others.key, response.text)

    def test_portal_download_verifies(self):
        self.authenticate("as_portal_a", "as_portal_a_pw")
        response = self.url_open(f"/my/authorizations/{self.own.id}/licence")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        payload = licence.verify_licence(response.content, self.public_key)
        self.assertEqual(payload["key"], self.own.key)
        self.assertEqual(payload["customer"], "门户甲方有限公司")
        # a suspended key gets no fresh licence file
        self.own.action_suspend()
        response = self.url_open(f"/my/authorizations/{self.own.id}/licence")
        self.assertEqual(response.status_code, 404)

    def test_anonymous_redirected(self):
        response = self.url_open(
            f"/my/authorizations/{self.own.id}/licence", allow_redirects=False
        )
        self.assertIn(response.status_code, (403, 404))
        response = self.url_open("/my/authorizations", allow_redirects=False)
        self.assertEqual(response.status_code, 303)

    def test_status_endpoint(self):
        response = self._status({"key": self.own.key})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "status": "active",
                "expiry": str(self.own.date_end),
                "seats": 5,
                "replaced": False,
            },
        )
        typed = self.own.key.lower().replace("-", " ")
        self.assertEqual(self._status({"key": typed}).json()["status"], "active")
        self.own.action_suspend()
        self.assertEqual(
            self._status({"key": self.own.key}).json()["status"], "suspended"
        )
        unknown = self._status({"key": licence.generate_key()})
        self.assertEqual(unknown.status_code, 200)
        self.assertEqual(unknown.json(), {"status": "unknown"})

    def test_status_endpoint_bad_input(self):
        for body in (
            b"not json",
            b"\xff\xfe",
            "[]",
            '{"key": 5}',
            '{"clef": "x"}',
            '{"key": "   "}',
            json.dumps({"key": "A" * 500}),
            "x" * 5000,
        ):
            with self.subTest(body=body[:20]):
                response = self._status(body)
                self.assertGreaterEqual(response.status_code, 400)
                self.assertLess(response.status_code, 500)
                self.assertIn("error", response.json())
        response = self.url_open("/after_sales/licence/status")  # GET
        self.assertEqual(response.status_code, 405)

    def test_status_endpoint_rate_limit(self):
        self.env["ir.config_parameter"].set_param("after_sales.licence_rate_limit", "3")
        for _attempt in range(2):
            # the counter is per minute: run again if a minute began meanwhile
            minute = fields.Datetime.now().replace(second=0, microsecond=0)
            statuses = [
                self._status({"key": self.own.key}).status_code for _i in range(5)
            ]
            if fields.Datetime.now().replace(second=0, microsecond=0) == minute:
                break
        self.assertEqual(statuses[:3], [200, 200, 200])
        self.assertEqual(statuses[3:], [429, 429])
        self.assertIn("error", self._status({"key": "x"}).json())

    def test_status_endpoint_chunked_body(self):
        """A chunked body has no Content-Length: it is read up to the limit,
        never whole."""

        def chunks(body, size=512):
            for start in range(0, len(body), size):
                yield body[start : start + size]

        self.env.flush_all()
        url = "/after_sales/licence/status"
        headers = {"Content-Type": "application/json"}
        small = json.dumps({"key": self.own.key}).encode()
        response = self.url_open(url, data=chunks(small, 16), headers=headers)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "active")
        padded = json.dumps({"key": self.own.key, "pad": "x" * 100_000}).encode()
        response = self.url_open(url, data=chunks(padded), headers=headers)
        self.assertEqual(response.status_code, 413)
        self.assertIn("error", response.json())

    def test_status_body_read_is_bounded(self):
        class Endless(io.RawIOBase):
            """An endless stream: reading it whole would never return."""

            consumed = 0

            def readable(self):
                return True

            def readinto(self, buffer):
                size = min(len(buffer), 1000)
                buffer[:size] = b"x" * size
                self.consumed += size
                return size

        stream = Endless()
        body = LicenceStatus._read_body(stream, 4097)
        self.assertEqual(len(body), 4097)
        self.assertEqual(stream.consumed, 4097)
