from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

# the steps of the nightly pipeline that compute figures, grades and warnings
REFRESH = ("figures", "rfm", "clv", "grades", "warnings")


class KeyAccountCommon(BaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a Chinese company: Chinese numbers without country code are Chinese
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.grade_a = cls.env.ref("key_account.grade_a")
        cls.grade_c = cls.env.ref("key_account.grade_c")
        cls.team_east = cls.env["crm.team"].create({"name": "华东测试组"})
        cls.team_west = cls.env["crm.team"].create({"name": "西南测试组"})
        cls.sales_a = new_test_user(
            cls.env,
            login="ka_sales_a",
            name="销售甲",
            groups="key_account.key_account_group_user",
        )
        cls.sales_b = new_test_user(
            cls.env,
            login="ka_sales_b",
            name="销售乙",
            groups="key_account.key_account_group_user",
        )
        cls.sales_west = new_test_user(
            cls.env,
            login="ka_sales_w",
            name="销售丙",
            groups="key_account.key_account_group_user",
        )
        cls.leader = new_test_user(
            cls.env,
            login="ka_leader",
            name="主管丁",
            groups="key_account.key_account_group_leader",
        )
        cls.manager = new_test_user(
            cls.env,
            login="ka_manager",
            name="经理戊",
            groups="key_account.key_account_group_manager",
        )
        members = cls.env["crm.team.member"]
        for user, team in (
            (cls.sales_a, cls.team_east),
            (cls.sales_b, cls.team_east),
            (cls.leader, cls.team_east),
            (cls.sales_west, cls.team_west),
        ):
            members.create({"user_id": user.id, "crm_team_id": team.id})
        cls.customer_a = cls._ka_customer(
            "上海甲方科技有限公司", cls.sales_a, cls.team_east
        )
        cls.customer_b = cls._ka_customer(
            "上海乙方贸易有限公司", cls.sales_b, cls.team_east
        )
        cls.customer_west = cls._ka_customer(
            "成都丙方实业有限公司", cls.sales_west, cls.team_west
        )
        cls.customer_pool = cls._ka_customer("公海丁方集团有限公司", False, False)

    @classmethod
    def _ka_customer(cls, name, user, team, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "user_id": user and user.id,
                "team_id": team and team.id,
                **vals,
            }
        )

    @classmethod
    def _ka_product(cls, name="测试产品", price=1000.0, cost=600.0):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "list_price": price,
                "standard_price": cost,
                "invoice_policy": "order",
            }
        )

    @classmethod
    def _ka_invoice(cls, partner, date, amount, move_type="out_invoice", post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": date,
                "invoice_date_due": date,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "服务费",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [(6, 0, [])],
                        },
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _ka_order(cls, partner, product, date, qty=1, confirm=True):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "date_order": date,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": qty})
                ],
            }
        )
        if confirm:
            order.action_confirm()
            order.date_order = date
        return order
