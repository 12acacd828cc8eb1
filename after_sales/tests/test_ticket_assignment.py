from odoo.tests import new_test_user, tagged

from .common import TicketCommon


@tagged("post_install", "-at_install")
class TestTicketAssignment(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        china = cls.env.ref("base.cn")
        State = cls.env["res.country.state"]
        cls.state_east = State.create(
            {"name": "测试东省", "code": "TKE", "country_id": china.id}
        )
        cls.state_west = State.create(
            {"name": "测试西省", "code": "TKW", "country_id": china.id}
        )
        Categ = cls.env["product.category"]
        cls.categ_soft = Categ.create({"name": "测试软件"})
        cls.categ_soft_child = Categ.create(
            {"name": "测试财务软件", "parent_id": cls.categ_soft.id}
        )
        cls.categ_hard = Categ.create({"name": "测试硬件"})
        cls.product_soft = cls._ka_product("财务软件")
        cls.product_soft.categ_id = cls.categ_soft_child
        cls.product_hard = cls._ka_product("服务器")
        cls.product_hard.categ_id = cls.categ_hard
        cls.member_east, cls.member_any, cls.member_hard = (
            new_test_user(
                cls.env,
                login=login,
                name=name,
                groups="after_sales.after_sales_group_user",
            )
            for login, name in (
                ("as_member_east", "华东软件工程师"),
                ("as_member_any", "全国软件工程师"),
                ("as_member_hard", "硬件工程师"),
            )
        )
        members = cls.member_east | cls.member_any | cls.member_hard
        cls.helpdesk_team.user_ids = [(4, user.id) for user in members]
        Staff = cls.env["after_sales.feedback.staff"]
        Staff.create(
            [
                {
                    "user_id": cls.member_east.id,
                    "team_id": cls.helpdesk_team.id,
                    "product_categ_ids": [(4, cls.categ_soft.id)],
                    "state_ids": [(4, cls.state_east.id)],
                },
                {
                    "user_id": cls.member_any.id,
                    "team_id": cls.helpdesk_team.id,
                    "product_categ_ids": [(4, cls.categ_soft.id)],
                },
                {
                    "user_id": cls.member_hard.id,
                    "team_id": cls.helpdesk_team.id,
                    "product_categ_ids": [(4, cls.categ_hard.id)],
                },
            ]
        )
        cls.customer_a.state_id = cls.state_east
        cls.customer_west.state_id = cls.state_west

    def _load(self, user, count, stage=None):
        for _i in range(count):
            self._ticket(user_id=user.id, stage_id=(stage or self.stage_new).id)

    def test_least_loaded_matching_member(self):
        self._load(self.member_east, 1)
        self._load(self.member_any, 2)
        # Closed tickets do not count.
        self._load(self.member_east, 3, self.stage_done)
        ticket = self._ticket(as_product_id=self.product_soft.id)
        self.assertEqual(ticket.user_id, self.member_east)
        self.assertTrue(ticket.assigned_date)

    def test_load_decides_between_matching_members(self):
        self._load(self.member_east, 2)
        self._load(self.member_any, 1)
        ticket = self._ticket(as_product_id=self.product_soft.id)
        self.assertEqual(ticket.user_id, self.member_any)
        staff = self.env["after_sales.feedback.staff"].search(
            [("user_id", "=", self.member_any.id)]
        )
        self.assertEqual(staff.open_ticket_count, 2)

    def test_region_restricts_members(self):
        ticket = self._ticket(
            partner=self.customer_west, as_product_id=self.product_soft.id
        )
        self.assertEqual(ticket.user_id, self.member_any)

    def test_skill_restricts_members(self):
        self._load(self.member_hard, 5)
        ticket = self._ticket(as_product_id=self.product_hard.id)
        self.assertEqual(ticket.user_id, self.member_hard)

    def test_batch_spreads_the_load(self):
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"批量工单 {i}",
                    "description": "-",
                    "partner_id": self.customer_a.id,
                    "team_id": self.helpdesk_team.id,
                    "as_product_id": self.product_soft.id,
                }
                for i in range(4)
            ]
        )
        self.assertEqual(
            sorted(ticket.user_id.login for ticket in tickets),
            ["as_member_any", "as_member_any", "as_member_east", "as_member_east"],
        )

    def test_explicit_user_is_kept_and_no_match_stays_unassigned(self):
        ticket = self._ticket(user_id=self.member_hard.id)
        self.assertEqual(ticket.user_id, self.member_hard)
        self.env["after_sales.feedback.staff"].search(
            [("team_id", "=", self.helpdesk_team.id)]
        ).active = False
        self.env.company.helpdesk_mgmt_ticket_auto_assign = False
        ticket = self._ticket(as_product_id=self.product_soft.id)
        self.assertFalse(ticket.user_id)

    def test_staff_assignment_beats_creator_auto_assign(self):
        self.env.company.helpdesk_mgmt_ticket_auto_assign = True
        ticket = self._ticket(as_product_id=self.product_hard.id)
        self.assertEqual(ticket.user_id, self.member_hard)
