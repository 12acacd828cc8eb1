from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import KeyAccountCommon

USCC = "91110000600037341L"


@tagged("post_install", "-at_install")
class TestCollision(KeyAccountCommon):
    """撞单: a customer created, imported or claimed that matches one a
    colleague holds is recorded; the team leader decides."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_b.write({"phone": "021-6555 1234", "email": "info@yifang.cn"})
        cls.Collision = cls.env["key_account.collision"]

    def _create_as(self, user, **vals):
        return (
            self.env["res.partner"]
            .with_user(user)
            .create({"is_company": True, "user_id": user.id, **vals})
        )

    def test_create_by_name_and_phone(self):
        new = self._create_as(
            self.sales_a, name="乙方贸易（上海）有限公司", phone="+86 21 6555 1234"
        )
        collision = self.Collision.search([("partner_id", "=", new.id)])
        self.assertEqual(len(collision), 1)
        self.assertEqual(collision.match_id, self.customer_b)
        self.assertEqual(collision.holder_id, self.sales_b)
        self.assertEqual(collision.user_id, self.sales_a)
        self.assertEqual(collision.team_id, self.team_east)
        self.assertEqual(collision.origin, "create")
        self.assertEqual(collision.state, "open")
        self.assertIn("phone", collision.reason)
        # both salespeople read it, a colleague of another team does not
        for user in (self.sales_a, self.sales_b):
            self.assertEqual(
                collision.with_user(user).search([("id", "=", collision.id)]), collision
            )
        self.assertFalse(
            self.Collision.with_user(self.sales_west).search(
                [("id", "=", collision.id)]
            )
        )

    def test_no_collision_with_own_pool_or_different_company(self):
        self._create_as(self.sales_b, name="上海乙方贸易有限公司")  # own customer
        self._create_as(self.sales_a, name="公海丁方集团有限公司")  # in the pool
        self._create_as(self.sales_a, name="北京完全不同有限公司", email="x@other.cn")
        self.assertFalse(self.Collision.search([]))

    def test_import_batch_is_one_query(self):
        self.customer_west.ka_uscc = USCC
        Partner = (
            self.env["res.partner"]
            .with_user(self.sales_a)
            .with_context(ka_collision_origin="import")
        )
        vals = [
            {
                "name": f"导入客户{i}号有限公司",
                "is_company": True,
                "user_id": self.sales_a.id,
            }
            for i in range(20)
        ]
        vals[3]["ka_uscc"] = USCC
        vals[7]["email"] = "INFO@yifang.cn"
        partners = Partner.create(vals)
        collisions = self.Collision.search([("partner_id", "in", partners.ids)])
        self.assertEqual(
            {(c.partner_id, c.match_id, c.origin) for c in collisions},
            {
                (partners[3], self.customer_west, "import"),
                (partners[7], self.customer_b, "import"),
            },
        )
        # set-wise: the detection of a batch costs the same for 1 or 20 rows
        # (read the keys, find the holders, create the collisions)
        detect = self.Collision.with_user(self.sales_a)._detect
        self.env.invalidate_all()
        with self.assertQueryCount(5):
            detect(partners[3], "import")
        self.env.invalidate_all()
        with self.assertQueryCount(5):
            detect(partners, "import")

    def test_claim(self):
        self.customer_pool.phone = "021 6555 1234"
        self.env["key_account.pool"].with_user(self.sales_a)._claim(self.customer_pool)
        collision = self.Collision.search([("partner_id", "=", self.customer_pool.id)])
        self.assertEqual(collision.origin, "claim")
        self.assertEqual(collision.match_id, self.customer_b)

    def _collision(self):
        new = self._create_as(self.sales_a, name="上海乙方贸易有限公司")
        return self.Collision.search([("partner_id", "=", new.id)]), new

    def test_leader_gives_it_to_the_holder(self):
        collision, new = self._collision()
        with self.assertRaises(AccessError):
            collision.with_user(self.sales_b).action_assign_holder()
        collision.with_user(self.leader).action_assign_holder()
        self.assertEqual(new.user_id, self.sales_b)
        self.assertEqual(collision.state, "assigned")
        self.assertEqual(collision.decided_by_id, self.leader)
        with self.assertRaises(UserError):
            collision.with_user(self.leader).action_dismiss()

    def test_leader_merges(self):
        collision, new = self._collision()
        order = self._ka_order(new, self._ka_product(), "2026-03-01", confirm=False)
        collision.with_user(self.leader).action_merge()
        self.assertFalse(new.exists())
        self.assertEqual(order.partner_id, self.customer_b)
        self.assertEqual(collision.state, "merged")
        self.assertEqual(collision.partner_name, "上海乙方贸易有限公司")

    def test_leader_shares(self):
        collision, _new = self._collision()
        collision.with_user(self.leader).action_share()
        share = self.customer_b.ka_share_ids
        self.assertEqual(share.user_id, self.sales_a)
        self.assertEqual((share.role, share.access), ("coseller", "read"))
        self.assertEqual(collision.state, "shared")

    def test_leader_of_another_team_cannot_decide(self):
        collision, _new = self._collision()
        west_leader = new_test_user(
            self.env,
            login="ka_leader_w",
            groups="key_account.key_account_group_leader",
        )
        self.env["crm.team.member"].create(
            {"user_id": west_leader.id, "crm_team_id": self.team_west.id}
        )
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            collision.with_user(west_leader).action_dismiss()
        collision.with_user(self.leader).action_dismiss()
        self.assertEqual(collision.state, "dismissed")
