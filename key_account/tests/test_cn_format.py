from decimal import Decimal

from odoo.tests import TransactionCase, tagged
from odoo.tests.common import BaseCase

from ..lib import cn_format


@tagged("post_install", "-at_install")
class TestCnFormatLibrary(BaseCase):
    def test_amount_in_words(self):
        cases = {
            123.45: "壹佰贰拾叁元肆角伍分",
            1000000: "壹佰万元整",
            0: "零元整",
            -123.45: "负壹佰贰拾叁元肆角伍分",
            1.01: "壹元零壹分",
            100.1: "壹佰元壹角",
            0.05: "伍分",
            "1,234.5": "壹仟贰佰叁拾肆元伍角",
            Decimal(100000000): "壹亿元整",
            # half up to the fen, from the decimal text, not the binary float
            1.005: "壹元零壹分",
            2.675: "贰元陆角捌分",
            -0.001: "零元整",
        }
        for amount, words in cases.items():
            with self.subTest(amount=amount):
                self.assertEqual(cn_format.amount_in_words(amount), words)
        for bad in (float("inf"), float("nan"), "abc", None, True, 10**17):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                cn_format.amount_in_words(bad)

    def test_amount_short(self):
        cases = [
            (12345678, {}, "1,234.57万"),
            (123456789012, {}, "1,234.57亿"),
            (9876.5, {}, "9,876.50"),
            (9876.5, {"symbol": True}, "¥9,876.50"),
            (0, {}, "0.00"),
            (10000, {}, "1.00万"),
            # rounding up to the next unit changes the unit
            (9999.999, {}, "1.00万"),
            (99999999, {}, "1.00亿"),
            (-12345678, {"symbol": True}, "-¥1,234.57万"),
            (-0.001, {}, "0.00"),
            (12345678, {"digits": 0}, "1,235万"),
        ]
        for amount, options, text in cases:
            with self.subTest(amount=amount, options=options):
                self.assertEqual(cn_format.amount_short(amount, **options), text)

    def test_phone_display(self):
        cases = {
            "13800138000": "138 0013 8000",
            "+86 138-0013-8000": "138 0013 8000",
            "008613800138000": "138 0013 8000",
            "１３８００１３８０００": "138 0013 8000",
            "01012345678": "010-1234 5678",
            "010-12345678": "010-1234 5678",
            "(021) 6123 4567": "021-6123 4567",
            "057188886666": "0571-8888 6666",
            "0571-8888666": "0571-888 8666",
            "4008208820": "400-820-8820",
            "010-12345678转801": "010-1234 5678 转 801",
            "12345": "12345",
            "+1 650 555 0100": "+1 650-555-0100",
            "+32 455 00 00 00": "+32 455 00 00 00",
            "+86 10 6552 9988": "010-6552 9988",
            "": "",
            None: "",
        }
        for number, shown in cases.items():
            with self.subTest(number=number):
                self.assertEqual(cn_format.phone_display(number), shown)
        self.assertEqual(cn_format.parse_phone("13800138000")[0], "mobile")
        self.assertEqual(cn_format.parse_phone("0571-8888666")[0], "landline")
        self.assertIsNone(cn_format.parse_phone("12345678"))


@tagged("post_install", "-at_install")
class TestCnFormatInOdoo(TransactionCase):
    def test_model_currency_and_qweb(self):
        fmt = self.env["key_account.cn.format"]
        self.assertEqual(fmt.amount_in_words(123.45), "壹佰贰拾叁元肆角伍分")
        self.assertEqual(fmt.amount_in_words(False), "")
        self.assertEqual(fmt.amount_short(12345678, symbol=True), "¥1,234.57万")
        self.assertEqual(fmt.phone("13800138000"), "138 0013 8000")
        cny = self.env.ref("base.CNY")
        self.assertEqual(cny.ka_amount_in_words(1000000), "壹佰万元整")
        self.assertEqual(cny.ka_amount_short(123456789012), "¥1,234.57亿")
        usd = self.env.ref("base.USD")
        self.assertEqual(usd.ka_amount_in_words(1), usd.amount_to_text(1))
        view = self.env["ir.ui.view"].create(
            {
                "name": "key_account.test_cn_format",
                "type": "qweb",
                "arch": """<t t-name="key_account.test_cn_format">
                    <p class="words" t-out="cn_format.amount_in_words(amount)"/>
                    <p class="short" t-out="cn_format.amount_short(amount, True)"/>
                    <p class="phone" t-out="cn_format.phone(mobile)"/>
                </t>""",
            }
        )
        html = str(
            self.env["ir.qweb"]._render(
                view.id, {"amount": 12345678.9, "mobile": "13800138000"}
            )
        )
        self.assertIn("壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角", html)
        self.assertIn("¥1,234.57万", html)
        self.assertIn("138 0013 8000", html)
