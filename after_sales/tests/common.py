from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.key_account.tests.common import KeyAccountCommon


def make_licensed_product(env, name="授权软件 专业版", seats=5, months=12):
    return env["product.product"].create(
        {
            "name": name,
            "type": "service",
            "list_price": 10000.0,
            "invoice_policy": "order",
            "as_is_licensed": True,
            "as_licence_seats": seats,
            "as_licence_months": months,
            "as_licence_edition": "专业版",
        }
    )


def make_authorization(env, partner, product, days_left=200, **vals):
    today = fields.Date.context_today(env["after_sales.authorization"])
    return (
        env["after_sales.authorization"]
        .sudo()
        .create(
            {
                "partner_id": partner.id,
                "product_id": product.id,
                "seats": 5,
                "edition": product.as_licence_edition,
                "date_start": today - timedelta(days=30),
                "date_end": today + timedelta(days=days_left),
                **vals,
            }
        )
    )


class AfterSalesCommon(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.licensed = make_licensed_product(cls.env)
        cls.plain = cls._ka_product("普通服务")
        cls.as_staff = new_test_user(
            cls.env,
            login="as_auth_staff",
            name="售后员",
            groups="after_sales.after_sales_group_user",
        )
        cls.as_manager = new_test_user(
            cls.env,
            login="as_auth_manager",
            name="售后经理",
            groups="after_sales.after_sales_group_manager",
        )
