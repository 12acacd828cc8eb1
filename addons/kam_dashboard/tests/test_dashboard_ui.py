from odoo.tests import HttpCase, new_test_user, tagged

# the six charts of the board are views in the browser, no "Invalid action"
CHECK_CHARTS = """
(async () => {
    const charts = () => document.querySelectorAll(
        ".o-dashboard-action .o_view_controller.o_graph_view"
    );
    for (let i = 0; i < 150 && charts().length < 6; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const titles = [...document.querySelectorAll(".o-dashboard-action-header")]
        .map((h) => h.textContent.trim());
    const invalid = document.querySelector(".o-dashboard-action .text-warning");
    if (charts().length !== 6 || invalid) {
        console.error(`charts: ${charts().length} of 6 (${titles.join(", ")})`);
    } else if (!titles.includes("销售额趋势")) {
        console.error(`titles not in Chinese: ${titles.join(", ")}`);
    } else {
        console.log("test successful");
    }
})();
"""


@tagged("post_install", "-at_install")
class TestDashboardUi(HttpCase):
    def test_board_in_the_browser(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        new_test_user(
            self.env,
            login="kam_dash_ui",
            name="看板经理",
            lang="zh_CN",
            groups="key_account.key_account_group_manager",
        )
        self.browser_js(
            "/odoo/action-kam_dashboard.kam_dashboard_action",
            CHECK_CHARTS,
            login="kam_dash_ui",
            timeout=120,
        )
