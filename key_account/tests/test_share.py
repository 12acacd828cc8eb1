from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestShare(KeyAccountCommon):
    """客户共享: co-owners read or edit the customer and its documents; only the
    account manager or a leader shares; the pool and hand-over keep shares."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.presales = new_test_user(
            cls.env,
            login="ka_presales",
            name="售前己",
            groups="key_account.key_account_group_user",
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "王经理", "parent_id": cls.customer_a.id}
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "甲方二期",
                "type": "opportunity",
                "partner_id": cls.customer_a.id,
                "user_id": cls.sales_a.id,
                "team_id": cls.team_east.id,
            }
        )
        cls.product = cls._ka_product()
        cls.order = cls._ka_order(
            cls.customer_a, cls.product, "2026-03-01", confirm=False
        )
        cls.order.user_id = cls.sales_a
        # sales_b shares read-only, the pre-sales colleague read-write
        cls.share_read = (
            cls.env["key_account.share"]
            .with_user(cls.sales_a)
            .create(
                {
                    "partner_id": cls.customer_a.id,
                    "user_id": cls.sales_b.id,
                    "role": "coseller",
                    "access": "read",
                }
            )
        )
        cls.share_write = (
            cls.env["key_account.share"]
            .with_user(cls.sales_a)
            .create(
                {
                    "partner_id": cls.customer_a.id,
                    "user_id": cls.presales.id,
                    "role": "presales",
                    "access": "write",
                }
            )
        )

    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_granted_by_the_account_manager(self):
        self.assertEqual(self.share_read.granted_by_id, self.sales_a)
        self.assertEqual(self.share_read.account_manager_id, self.sales_a)
        # the co-owners follow the customer's chatter
        self.assertIn(self.sales_b.partner_id, self.customer_a.message_partner_ids)

    def test_co_owner_read(self):
        user = self.sales_b
        self.assertEqual(
            self._visible(user, self.customer_a | self.contact),
            self.customer_a | self.contact,
        )
        self.assertEqual(self._visible(user, self.lead), self.lead)
        self.assertEqual(self._visible(user, self.order), self.order)
        self.assertEqual(
            self._visible(user, self.order.order_line), self.order.order_line
        )
        # "my customers" includes the shared ones
        mine = (
            self.env["res.partner"]
            .with_user(user)
            .search(
                ["|", ("user_id", "=", user.id), ("ka_share_ids.user_id", "=", user.id)]
            )
        )
        self.assertIn(self.customer_a, mine)
        self.assertIn(self.customer_b, mine)
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            self.customer_a.with_user(user).write({"comment": "改一下"})
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            self.lead.with_user(user).write({"expected_revenue": 1})
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            self.order.with_user(user).write({"note": "改一下"})

    def test_co_owner_read_write(self):
        user = self.presales
        self.customer_a.with_user(user).write({"comment": "售前补充"})
        self.assertEqual(str(self.customer_a.comment), "<p>售前补充</p>")
        self.contact.with_user(user).write({"function": "采购总监"})
        self.lead.with_user(user).write({"expected_revenue": 50000})
        self.order.with_user(user).write({"note": "售前报价说明"})
        self.assertEqual(self.lead.expected_revenue, 50000)
        # a new contact under the shared customer
        contact = (
            self.env["res.partner"]
            .with_user(user)
            .create({"name": "李工", "parent_id": self.customer_a.id})
        )
        self.assertEqual(contact.commercial_partner_id, self.customer_a)
        # but the co-owner does not take the customer over, nor give it away
        with self.assertRaises(AccessError):
            self.customer_a.with_user(user).write({"user_id": user.id})
        with self.assertRaises(AccessError):
            self.customer_a.with_user(user).write({"user_id": self.sales_b.id})
        # nor shares it further
        with self.assertRaises(AccessError):
            self.env["key_account.share"].with_user(user).create(
                {"partner_id": self.customer_a.id, "user_id": self.sales_west.id}
            )
        # nor removes the others' shares
        with self.assertRaises(AccessError):
            self.share_read.with_user(user).unlink()

    def test_colleague_without_share(self):
        for user in (self.sales_west,):
            self.assertFalse(self._visible(user, self.customer_a | self.contact))
            self.assertFalse(self._visible(user, self.lead))
            self.assertFalse(self._visible(user, self.order))
            self.assertFalse(
                self._visible(user, self.env["key_account.share"].search([]))
                & (self.share_read | self.share_write)
            )
        # a salesperson shares only own customers
        with self.assertRaises(AccessError):
            self.env["key_account.share"].with_user(self.sales_b).create(
                {"partner_id": self.customer_west.id, "user_id": self.sales_b.id}
            )

    def test_co_owner_reads_the_shares_and_the_account_manager_removes_them(self):
        seen = (
            self.env["key_account.share"]
            .with_user(self.sales_b)
            .search([("partner_id", "=", self.customer_a.id)])
        )
        self.assertEqual(seen, self.share_read | self.share_write)
        self.share_read.with_user(self.sales_a).unlink()
        self.assertFalse(self._visible(self.sales_b, self.customer_a))

    def test_leader_shares_team_customers(self):
        share = (
            self.env["key_account.share"]
            .with_user(self.leader)
            .create(
                {
                    "partner_id": self.customer_b.id,
                    "user_id": self.sales_west.id,
                    "role": "service",
                }
            )
        )
        self.assertEqual(
            self._visible(self.sales_west, self.customer_b), self.customer_b
        )
        share.with_user(self.leader).write({"access": "write"})
        share.with_user(self.leader).unlink()
        # not the customers of another team
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            self.env["key_account.share"].with_user(self.leader).create(
                {"partner_id": self.customer_west.id, "user_id": self.sales_b.id}
            )

    def test_constraints(self):
        Share = self.env["key_account.share"]
        with self.assertRaises(ValidationError):
            Share.create({"partner_id": self.contact.id, "user_id": self.sales_b.id})
        with self.assertRaises(ValidationError):
            Share.create({"partner_id": self.customer_a.id, "user_id": self.sales_a.id})
        portal = new_test_user(
            self.env, login="ka_share_portal", groups="base.group_portal"
        )
        with self.assertRaises(ValidationError):
            Share.create({"partner_id": self.customer_b.id, "user_id": portal.id})

    def test_pool_and_handover_carry_the_shares(self):
        pool = self.env["key_account.pool"]
        # released to the pool: the shares stay with the customer
        pool.with_user(self.sales_a)._release(self.customer_a, "不再跟进")
        self.assertEqual(
            self.customer_a.ka_share_ids, self.share_read | self.share_write
        )
        # claimed by a co-owner: its share is useless now and goes, the other stays
        pool.with_user(self.sales_b)._claim(self.customer_a)
        self.assertEqual(self.customer_a.user_id, self.sales_b)
        self.assertEqual(self.customer_a.ka_share_ids, self.share_write)
        # hand-over of the pre-sales colleague: the share moves to the successor
        wizard = (
            self.env["key_account.handover.wizard"]
            .with_user(self.leader)
            .create(
                {"from_user_id": self.presales.id, "to_user_id": self.sales_west.id}
            )
        )
        self.assertFalse(wizard.partner_ids)
        wizard.partner_ids = self.customer_pool
        self.customer_pool.user_id = self.presales
        self.env["crm.team.member"].create(
            {"user_id": self.presales.id, "crm_team_id": self.team_east.id}
        )
        wizard.action_handover()
        self.assertEqual(self.share_write.user_id, self.sales_west)
        handover = self.env["key_account.handover"].search([], limit=1)
        self.assertEqual(handover.share_count, 1)
        self.assertEqual(
            self._visible(self.sales_west, self.customer_a), self.customer_a
        )

    def test_my_customers_filter_includes_shared(self):
        action = self.env.ref("key_account.res_partner_action_key_account")
        self.assertIn("search_default_ka_my", action.context)
        view = self.env.ref("key_account.res_partner_view_search")
        self.assertIn("ka_share_ids.user_id", view.arch)
