from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestShareHttp(KeyAccountCommon, HttpCase):
    """客户共享 over JSON-RPC, as the web client asks: a co-owner finds the
    shared customer (also under "My Customers") and its opportunity; a
    colleague without share finds neither and cannot open them."""

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_co_owner_sees_the_customer_and_its_opportunity(self):
        colleague = new_test_user(
            self.env,
            login="ka_share_colleague",
            password="ka_share_colleague_pw",
            groups="key_account.key_account_group_user",
        )
        self.env["crm.team.member"].create(
            {"user_id": colleague.id, "crm_team_id": self.team_west.id}
        )
        self.sales_b.password = "sales_b_pw"
        lead = self.env["crm.lead"].create(
            {
                "name": "甲方三期扩容",
                "type": "opportunity",
                "partner_id": self.customer_a.id,
                "user_id": self.sales_a.id,
                "team_id": self.team_east.id,
            }
        )
        self.env["key_account.share"].with_user(self.sales_a).create(
            {
                "partner_id": self.customer_a.id,
                "user_id": self.sales_b.id,
                "role": "presales",
            }
        )
        my_filter = [
            "|",
            ("user_id", "=", self.sales_b.id),
            ("ka_share_ids.user_id", "=", self.sales_b.id),
        ]

        self.authenticate("ka_sales_b", "sales_b_pw")
        found = self._call(
            "res.partner",
            "web_search_read",
            [("is_company", "=", True), *my_filter],
            {"display_name": {}, "user_id": {"fields": {"display_name": {}}}},
        )
        names = {r["display_name"] for r in found["records"]}
        self.assertIn(self.customer_a.name, names)
        self.assertIn(self.customer_b.name, names)
        leads = self._call(
            "crm.lead",
            "search_read",
            [("partner_id", "=", self.customer_a.id)],
            ["name"],
        )
        self.assertEqual([r["name"] for r in leads], ["甲方三期扩容"])
        form = self._call(
            "res.partner",
            "web_read",
            [self.customer_a.id],
            {
                "ka_share_ids": {"fields": {"user_id": {}, "role": {}, "access": {}}},
            },
        )
        self.assertEqual(form[0]["ka_share_ids"][0]["role"], "presales")

        self.authenticate("ka_share_colleague", "ka_share_colleague_pw")
        self.assertFalse(
            self._call(
                "res.partner",
                "search_read",
                [("id", "=", self.customer_a.id)],
                ["name"],
            )
        )
        self.assertFalse(
            self._call("crm.lead", "search_read", [("id", "=", lead.id)], ["name"])
        )
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._call("crm.lead", "read", [lead.id], ["name"])
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._call("res.partner", "read", [self.customer_a.id], ["name"])
