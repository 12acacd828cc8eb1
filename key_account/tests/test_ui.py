from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestKeyAccountUi(HttpCase):
    def test_key_account_form_in_chinese(self):
        """The key-account form opens in Chinese and saves a customer with its USCC."""
        self.env.ref("base.lang_zh_CN").active = True
        self.env.ref("base.user_admin").lang = "zh_CN"
        self.start_tour(
            "/odoo/action-key_account.res_partner_action_key_account",
            "key_account_form_tour",
            login="admin",
        )
        partner = self.env["res.partner"].search([("name", "=", "测试大客户有限公司")])
        self.assertEqual(partner.ka_uscc, "91110108526018159H")
        self.assertTrue(partner.ka_code)
