from datetime import datetime

from lxml import etree

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

BOARD_ACTION = "kam_dashboard.kam_dashboard_action"
CHARTS = {
    "key_account.report",
    "res.partner",
    "key_account.pool.log",
    "sales_followup.visit.plan",
    "helpdesk.ticket",
    "after_sales.revisit",
}


@tagged("post_install", "-at_install")
class TestDashboard(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="kam_dash_manager",
            name="看板经理",
            groups="key_account.key_account_group_manager",
        )
        cls.leader = new_test_user(
            cls.env,
            login="kam_dash_leader",
            name="看板主管",
            groups="key_account.key_account_group_leader",
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="kam_dash_sales",
            name="看板销售",
            groups="key_account.key_account_group_user",
        )
        cls.grade = cls.env.ref("key_account.grade_a")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "看板测试甲方有限公司",
                "is_company": True,
                "user_id": cls.salesperson.id,
                "ka_grade_id": cls.grade.id,
            }
        )
        Plan = cls.env["sales_followup.visit.plan"]
        for day, state in ((3, "done"), (10, "done"), (17, "missed"), (24, "planned")):
            Plan.create(
                {
                    "partner_id": cls.customer.id,
                    "planned_date": datetime(2026, 3, day, 3),
                    "state": state,
                }
            )

    def _board(self, user):
        action = self.env.ref(BOARD_ACTION)
        view = (
            self.env["board.board"].with_user(user).get_view(action.view_id.id, "form")
        )
        return action, etree.fromstring(view["arch"])

    def _chart_groupby(self, model, view_id):
        """Groupbys and measures of a graph view, as read_group takes them."""
        arch = etree.fromstring(model.get_view(view_id, "graph")["arch"])
        self.assertEqual(arch.tag, "graph")
        groupby, measures = [], []
        for node in arch.iter("field"):
            field = model._fields[node.get("name")]
            if node.get("type") == "measure":
                measures.append(f"{field.name}:{field.aggregator or 'sum'}")
            else:
                interval = node.get("interval")
                groupby.append(f"{field.name}:{interval}" if interval else field.name)
        return groupby, measures

    def test_board_renders_for_the_manager(self):
        action, arch = self._board(self.manager)
        self.assertEqual(action.res_model, "board.board")
        self.assertEqual(arch.get("js_class"), "board")
        board = arch.find("board")
        self.assertEqual(board.get("style"), "2-1")
        nodes = arch.findall(".//action")
        self.assertEqual(len(nodes), 6)
        models = set()
        for node in nodes:
            chart = self.env["ir.actions.act_window"].browse(int(node.get("name")))
            self.assertTrue(chart.exists(), node.get("string"))
            self.assertEqual(node.get("view_mode"), "graph")
            self.assertIn(chart.res_model, self.env)
            models.add(chart.res_model)
            model = self.env[chart.res_model].with_user(self.manager)
            views = {mode: view_id for view_id, mode in chart.views}
            self.assertIn("graph", views)
            self.assertTrue(views["graph"], "a graph view of the dashboard")
            groupby, measures = self._chart_groupby(model, views["graph"])
            domain = safe_eval(chart.domain or "[]")
            groups = model.read_group(domain, measures, groupby, lazy=False)
            self.assertIsInstance(groups, list)
            # the pivot and list views of the chart load too
            for mode in set(views) - {"graph"}:
                model.get_view(views[mode], mode)
        self.assertEqual(models, CHARTS)

    def test_visits_planned_and_done(self):
        chart = self.env.ref("kam_dashboard.kam_dashboard_visit_action")
        Plan = self.env["sales_followup.visit.plan"].with_user(self.manager)
        groups = Plan.read_group(
            safe_eval(chart.domain) + [("partner_id", "=", self.customer.id)],
            ["__count"],
            ["planned_date:month", "state"],
            lazy=False,
        )
        counts = {group["state"]: group["__count"] for group in groups}
        self.assertEqual(counts, {"done": 2, "missed": 1, "planned": 1})

    def test_grade_distribution(self):
        chart = self.env.ref("kam_dashboard.kam_dashboard_grade_action")
        groups = (
            self.env["res.partner"]
            .with_user(self.manager)
            .read_group(safe_eval(chart.domain), ["__count"], ["ka_grade_id"])
        )
        by_grade = {g["ka_grade_id"][0]: g["ka_grade_id_count"] for g in groups}
        self.assertGreaterEqual(by_grade.get(self.grade.id, 0), 1)

    def test_team_leader_opens_it(self):
        _action, arch = self._board(self.leader)
        self.assertEqual(len(arch.findall(".//action")), 6)

    def test_menu_for_leaders_and_managers_only(self):
        menu = self.env.ref("kam_dashboard.kam_dashboard_menu")
        Menu = self.env["ir.ui.menu"]
        for user in (self.manager, self.leader):
            self.assertIn(menu.id, Menu.with_user(user)._visible_menu_ids(), user.name)
        self.assertNotIn(menu.id, Menu.with_user(self.salesperson)._visible_menu_ids())
        self.assertFalse(
            self.salesperson.has_group("kam_dashboard.kam_dashboard_group_viewer")
        )
        action = self.env.ref(BOARD_ACTION)
        self.assertEqual(
            action.groups_id, self.env.ref("kam_dashboard.kam_dashboard_group_viewer")
        )
        self.assertFalse(action.groups_id & self.salesperson.groups_id)
