import json
import logging

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import World

_logger = logging.getLogger(__name__)

REFUSED = (301, 302, 303, 403, 404)


@tagged("post_install", "-at_install")
class TestPortalGuessing(HttpCase):
    """A portal customer (and an anonymous visitor) guessing the URLs of
    another customer's authorizations, licence files, tickets, orders and
    reports gets a refusal or a redirection, never the data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        world = cls.world = World(cls.env, prefix="web")
        cls.portal = world.users["portal"]
        cls.login = cls.portal.login
        cls.password = "web_portal_pw"
        models = ("after_sales.authorization", "helpdesk.ticket", "sale.order")
        cls.own = {m: world.record(m, "mine", "portal") for m in models}
        cls.theirs = {
            m: world.record(m, "mate", "portal") | world.record(m, "other", "portal")
            for m in models
        }
        # what must never show: the other customers' keys, ticket and order
        # names and references
        for order in cls.theirs["sale.order"]:
            order.client_order_ref = f"SECRET-PO-{order.id}"
        for ticket in cls.theirs["helpdesk.ticket"]:
            ticket.name = f"SECRET-TICKET-{ticket.id}"
        cls.secrets = (
            cls.theirs["after_sales.authorization"].mapped("key")
            + cls.theirs["sale.order"].mapped("client_order_ref")
            + cls.theirs["sale.order"].mapped("name")
            + cls.theirs["helpdesk.ticket"].mapped("name")
            + [world.customer_other.name, world.customer_mate.name]
        )
        cls.own["after_sales.authorization"]._portal_ensure_token()

    def _get(self, url, **kw):
        if url.startswith("/report/"):
            # the report controller logs the refused access as an error
            with mute_logger("odoo.http"):
                return self.url_open(url, allow_redirects=False, timeout=30, **kw)
        return self.url_open(url, allow_redirects=False, timeout=30, **kw)

    def _assert_no_secret(self, response, url):
        for secret in self.secrets:
            self.assertNotIn(secret, response.text, f"{url} shows {secret}")

    def _guessed_urls(self):
        auth = self.theirs["after_sales.authorization"]
        own_auth = self.own["after_sales.authorization"]
        tickets = self.theirs["helpdesk.ticket"]
        orders = self.theirs["sale.order"]
        own_order = self.own["sale.order"]
        urls = []
        for a in auth:
            urls += [
                f"/my/authorizations/{a.id}",
                f"/my/authorizations/{a.id}/licence",
                f"/my/authorizations/{a.id}?access_token=guess",
                f"/my/authorizations/{a.id}?access_token={own_auth.access_token}",
                f"/my/authorizations/{a.id}/licence?access_token=%27%20OR%201%3D1--",
                f"/web/content/after_sales.authorization/{a.id}/key",
                f"/web/content?model=after_sales.authorization&id={a.id}&field=key",
                f"/mail/view?model=after_sales.authorization&res_id={a.id}",
            ]
        for t in tickets:
            urls += [f"/my/ticket/{t.id}", f"/my/tickets/{t.id}"]
        for o in orders:
            urls += [
                f"/my/orders/{o.id}",
                f"/my/orders/{o.id}?report_type=pdf",
                f"/my/orders/{o.id}?report_type=html&download=true",
                f"/my/orders/{o.id}?access_token=guess&report_type=pdf",
                f"/report/pdf/sale.report_saleorder/{o.id}",
                f"/report/html/sale.report_saleorder/{o.id}",
                f"/report/pdf/sale.report_saleorder/{own_order.id},{o.id}",
            ]
        # neighbouring ids, as someone counting up from their own would
        for model, prefix in (
            ("after_sales.authorization", "/my/authorizations/"),
            ("helpdesk.ticket", "/my/ticket/"),
            ("sale.order", "/my/orders/"),
        ):
            own_id = self.own[model].id
            for guess in range(own_id - 3, own_id + 4):
                if guess != own_id and guess > 0:
                    urls.append(f"{prefix}{guess}")
        return urls

    def test_portal_own_records_shown(self):
        """The control: the same pages do show the customer's own records."""
        self.authenticate(self.login, self.password)
        auth = self.own["after_sales.authorization"]
        response = self._get(f"/my/authorizations/{auth.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(auth.key, response.text)
        response = self._get(f"/my/authorizations/{auth.id}/licence")
        self.assertEqual(response.status_code, 200)
        self.assertIn(auth.key, response.text)
        response = self._get(f"/my/orders/{self.own['sale.order'].id}")
        self.assertEqual(response.status_code, 200)
        response = self._get(f"/my/ticket/{self.own['helpdesk.ticket'].id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.own["helpdesk.ticket"].name, response.text)

    def test_portal_guesses_refused(self):
        self.authenticate(self.login, self.password)
        urls = self._guessed_urls()
        for url in urls:
            with self.subTest(url=url):
                response = self._get(url)
                self.assertIn(response.status_code, REFUSED, url)
                self._assert_no_secret(response, url)
        for url in (
            "/my",
            "/my/home",
            "/my/authorizations",
            "/my/tickets",
            "/my/orders",
        ):
            with self.subTest(url=url):
                response = self._get(url)
                self.assertEqual(response.status_code, 200, url)
                self._assert_no_secret(response, url)
        _logger.info("portal URL guessing: %d URLs refused", len(urls))

    def test_portal_rpc_refused(self):
        """The JSON-RPC door: read() of another customer's records."""
        self.authenticate(self.login, self.password)
        for model in self.theirs:
            for method, args in (
                ("read", [self.theirs[model].ids, ["display_name"]]),
                ("search_read", [[("id", "in", self.theirs[model].ids)], ["id"]]),
            ):
                with self.subTest(model=model, method=method):
                    payload = {
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {
                            "model": model,
                            "method": method,
                            "args": args,
                            "kwargs": {},
                        },
                    }
                    response = self.url_open(
                        f"/web/dataset/call_kw/{model}/{method}",
                        data=json.dumps(payload),
                        headers={"Content-Type": "application/json"},
                    )
                    self._assert_no_secret(response, model)
                    body = response.json()
                    if method == "read":
                        self.assertIn("error", body)
                    else:
                        self.assertEqual(body.get("result", []), [])

    def test_anonymous_guesses_refused(self):
        urls = self._guessed_urls() + [
            "/my/authorizations",
            "/my/tickets",
            "/my/orders",
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self._get(url)
                self.assertIn(response.status_code, REFUSED, url)
                self._assert_no_secret(response, url)
        _logger.info("anonymous URL guessing: %d URLs refused", len(urls))
