"""Hostile input on the licence status endpoint and the after-sales portal.

A deterministic corpus (malformed JSON, wrong types, huge and deeply nested
bodies, SQL and script fragments, odd encodings) plus random bodies from a
fixed seed. Every answer must be a 4xx with a JSON error (or, for a well-formed
request, a 200 that says nothing of any customer), never a 500; the rate limit
must hold whatever headers the client sends.
"""

import json
import logging
import random
from urllib.parse import quote

from odoo.tests import HttpCase, tagged

from .common import World

_logger = logging.getLogger(__name__)

STATUS_URL = "/after_sales/licence/status"
SEED = 20261125
RANDOM_CASES = 120

FRAGMENTS = [
    "' OR '1'='1",
    "'; DROP TABLE after_sales_authorization; --",
    '" OR 1=1 --',
    "1) UNION SELECT key FROM after_sales_authorization --",
    "%' OR key ILIKE '%",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "${jndi:ldap://x}",
    "../../../../etc/passwd",
    "\x00",
    "\u202e\u0000\ufeff",
    "客户授权号",
    "\U0001f600",
]


def _corpus():
    """(label, body bytes, content type) of the deterministic cases."""
    cases = [
        ("empty", b"", "application/json"),
        ("not json", b"not json", "application/json"),
        ("bad utf-8", b"\xff\xfe\xfa", "application/json"),
        ("utf-16", '{"key": "x"}'.encode("utf-16"), "application/json"),
        ("truncated", b'{"key": "AAAA', "application/json"),
        ("array", b"[]", "application/json"),
        ("string", b'"key"', "application/json"),
        ("number", b"42", "application/json"),
        ("null", b"null", "application/json"),
        ("nan", b'{"key": NaN}', "application/json"),
        ("huge number", b'{"key": 1e999999}', "application/json"),
        ("deep array", b"[" * 3000 + b"]" * 3000, "application/json"),
        ("deep object", b'{"key":' * 900 + b'"x"' + b"}" * 900, "application/json"),
        (
            "deep in key",
            b'{"key": ' + b"[" * 2000 + b"]" * 2000 + b"}",
            "application/json",
        ),
        ("too large", b'{"key": "' + b"A" * 5000 + b'"}', "application/json"),
        ("long key", json.dumps({"key": "A" * 101}).encode(), "application/json"),
        ("blank key", b'{"key": "   "}', "application/json"),
        ("no key", b'{"clef": "x"}', "application/json"),
        ("form body", b"key=ABCD-EFGH", "application/x-www-form-urlencoded"),
        ("duplicate keys", b'{"key": 1, "key": 2}', "application/json"),
        (
            "bom",
            b"\xef\xbb\xbf" + json.dumps({"key": "x"}).encode(),
            "application/json",
        ),
    ]
    for value in (None, 5, 5.5, True, [], {}, ["A"], {"key": "A"}):
        cases.append(
            (f"key {value!r}", json.dumps({"key": value}).encode(), "application/json")
        )
    for fragment in FRAGMENTS:
        cases.append(
            (
                f"key {fragment[:20]!r}",
                json.dumps({"key": fragment}).encode(),
                "application/json",
            )
        )
        cases.append(
            (
                f"field {fragment[:20]!r}",
                json.dumps({fragment: "x"}).encode(),
                "application/json",
            )
        )
    return cases


def _random_json(rng, depth=0):
    kind = rng.randrange(7 if depth < 4 else 4)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([0, -1, 2**31, 2**64, 1.5, -0.0])
    if kind == 2:
        return rng.choice(FRAGMENTS) * rng.randrange(1, 4)
    if kind == 3:
        return "".join(chr(rng.randrange(1, 0x3000)) for _i in range(rng.randrange(40)))
    if kind == 4:
        return [_random_json(rng, depth + 1) for _i in range(rng.randrange(4))]
    if kind == 5:
        return {"key": _random_json(rng, depth + 1)}
    return {
        rng.choice(["key", "KEY", "k", "", "key "]): _random_json(rng, depth + 1)
        for _i in range(rng.randrange(1, 3))
    }


def _random_cases(rng, count):
    cases = []
    for index in range(count):
        if index % 3 == 0:
            body = bytes(rng.randrange(256) for _i in range(rng.randrange(1, 300)))
        else:
            body = json.dumps(_random_json(rng)).encode()
        cases.append((f"random {index}", body, "application/json"))
    return cases


