import io
from datetime import date, datetime

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from ..report.sales_followup_visit_report import format_date_zh
from .common import SalesFollowupCommon

REPORT = "sales_followup.report_visit_plan"


@tagged("post_install", "-at_install")
class TestVisitReport(SalesFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.sales_a.write({"lang": "zh_CN", "mobile": "13900139000"})
        cls.contact_a.write(
            {
                "function": "采购经理",
                "mobile": "+86 138 0013 8000",
                "phone": "021-61234567",
            }
        )
        # 06:30 UTC is 14:30 in Shanghai, on Wednesday 25 November 2026
        cls.plan = cls._plan(
            cls.customer_a,
            datetime(2026, 11, 25, 6, 30),
            contact_ids=[(6, 0, cls.contact_a.ids)],
            purpose="介绍新产品",
            user_id=cls.sales_a.id,
        )
        cls.plan.write(
            {
                "checkin_date": datetime(2026, 11, 25, 6, 35),
                "checkin_located": True,
                "checkin_latitude": 31.2310,
                "checkin_longitude": 121.4740,
                "checkin_distance": 72.0,
                "checkout_date": datetime(2026, 11, 25, 8, 5),
                "state": "done",
                "outcome": "progress",
                "note": "<p>客户同意下月试用</p>",
                "next_step": "发送报价单",
                "next_step_date": date(2026, 12, 2),
            }
        )
        cls.other = cls._plan(
            cls.customer_b, datetime(2026, 11, 26, 1, 0), purpose="年度回顾"
        )

    def _html(self, plans, user=None):
        report = self.env["ir.actions.report"].with_user(user or self.env.user)
        html, kind = report.with_context(lang="zh_CN")._render_qweb_html(
            REPORT, plans.ids
        )
        self.assertEqual(kind, "html")
        return html.decode()

    def test_format_helpers(self):
        """Phones as key_account's phone.display writes them."""
        report = self.env["report.sales_followup.report_visit_plan"]
        for number, shown in (
            ("13800138000", "138 0013 8000"),
            ("+86 138-0013-8000", "138 0013 8000"),
            ("0086 13800138000", "138 0013 8000"),
            ("021-61234567", "021-6123 4567"),
            ("0755 8765432", "0755-876 5432"),
            ("+1 650 253 0000", "+1 650-253-0000"),
            ("001 650 253 0000", "+1 650-253-0000"),
            (False, ""),
        ):
            with self.subTest(number=number):
                self.assertEqual(report._format_phone(number, self.contact_a), shown)
        self.assertEqual(format_date_zh(date(2026, 11, 25)), "2026年11月25日 星期三")
        self.assertEqual(format_date_zh(date(2027, 2, 7)), "2027年2月7日 星期日")

    def test_html_in_chinese(self):
        self.env.user.tz = "Asia/Shanghai"
        html = self._html(self.plan)
        for text in (
            "拜访报告",
            self.customer_a.name,
            "王经理",
            "采购经理",
            "138 0013 8000",
            "021-6123 4567",
            "139 0013 9000",  # the salesperson
            "2026年11月25日 星期三 14:30",  # planned
            "2026年11月25日 星期三 14:35",  # check-in
            "2026年11月25日 星期三 16:05",  # check-out
            "31.231000, 121.474000",
            "01:30",  # duration
            "介绍新产品",
            "客户同意下月试用",
            "发送报价单",
            "2026年12月2日 星期三",
            "拜访目的",
            "拜访结果",
            "下一步",
            self.sales_a.name,
        ):
            self.assertIn(text, html)
        self.assertNotIn("13800138000", html)

    def test_several_from_list(self):
        html = self._html(self.plan | self.other)
        self.assertIn("介绍新产品", html)
        self.assertIn("年度回顾", html)
        self.assertEqual(html.count('class="page o_sf_visit_report"'), 2)
        # a salesperson prints own visits
        own = self._html(self.plan, user=self.sales_a)
        self.assertIn("介绍新产品", own)

    def test_print_action(self):
        action = self.env.ref("sales_followup.action_report_visit_plan")
        self.assertEqual(action.binding_model_id.model, "sales_followup.visit.plan")
        self.assertEqual(action.with_context(lang="zh_CN").name, "拜访报告")


@tagged("post_install", "-at_install")
class TestVisitReportPdf(HttpCase):
    """wkhtmltopdf loads the report's assets from the server: an HttpCase."""

    def test_pdf(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        customer = self.env["res.partner"].create(
            {"name": "上海甲方科技有限公司", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "王经理", "parent_id": customer.id, "mobile": "13800138000"}
        )
        plans = self.env["sales_followup.visit.plan"].create(
            [
                {
                    "partner_id": customer.id,
                    "contact_ids": [(6, 0, contact.ids)],
                    "planned_date": datetime(2026, 11, 25, 6, 30),
                    "purpose": "介绍新产品",
                },
                {
                    "partner_id": customer.id,
                    "planned_date": datetime(2026, 11, 26, 6, 30),
                    "purpose": "年度回顾",
                },
            ]
        )
        report = self.env["ir.actions.report"].with_context(
            lang="zh_CN", force_report_rendering=True
        )
        pdf, kind = report._render_qweb_pdf(REPORT, plans.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        # the Chinese text is set in the CJK font of fonts-noto-cjk
        self.assertIn(b"NotoSansCJK", pdf)
        # one visit per page, merged (see ir_actions_report.py)
        self.assertGreaterEqual(PdfFileReader(io.BytesIO(pdf)).getNumPages(), 2)
