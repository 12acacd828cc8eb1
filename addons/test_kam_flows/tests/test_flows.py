from odoo.tests import HttpCase, tagged

from . import flows

# Tours on a shared 2-core machine: a generous limit for the whole tour.
TOUR_TIMEOUT = 240


@tagged("post_install", "-at_install")
class TestFlows(HttpCase):
    """The main flows, driven in Chromium in the Chinese interface; each test
    checks the server's state after its tour."""

    def _tour(self, flow, url_suffix=""):
        tour, url, login, phone = flows.TOURS[flow]
        if phone:
            self.browser_size = "375x667"
            self.touch_enabled = True
        self.start_tour(url + url_suffix, tour, login=login, timeout=TOUR_TIMEOUT)

    def test_claim_from_the_pool(self):
        """A salesperson claims a customer from the pool (公海) and finds it
        under my customers (我的客户)."""
        ids = flows.prepare_pool(self.env)
        self.assertTrue(self.env["res.partner"].browse(ids["customer"]).ka_in_pool)
        self._tour("pool")
        self.assertEqual(flows.observe_pool(self.env, ids), flows.EXPECTED_POOL)

    def test_plan_visit_and_check_in_on_a_phone(self):
        """A salesperson plans a visit and checks in on a phone-sized window."""
        ids = flows.prepare_visit(self.env)
        self._tour("visit")
        self.assertEqual(flows.observe_visit(self.env, ids), flows.EXPECTED_VISIT)

    def test_phone_ticket_solved_and_revisited(self):
        """A call-centre agent takes a call at the phone intake (来电登记),
        which finds the customer, opens the ticket, solves it and records the
        revisit (回访) with a score."""
        ids = flows.prepare_ticket(self.env)
        self._tour("ticket")
        self.assertEqual(flows.observe_ticket(self.env, ids), flows.EXPECTED_TICKET)

    def test_licence_issued_and_downloaded_in_the_portal(self):
        """Confirming an order of a licensed product issues a key (授权号); the
        customer downloads its licence file in the portal and it verifies."""
        ids = flows.prepare_licence(self.env)
        self._tour("order", f"/{ids['order']}")
        self.assertEqual(
            flows.observe_licence(self.env, ids), flows.expected_licence(self.env, ids)
        )
        self._tour("portal")
        self.authenticate("kam_flow_portal", "kam_flow_portal")
        response = self.url_open(flows.licence_url(self.env, ids))
        self.assertEqual(
            flows.licence_download_facts(
                self.env, ids, response.status_code, response.headers, response.content
            ),
            flows.expected_download(self.env, ids),
        )
        # another customer's portal user gets nothing
        flows._user(self.env, "kam_flow_portal2", "王工", "base.group_portal")
        self.authenticate("kam_flow_portal2", "kam_flow_portal2")
        response = self.url_open(flows.licence_url(self.env, ids))
        self.assertIn(response.status_code, (403, 404))
