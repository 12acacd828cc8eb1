from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import ApprovalCommon


@tagged("post_install", "-at_install")
class TestApprovalHttp(ApprovalCommon, HttpCase):
    """Over JSON-RPC, as the web client calls it: a quotation over the limit
    waits for the leader, who finds it in the activities and approves it."""

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_leader_approves_from_the_activity(self):
        self.sales_a.password = "sales_a_pw"
        self.leader.password = "leader_pw"
        order = self._quotation(
            self.customer_a, self.sales_a, self.team_east, discount=25
        )

        self.authenticate("ka_sales_a", "sales_a_pw")
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._call("sale.order", "action_confirm", [order.id])
        self._call("sale.order", "request_validation", [order.id])
        state = self._call("sale.order", "read", [order.id], ["state", "validated"])
        self.assertEqual(state[0]["state"], "draft")
        self.assertFalse(state[0]["validated"])

        self.authenticate("ka_leader", "leader_pw")
        # the systray of activities shows the quotation to approve
        data = self.make_jsonrpc_request("/mail/data", {"systray_get_activities": True})
        groups = data.get("Store", data)["activityGroups"]
        sale_group = [g for g in groups if g.get("model") == "sale.order"]
        self.assertTrue(sale_group)
        self.assertGreaterEqual(sale_group[0]["total_count"], 1)
        activities = self._call(
            "mail.activity",
            "search_read",
            [
                ("user_id", "=", self.leader.id),
                ("res_model", "=", "sale.order"),
                ("activity_type_id", "=", self.approval_type.id),
            ],
            ["res_id", "summary"],
        )
        self.assertEqual([a["res_id"] for a in activities], [order.id])
        # it opens the quotation and approves it
        self._call("sale.order", "validate_tier", [activities[0]["res_id"]])
        self.assertFalse(self._approval_activities(order))

        self.authenticate("ka_sales_a", "sales_a_pw")
        self._call("sale.order", "action_confirm", [order.id])
        self.assertEqual(order.state, "sale")
