import json
import os
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from odoo.addons.kam_demo.models import kam_demo_data as D

# Runs in one page: opens each action with the action service (no reload) and
# waits for its records (list rows, kanban cards, pivot figures).
CHECK_SCREENS = """
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    for (let i = 0; i < 150 && !odoo.__WOWL_DEBUG__?.root; i++) {
        await sleep(200);
    }
    const env = odoo.__WOWL_DEBUG__.root.env;
    const selector = ".o_data_row, .o_kanban_record:not(.o_kanban_ghost), "
        + ".o_pivot .o_value";
    const found = [];
    for (const xmlid of %s) {
        await env.services.action.doAction(xmlid, { clearBreadcrumbs: true });
        let count = 0;
        for (let i = 0; i < 150 && !count; i++) {
            await sleep(200);
            count = [...document.querySelectorAll(selector)]
                .filter((el) => el.textContent.trim()).length;
        }
        if (!count) {
            console.error(`${xmlid}: no records on the screen`);
            return;
        }
        found.push(`${xmlid}: ${count}`);
    }
    console.log(found.join(", "));
    console.log("test successful");
})();
"""

# The managers' dashboard: every headline figure evaluated to a number, the
# ones the demo company always has above zero, and the six charts drawn.
CHECK_DASHBOARD = """
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    for (let i = 0; i < 150 && !odoo.__WOWL_DEBUG__?.root; i++) {
        await sleep(200);
    }
    const env = odoo.__WOWL_DEBUG__.root.env;
    await env.services.action.doAction(
        "kam_dashboard.kam_dashboard_spreadsheet_action"
    );
    const find = (node) => {
        if (node.component?.constructor.name === "SpreadsheetDashboardAction") {
            return node.component;
        }
        for (const child of Object.values(node.children || {})) {
            const found = find(child);
            if (found) {
                return found;
            }
        }
    };
    let values = [];
    for (let i = 0; i < 300; i++) {
        await sleep(200);
        const model = find(odoo.__WOWL_DEBUG__.root.__owl__)
            ?.state.activeDashboard?.model;
        if (!model) {
            continue;
        }
        const sheetId = model.getters.getSheetIdByName("Data");
        // B2..B9: revenue, A grade, pool in, pool out, visits planned,
        // visits done, SLA breaches, satisfaction
        values = [1, 2, 3, 4, 5, 6, 7, 8].map(
            (row) => model.getters.getEvaluatedCell({ sheetId, col: 1, row }).value
        );
        const [revenue, , , , planned, , breaches, satisfaction] = values;
        if (values.every((v) => typeof v === "number")
            && revenue > 0 && planned > 0 && breaches > 0 && satisfaction > 0
            && document.querySelectorAll(".o-figure canvas").length >= 6) {
            console.log(`dashboard figures: ${values.join(", ")}`);
            console.log("test successful");
            return;
        }
    }
    console.error(`dashboard figures empty or not numbers: ${JSON.stringify(values)}`);
})();
"""

ROLE_SCREENS = {
    # 销售员: own customers, today's visits, key projects, follow-ups
    "sales": [
        "key_account.res_partner_action_key_account",
        "sales_followup.sales_followup_visit_plan_action_today",
        "sales_followup.crm_lead_action_key_project",
        "sales_followup.mail_activity_action_followup",
    ],
    # 团队主管: the team's customers, visits and KPIs
    "leader": [
        "key_account.res_partner_action_key_account",
        "sales_followup.sales_followup_visit_plan_action",
        "sales_followup.sales_followup_kpi_target_action",
    ],
    # 大客户经理: warnings, the pool, the RFM matrix, revenue analysis
    "manager": [
        "key_account.key_account_warning_action",
        "key_account.res_partner_action_pool",
        "kam_dashboard.kam_dashboard_rfm_action",
        "key_account.key_account_report_action",
    ],
    # 售后人员: tickets, revisits, authorization keys
    "service": [
        "helpdesk_mgmt.helpdesk_ticket_action",
        "after_sales.after_sales_revisit_action",
        "after_sales.after_sales_authorization_action",
    ],
    # 会计: customer invoices, revenue and margin
    "accountant": [
        "account.action_move_out_invoice_type",
        "key_account.key_account_report_action",
    ],
}


