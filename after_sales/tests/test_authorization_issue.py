import math
import re
from collections import Counter

import psycopg2

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..lib import licence
from .common import AfterSalesCommon, make_authorization


@tagged("post_install", "-at_install")
class TestAuthorizationIssue(AfterSalesCommon):
    def _order(self, qty=3):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "order_line": [
                    (0, 0, {"product_id": self.licensed.id, "product_uom_qty": qty}),
                    (0, 0, {"product_id": self.plain.id, "product_uom_qty": 1}),
                    (0, 0, {"product_id": self.licensed.id, "product_uom_qty": 1}),
                ],
            }
        )

    def test_confirm_issues_one_per_licensed_line(self):
        order = self._order()
        order.action_confirm()
        auths = self.env["after_sales.authorization"].search(
            [("order_id", "=", order.id)]
        )
        self.assertEqual(len(auths), 2)
        self.assertEqual(
            auths.sale_line_id,
            order.order_line.filtered(lambda l: l.product_id == self.licensed),
        )
        first = auths.filtered(lambda a: a.sale_line_id.product_uom_qty == 3)
        self.assertEqual(first.seats, 15)  # 3 units x 5 seats
        self.assertEqual(first.partner_id, self.customer_a)
        self.assertEqual(first.state, "active")
        self.assertEqual(first.edition, "专业版")
        today = first.company_id._ka_today()
        self.assertEqual(first.date_start, today)
        self.assertEqual(first.date_end, fields.Date.add(today, months=12, days=-1))
        self.assertEqual(order.as_authorization_count, 2)
        self.assertEqual(self.customer_a.as_authorization_count, 2)

    def test_issued_for_contact_goes_to_company(self):
        contact = self.env["res.partner"].create(
            {"name": "张经理", "parent_id": self.customer_a.id}
        )
        order = self._order()
        order.partner_id = contact
        order.action_confirm()
        self.assertEqual(
            self.env["after_sales.authorization"]
            .search([("order_id", "=", order.id)])
            .partner_id,
            self.customer_a,
        )

    def test_issued_once(self):
        order = self._order()
        order.action_confirm()
        Authorization = self.env["after_sales.authorization"]
        Authorization._issue_for_sale_lines(order.order_line)
        order._action_confirm()
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(Authorization.search_count([("order_id", "=", order.id)]), 2)

    def test_salesperson_confirms(self):
        order = self._order().with_user(self.sales_a)
        order.action_confirm()
        self.assertEqual(order.sudo().as_authorization_count, 2)

    def test_unique_live_key_per_line(self):
        order = self._order()
        order.action_confirm()
        auth = self.env["after_sales.authorization"].search(
            [("order_id", "=", order.id)], limit=1
        )
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError),
            self.env.cr.savepoint(),
        ):
            make_authorization(
                self.env,
                self.customer_a,
                self.licensed,
                sale_line_id=auth.sale_line_id.id,
            )

    def test_key_format_entropy_unique(self):
        auths = self.env["after_sales.authorization"]
        for _i in range(40):
            auths |= make_authorization(self.env, self.customer_a, self.licensed)
        keys = auths.mapped("key")
        self.assertEqual(len(set(keys)), 40)
        for key in keys:
            self.assertRegex(key, r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$")
            raw = licence.normalize_key(key)
            self.assertEqual(len(raw) * 5, 160)  # base32: 5 bits per character
        # Every base32 symbol shows up, roughly evenly (1280 characters).
        counts = Counter("".join(licence.normalize_key(k) for k in keys))
        self.assertEqual(len(counts), 32)
        entropy = -sum(c / 1280 * math.log2(c / 1280) for c in counts.values())
        self.assertGreater(entropy, 4.8)
        self.assertEqual(auths[0].key_hash, licence.key_hash(auths[0].key))
        # Typed on the phone: lower case, spaces instead of dashes.
        typed = re.sub("-", " ", auths[0].key.lower())
        self.assertEqual(auths._find_by_key(typed), auths[0])
        self.assertFalse(auths._find_by_key("AAAA-BBBB"))
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError),
            self.env.cr.savepoint(),
        ):
            make_authorization(
                self.env, self.customer_a, self.licensed, key=auths[0].key
            )

    def test_renew_rotates_key(self):
        auth = make_authorization(
            self.env, self.customer_a, self.licensed, days_left=10
        )
        old_key, old_end = auth.key, auth.date_end
        action = auth.with_user(self.as_manager).action_renew()
        new = self.env["after_sales.authorization"].browse(action["res_id"])
        self.assertEqual(auth.state, "revoked")
        self.assertEqual(auth.replaced_by_id, new)
        self.assertEqual(new.previous_id, auth)
        self.assertEqual(auth.key, old_key)
        self.assertNotEqual(new.key, old_key)
        self.assertEqual(new.state, "active")
        self.assertEqual(new.date_end, fields.Date.add(old_end, months=12))
        self.assertEqual((new.seats, new.partner_id), (auth.seats, auth.partner_id))
        self.assertFalse(new.reminder_date)

    def test_renew_keeps_sale_line(self):
        order = self._order()
        order.action_confirm()
        auths = self.env["after_sales.authorization"].search(
            [("order_id", "=", order.id)]
        )
        new = auths._renew(months=24)
        self.assertEqual(new.sale_line_id, auths.sale_line_id)
        self.assertEqual(set(auths.mapped("state")), {"revoked"})
        # Re-confirming after renewal issues nothing new.
        self.env["after_sales.authorization"]._issue_for_sale_lines(order.order_line)
        self.assertEqual(
            self.env["after_sales.authorization"].search_count(
                [("order_id", "=", order.id)]
            ),
            4,
        )

    def test_suspend_reactivate_revoke(self):
        auth = make_authorization(self.env, self.customer_a, self.licensed)
        auth = auth.with_user(self.as_manager)
        auth.action_suspend()
        self.assertEqual(auth.state, "suspended")
        auth.action_reactivate()
        self.assertEqual(auth.state, "active")
        auth.action_revoke()
        self.assertEqual(auth.state, "revoked")
        with self.assertRaises(UserError):
            auth.action_renew()

    def test_contract_renewal_extends(self):
        today = self.env.company._ka_today()
        contract = self.env["contract.contract"].create(
            {
                "name": "软件维护合同",
                "partner_id": self.customer_a.id,
                "line_recurrence": True,
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.licensed.id,
                            "name": "年度授权",
                            "quantity": 1,
                            "price_unit": 10000,
                            "recurring_rule_type": "yearly",
                            "recurring_interval": 1,
                            "date_start": today,
                            "date_end": fields.Date.add(today, days=20),
                        },
                    )
                ],
            }
        )
        line = contract.contract_line_ids
        auth = make_authorization(
            self.env,
            self.customer_a,
            self.licensed,
            days_left=20,
            contract_line_id=line.id,
        )
        line.name = "年度授权(续)"
        self.assertEqual(auth.state, "active")
        new_end = fields.Date.add(today, years=1, days=20)
        line.date_end = new_end
        self.assertEqual(auth.state, "revoked")
        self.assertEqual(auth.replaced_by_id.date_end, new_end)
        self.assertEqual(auth.replaced_by_id.contract_line_id, line)
        self.assertEqual(line.as_authorization_ids.filtered("replaced_by_id"), auth)