@tagged("post_install", "-at_install")
class TestHostileInput(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        world = cls.world = World(cls.env, prefix="fuzz")
        cls.portal = world.users["portal"]
        cls.own = world.record("after_sales.authorization", "mine", "portal")
        cls.theirs = world.record(
            "after_sales.authorization", "mate", "portal"
        ) | world.record("after_sales.authorization", "other", "portal")
        cls.secrets = cls.theirs.mapped("key") + [
            world.customer_other.name,
            world.customer_mate.name,
            world.customers["portal"].name,
        ]
        cls.Param = cls.env["ir.config_parameter"].sudo()
        cls.Param.set_param("after_sales.licence_rate_limit", "1000000")

    def _post(self, body, content_type="application/json", headers=None):
        self.env.flush_all()
        # self.opener, not url_open: url_open turns an empty body into a GET
        return self.opener.post(
            self.base_url() + STATUS_URL,
            data=body,
            headers={"Content-Type": content_type, **(headers or {})},
            timeout=30,
        )

    def _assert_answer(self, label, response):
        status = response.status_code
        self.assertNotEqual(status, 500, f"{label}: server error")
        for secret in self.secrets:
            self.assertNotIn(secret, response.text, f"{label}: leaks {secret}")
        try:
            payload = response.json()
        except ValueError:
            self.fail(f"{label}: answer is not JSON ({status}): {response.text[:200]}")
        if status == 200:
            # a well-formed request for an unknown key
            self.assertEqual(payload, {"status": "unknown"}, label)
        else:
            self.assertTrue(400 <= status < 500, f"{label}: {status}")
            self.assertIsInstance(payload.get("error"), str, label)
            self.assertTrue(payload["error"], label)

    def test_status_endpoint_fuzzed(self):
        cases = _corpus() + _random_cases(random.Random(SEED), RANDOM_CASES)
        for label, body, content_type in cases:
            with self.subTest(case=label):
                self._assert_answer(label, self._post(body, content_type))
        # a chunked body has no length to refuse it by
        chunked = iter([b'{"key": "', b"A" * 6000, b'"}'])
        self._assert_answer("chunked", self._post(chunked))
        # the right key still answers after all that
        response = self._post(json.dumps({"key": self.own.key}))
        self.assertEqual(response.json()["status"], "active")
        _logger.info(
            "licence status endpoint: %d hostile bodies answered", len(cases) + 1
        )

    def test_status_endpoint_other_methods(self):
        for method in ("GET", "PUT", "DELETE"):
            with self.subTest(method=method):
                response = self.opener.request(
                    method, self.base_url() + STATUS_URL, timeout=30
                )
                self.assertTrue(400 <= response.status_code < 500, response.status_code)

    def test_rate_limit_holds(self):
        """The N+1th request within the minute gets 429, whatever the
        forwarding headers say (no proxy mode)."""
        limit = 4
        self.Param.set_param("after_sales.licence_rate_limit", str(limit))
        self.env["after_sales.licence.rate"].search([]).unlink()
        body = json.dumps({"key": "AAAA-BBBB"})
        for _attempt in range(2):
            self.env["after_sales.licence.rate"].search([]).unlink()
            statuses = []
            for index in range(limit + 3):
                headers = {
                    "X-Forwarded-For": f"203.0.113.{index}",
                    "X-Real-IP": f"198.51.100.{index}",
                    "Forwarded": f"for=192.0.2.{index}",
                }
                statuses.append(self._post(body, headers=headers))
            windows = self.env["after_sales.licence.rate"].search([])
            if len(windows) == 1:  # all in one minute
                break
        codes = [r.status_code for r in statuses]
        self.assertEqual(codes[:limit], [200] * limit, codes)
        self.assertEqual(codes[limit:], [429] * 3, codes)
        for response in statuses[limit:]:
            self.assertIn("error", response.json())

    def test_portal_routes_fuzzed(self):
        """Odd ids, pages and tokens on the portal routes: refusals or the
        customer's own pages, never a server error or another's data."""
        self.authenticate(self.portal.login, "fuzz_portal_pw")
        other = self.theirs[0]
        rng = random.Random(SEED)
        tokens = FRAGMENTS + [
            "A" * 5000,
            self.own.access_token or "",
            "%00",
            "[]",
        ]
        urls = []
        for auth_id in (0, -1, other.id, 2**31, 2**63, 10**30):
            urls += [
                f"/my/authorizations/{auth_id}",
                f"/my/authorizations/{auth_id}/licence",
            ]
        for page in (0, 1, 2, 10**9, 2**63):
            urls.append(f"/my/authorizations/page/{page}")
        for token in tokens:
            urls.append(f"/my/authorizations/{other.id}?access_token={quote(token)}")
            urls.append(
                f"/my/authorizations/{other.id}/licence?access_token={quote(token)}"
            )
            urls.append(f"/my/authorizations?page={quote(token)}")
        for _i in range(40):
            junk = "".join(
                chr(rng.randrange(33, 0x3000)) for _j in range(rng.randrange(1, 30))
            )
            urls.append(f"/my/authorizations/{quote(junk)}")
            urls.append(
                f"/my/authorizations?sortby={quote(junk)}&filterby={quote(junk)}"
            )
        for url in urls:
            with self.subTest(url=url[:120]):
                response = self.url_open(url, allow_redirects=False, timeout=30)
                self.assertLess(response.status_code, 500, url[:200])
                for secret in self.secrets[:-1]:  # the own company name may show
                    self.assertNotIn(secret, response.text, url[:200])
        _logger.info("after-sales portal routes: %d hostile URLs answered", len(urls))