@tagged("post_install", "-at_install")
class TestDemoCompany(HttpCase):
    """A small demo company (the generator takes a size), then each demo role
    logs in and finds data on its main screens."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.stats = cls.env["kam_demo.generator"]._generate(size=40)
        cls.users = {
            user.login: user
            for user in cls.env["res.users"].search([("login", "in", D.DEMO_LOGINS)])
        }
        # HttpCase logs in with the login as password
        for login, user in cls.users.items():
            user.password = login

    def test_generated_company(self):
        stats = self.stats
        # once: the demo file runs again when the addon is updated
        self.assertEqual(self.env["kam_demo.generator"]._generate(size=40), {})
        self.assertEqual(stats["customers"], 40)
        self.assertEqual(set(self.users), set(D.DEMO_LOGINS))
        for key in ("orders", "invoices", "payments", "visits", "tickets", "projects"):
            self.assertGreater(stats[key], 0, key)
        company = self.env.company
        today = company._ka_today()
        Partner = self.env["res.partner"]
        customers = Partner.search(
            [("team_id.name", "in", list(D.TEAMS.values())), ("is_company", "=", True)]
        )
        self.assertEqual(len(customers), 40)
        figures = customers.filtered("ka_revenue_12m")
        self.assertTrue(figures, "the pipeline computed the revenue figures")
        self.assertTrue(customers.filtered("ka_rfm_segment"))
        self.assertTrue(customers.filtered(lambda p: p.ka_overdue > 0), "overdue")
        self.assertTrue(
            self.env["key_account.warning"].search_count([("state", "=", "open")])
        )
        # the customers' life: statuses set by the rules, a few lost by hand
        # with their churn reason
        self.assertTrue(set(customers.mapped("ka_status")) >= {"active", "lost"})
        History = self.env["key_account.status.history"]
        self.assertTrue(History.search_count([("source", "=", "rule")]))
        self.assertTrue(History.search_count([("reason_id", "!=", False)]))
        Log = self.env["key_account.pool.log"]
        for action in ("claim", "release", "recycle"):
            self.assertTrue(Log.search_count([("action", "=", action)]), action)
        Plan = self.env["sales_followup.visit.plan"]
        for state in ("done", "missed", "planned"):
            self.assertTrue(Plan.search_count([("state", "=", state)]), state)
        start = company._ka_day_start_utc(today)
        self.assertTrue(
            Plan.search_count(
                [
                    ("planned_date", ">=", start),
                    ("planned_date", "<", start + timedelta(days=1)),
                ]
            ),
            "visits for today",
        )
        # tickets in every SLA state
        Ticket = self.env["helpdesk.ticket"]
        open_ = [("stage_id.closed", "=", False)]
        for domain in (
            open_ + [("as_response_breached", "=", False)],
            [("as_response_breached", "=", True)],
            [("as_resolution_breached", "=", True)],
            [("as_response_warned", "=", True)],
            [("stage_id.closed", "=", True), ("as_resolution_breached", "=", False)],
        ):
            self.assertTrue(Ticket.search_count(domain), domain)
        Revisit = self.env["after_sales.revisit"]
        self.assertTrue(
            Revisit.search_count([("state", "=", "done"), ("score", ">", 0)])
        )
        # authorizations and contracts near expiry
        soon = today + timedelta(days=30)
        self.assertTrue(
            self.env["after_sales.authorization"].search_count(
                [("state", "=", "active"), ("date_end", "<=", soon)]
            )
        )
        self.assertTrue(
            self.env["contract.contract"].search_count([("date_end", "<=", soon)])
        )
        targets = self.env["sales_followup.kpi.target"].search([])
        self.assertTrue(targets.filtered("actual_revenue"), "KPI actuals computed")

    def _check_role(self, login):
        # the browser runs in China, as the demo company's users do: its
        # "today" (the web client's date filters) is Beijing's day, whatever
        # the time of the run (from 16:00 UTC Beijing is a day ahead); Chrome
        # takes its time zone from the environment it is started with
        with patch.dict(os.environ, {"TZ": "Asia/Shanghai"}):
            self.browser_js(
                "/odoo",
                CHECK_SCREENS % json.dumps(ROLE_SCREENS[login]),
                login=login,
                timeout=180,
            )

    def test_role_salesperson(self):
        self._check_role("sales")

    def test_role_leader(self):
        self._check_role("leader")
        self.browser_js("/odoo", CHECK_DASHBOARD, login="leader", timeout=180)

    def test_role_manager(self):
        self._check_role("manager")
        self.browser_js("/odoo", CHECK_DASHBOARD, login="manager", timeout=180)

    def test_role_service(self):
        self._check_role("service")

    def test_role_accountant(self):
        self._check_role("accountant")

    def test_role_portal_customer(self):
        self.browser_js(
            "/my/authorizations",
            """
            const rows = document.querySelectorAll("tbody tr");
            if (rows.length) {
                console.log("test successful");
            } else {
                console.error("no authorization key in the portal");
            }
            """,
            login="customer",
            timeout=120,
        )
