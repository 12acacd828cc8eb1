from odoo.addons.key_account.tests.common import KeyAccountCommon


class ApprovalCommon(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.grade_a.write(
            {"approval_max_discount": 10.0, "approval_max_amount": 50000.0}
        )
        cls.customer_a.ka_grade_id = cls.grade_a
        cls.customer_west.ka_grade_id = cls.grade_a
        cls.team_east.user_id = cls.leader
        cls.team_west.user_id = False
        cls.product = cls._ka_product(price=1000.0)
        cls.approval_type = cls.env.ref(
            "key_account_approval.mail_activity_type_approval"
        )

    @classmethod
    def _quotation(cls, partner, user, team, qty=1, discount=0.0):
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "team_id": team.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": qty,
                            "price_unit": 1000.0,
                            "discount": discount,
                            "tax_id": [(6, 0, [])],
                        },
                    )
                ],
            }
        )

    def _approval_activities(self, order):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("activity_type_id", "=", self.approval_type.id),
            ]
        )
