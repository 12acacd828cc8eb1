import base64
import json

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

DASHBOARD = "kam_dashboard.kam_dashboard_spreadsheet"


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
        cls.dashboard = cls.env.ref(DASHBOARD)
        cls.data = json.loads(base64.b64decode(cls.dashboard.spreadsheet_binary_data))

    def _check_field(self, model, path):
        """Every step of a dotted field path exists."""
        Model = self.env[model]
        for name in path.split("."):
            name = name.split(":")[0]
            if name == "__count":
                return
            self.assertIn(name, Model._fields, f"{model}: no field {path}")
            field = Model._fields[name]
            if field.relational:
                Model = self.env[field.comodel_name]

    def test_pivots_and_charts_name_existing_fields(self):
        """The spreadsheet's pivots, charts and filter matchings name models
        and fields that exist (a renamed field breaks the dashboard silently)."""
        filters = {f["id"]: f for f in self.data["globalFilters"]}
        self.assertEqual(
            sorted(f["label"] for f in filters.values()),
            ["客户经理", "期间", "销售团队"],
        )
        sources = [
            (p["model"], p["measures"], p["rows"] + p["columns"], p["fieldMatching"])
            for p in self.data["pivots"].values()
        ]
        charts = [
            figure["data"]
            for sheet in self.data["sheets"]
            for figure in sheet["figures"]
            if figure["data"]["type"].startswith("odoo_")
        ]
        self.assertEqual(len(charts), 6)
        sources += [
            (
                c["metaData"]["resModel"],
                [{"fieldName": c["metaData"]["measure"]}],
                [{"fieldName": g} for g in c["metaData"]["groupBy"]],
                c["fieldMatching"],
            )
            for c in charts
        ]
        for model, measures, groupbys, matching in sources:
            self.assertIn(model, self.env)
            for item in measures + groupbys:
                self._check_field(model, item["fieldName"])
            for filter_id, match in matching.items():
                self.assertIn(filter_id, filters)
                if match.get("chain"):
                    self._check_field(model, match["chain"])
        # the headline figures reference the data sheet's cells
        scorecards = [
            f["data"]
            for f in self.data["sheets"][0]["figures"]
            if f["data"]["type"] == "scorecard"
        ]
        self.assertEqual(len(scorecards), 7)
        data_cells = self.data["sheets"][1]["cells"]
        for card in scorecards:
            sheet, cell = card["keyValue"].split("!")
            self.assertEqual(sheet, "Data")
            self.assertIn(cell, data_cells)

    def test_only_leaders_and_managers_see_it(self):
        Dashboard = self.env["spreadsheet.dashboard"]
        for user, visible in (
            (self.manager, True),
            (self.leader, True),
            (self.salesperson, False),
        ):
            found = Dashboard.with_user(user).search([("id", "=", self.dashboard.id)])
            self.assertEqual(bool(found), visible, user.login)
        action = self.env.ref("kam_dashboard.kam_dashboard_spreadsheet_action")
        self.assertEqual(action.params, {"dashboard_id": self.dashboard.id})

    def test_rfm_matrix(self):
        """The RFM matrix: recency rows split by segment, frequency columns,
        customers and revenue; a cell's records are its customers."""
        partner = self.env["res.partner"].create(
            {"name": "矩阵测试有限公司", "is_company": True}
        )
        # the figures the pipeline writes (key_account.partner.figures)
        partner.ka_figures_id.sudo().write(
            {
                "ka_rfm_recency": 5,
                "ka_rfm_frequency": 4,
                "ka_rfm_monetary": 5,
                "ka_rfm_segment": "important_value",
            }
        )
        action = self.env.ref("kam_dashboard.kam_dashboard_rfm_action")
        domain = safe_eval(action.domain)
        Partner = self.env["res.partner"].with_user(self.manager)
        groups = Partner.read_group(
            domain + [("id", "=", partner.id)],
            ["ka_revenue_12m:sum"],
            ["ka_rfm_recency", "ka_rfm_segment", "ka_rfm_frequency"],
            lazy=False,
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["ka_rfm_segment"], "important_value")
        self.assertEqual(Partner.search(groups[0]["__domain"]), partner)
