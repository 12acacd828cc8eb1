from odoo.tests import tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestHandoverMore(KeyAccountCommon):
    """The hand-over also moves the open warnings and the shares, and prints
    what moved (交接报告)."""

    def test_warnings_move_and_report(self):
        rule = self.env["key_account.warning.rule"].create(
            {"name": "无订单预警", "warning_type": "no_order", "days": 90}
        )
        Warning = self.env["key_account.warning"]
        open_warning = Warning.create(
            {
                "partner_id": self.customer_a.id,
                "rule_id": rule.id,
                "user_id": self.sales_a.id,
            }
        )
        other = Warning.create(
            {
                "partner_id": self.customer_b.id,
                "rule_id": rule.id,
                "user_id": self.sales_b.id,
            }
        )
        wizard = (
            self.env["key_account.handover.wizard"]
            .with_user(self.leader)
            .create({"from_user_id": self.sales_a.id, "to_user_id": self.sales_b.id})
        )
        result = wizard.action_handover()
        handover = self.env["key_account.handover"].browse(result["res_id"])
        self.assertEqual(open_warning.user_id, self.sales_b)
        self.assertEqual(other.user_id, self.sales_b)
        self.assertEqual(handover.warning_count, 1)
        self.leader.lang = "zh_CN"
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.leader)
            .with_context(lang="zh_CN")
            ._render_qweb_html("key_account.report_handover", handover.ids)
        )
        html = html.decode()
        for text in ("交接报告", "上海甲方科技有限公司", "销售甲", "销售乙"):
            self.assertTrue(text in html, f"{text} is not in the hand-over report")
