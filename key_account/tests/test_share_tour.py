from odoo.tests import HttpCase, new_test_user, tagged

from .common import KeyAccountCommon

# Tours on a shared 2-core machine: a generous limit for the whole tour.
TOUR_TIMEOUT = 240
CUSTOMERS_URL = "/odoo/action-key_account.res_partner_action_key_account"
PIPELINE_URL = "/odoo/action-crm.crm_lead_action_pipeline"


@tagged("post_install", "-at_install")
class TestShareTour(KeyAccountCommon, HttpCase):
    """客户共享 in Chromium, in the Chinese interface: the co-owner (协作人)
    finds the shared customer under "my customers" and opens its opportunity;
    a colleague of the same team without share finds neither."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.lang_zh_CN").active = True
        (cls.sales_a | cls.sales_b).write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        cls.colleague = new_test_user(
            cls.env,
            login="ka_share_tour_colleague",
            password="ka_share_tour_colleague_pw",
            name="同事庚",
            groups="key_account.key_account_group_user",
            lang="zh_CN",
            tz="Asia/Shanghai",
        )
        cls.env["crm.team.member"].create(
            {"user_id": cls.colleague.id, "crm_team_id": cls.team_east.id}
        )
        cls.customer = cls._ka_customer(
            "共享浏览器测试有限公司", cls.sales_a, cls.team_east
        )
        cls.own_customer = cls._ka_customer(
            "同事自己的客户有限公司", cls.colleague, cls.team_east
        )
        lead = cls.env["crm.lead"]
        cls.opportunity = lead.create(
            {
                "name": "共享浏览器测试商机",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.sales_a.id,
                "team_id": cls.team_east.id,
            }
        )
        lead.create(
            {
                "name": "同事自己的商机",
                "type": "opportunity",
                "partner_id": cls.own_customer.id,
                "user_id": cls.colleague.id,
                "team_id": cls.team_east.id,
            }
        )
        # the account manager shares the customer with a pre-sales colleague
        cls.env["key_account.share"].with_user(cls.sales_a).create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.sales_b.id,
                "role": "presales",
            }
        )

    def test_co_owner_sees_the_customer_and_its_opportunity(self):
        self.start_tour(
            CUSTOMERS_URL,
            "key_account_share_co_owner_tour",
            login="ka_sales_b",
            timeout=TOUR_TIMEOUT,
        )

    def test_colleague_sees_neither(self):
        self.start_tour(
            CUSTOMERS_URL,
            "key_account_share_colleague_tour",
            login="ka_share_tour_colleague",
            timeout=TOUR_TIMEOUT,
        )
        self.start_tour(
            PIPELINE_URL,
            "key_account_share_colleague_pipeline_tour",
            login="ka_share_tour_colleague",
            timeout=TOUR_TIMEOUT,
        )
