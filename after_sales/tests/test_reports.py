from datetime import timedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.key_account.lib.cn_format import amount_in_words

from .common import AfterSalesCommon, make_authorization


@tagged("post_install", "-at_install")
class TestReports(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.customer_a.lang = "zh_CN"
        cls.today = cls.env.company._ka_today()
        cls.Report = cls.env["ir.actions.report"]

    def test_amount_in_words(self):
        self.assertEqual(amount_in_words(28000.5), "贰万捌仟元伍角")
        self.assertEqual(amount_in_words(16000), "壹万陆仟元整")
        self.assertEqual(amount_in_words(0), "零元整")

    def test_authorization_certificate(self):
        auth = make_authorization(self.env, self.customer_a, self.licensed)
        report = "after_sales.report_authorization_certificate"
        html = self.Report._render_qweb_html(report, auth.ids)[0].decode()
        self.assertIn(auth.key, html)
        self.assertIn(self.customer_a.name, html)
        self.assertIn("授权证书", html)

    def test_contract_summary(self):
        contract = self.env["contract.contract"].create(
            {
                "name": "运维服务合同",
                "partner_id": self.customer_a.id,
                "currency_id": self.env.ref("base.CNY").id,
                "line_recurrence": True,
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.licensed.id,
                            "name": name,
                            "quantity": 1,
                            "price_unit": price,
                            "recurring_rule_type": rule,
                            "recurring_interval": 1,
                            "date_start": self.today - timedelta(days=10),
                        },
                    )
                    for name, price, rule in (
                        ("年度授权", 12000, "yearly"),
                        ("月度运维", 500, "monthly"),
                    )
                ],
            }
        )
        self.assertEqual(contract._as_yearly_value(), 18000)
        report = "after_sales.report_contract_summary"
        html = self.Report._render_qweb_html(report, contract.ids)[0].decode()
        self.assertIn("壹万捌仟元整", html)
        # next to the words, the figure in 万 with the yuan sign
        self.assertIn("(¥1.80万)", html)
        self.assertIn("大写", html)
        self.assertIn("合同摘要", html)


@tagged("post_install", "-at_install")
class TestReportsPdf(HttpCase):
    """wkhtmltopdf fetches the report assets from the test server: an HttpCase
    shares its cursor with the server's requests."""

    def test_pdf_rendered(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        customer = self.env["res.partner"].create(
            {"name": "证书测试有限公司", "is_company": True, "lang": "zh_CN"}
        )
        product = self.env["product.product"].create(
            {"name": "证书软件", "type": "service", "as_is_licensed": True}
        )
        auth = make_authorization(self.env, customer, product)
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf = Report._render_qweb_pdf(
            "after_sales.report_authorization_certificate", auth.ids
        )[0]
        self.assertTrue(pdf.startswith(b"%PDF"))
        contract = self.env["contract.contract"].create(
            {"name": "证书合同", "partner_id": customer.id}
        )
        pdf = Report._render_qweb_pdf(
            "after_sales.report_contract_summary", contract.ids
        )[0]
        self.assertTrue(pdf.startswith(b"%PDF"))
