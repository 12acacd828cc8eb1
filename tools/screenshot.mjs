// The README's screenshots in Chinese, taken with headless Debian chromium
// through playwright-core. Needs `make run` serving the Chinese demo database.
//   node tools/screenshot.mjs [base-url] [output.png]
// With an output file: only the key-account form. Without: also the pool
// kanban, the analysis, the grade rules (key_account), a visit's check-in on
// a phone-sized window (sales_followup), the tickets with their SLA and the
// portal's authorization keys (after_sales), each into the addon it shows.
import { chromium } from "playwright-core";

const base = process.argv[2] || "http://127.0.0.1:8069";
const out = process.argv[3] || "key_account/static/description/screenshot_form_zh.png";

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function login(context) {
    const page = await context.newPage();
    await page.goto(`${base}/web/login`);
    await page.fill("input[name=login]", "admin");
    await page.fill("input[name=password]", "admin");
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    return page;
}

// a JSON-RPC call in the page's session, to find the records to show
async function rpc(page, model, method, args, kwargs = {}) {
    return page.evaluate(
        async ([model, method, args, kwargs]) => {
            const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({
                    jsonrpc: "2.0",
                    method: "call",
                    params: { model, method, args, kwargs },
                }),
            });
            const result = await response.json();
            if (result.error) {
                throw new Error(result.error.data?.message || result.error.message);
            }
            return result.result;
        },
        [model, method, args, kwargs]
    );
}

async function shoot(page, path) {
    await page.waitForTimeout(800);
    await page.screenshot({ path });
    console.log(path);
}

const page = await login(
    await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" })
);
await page.goto(`${base}/odoo/action-key_account.res_partner_action_key_account`);
await page.waitForSelector(".o_list_view");
// drop the default "my customers" filter: the admin manages no customer himself
for (const facet of await page.$$(".o_searchview_facet .o_facet_remove")) {
    await facet.click();
}
await page.fill(".o_searchview_input", "中国移动");
await page.keyboard.press("Enter");
await page.waitForSelector(".o_list_view .o_data_row");
// the demo's A-grade customer 中国移动
await page.click(".o_list_view .o_data_row:first-child .o_data_cell[name=name]");
await page.waitForSelector(".o_form_view .o_notebook");
await page.click(".o_notebook .nav-link[name=key_account]");
await page.waitForTimeout(500);
await page.screenshot({ path: out });
console.log(out);

// the other screens of the README, when no single output file was asked for
if (!process.argv[3]) {
    const shots = [
        ["key_account.res_partner_action_pool", ".o_kanban_view", "screenshot_pool_zh.png"],
        ["key_account.key_account_report_action", ".o_pivot", "screenshot_analysis_zh.png"],
        ["key_account.key_account_grade_rule_action", ".o_list_view", "screenshot_grade_rules_zh.png"],
    ];
    for (const [action, selector, file] of shots) {
        await page.goto(`${base}/odoo/action-${action}`);
        await page.waitForSelector(selector);
        await page.waitForTimeout(800);
        await shoot(page, `key_account/static/description/${file}`);
    }

    // the customer's life (issue 15): a customer's status history, the
    // churn analysis, and the what-if preview of the grade rules
    const [lived] = await rpc(page, "key_account.status.history", "read_group", [
        [], ["partner_id"], ["partner_id"],
    ], { orderby: "partner_id_count desc", limit: 1 });
    if (lived) {
        await page.goto(`${base}/odoo/action-key_account.res_partner_action_key_account/${lived.partner_id[0]}`);
        await page.waitForSelector(".o_form_view .o_notebook");
        await page.click(".o_notebook .nav-link[name=ka_status_history]");
        await page.$eval(".o_notebook", (el) => el.scrollIntoView({ block: "start" }));
        await shoot(page, "key_account/static/description/screenshot_status_history_zh.png");
    }
    await page.goto(`${base}/odoo/action-key_account.key_account_churn_analysis_action`);
    await page.waitForSelector(".o_pivot");
    await shoot(page, "key_account/static/description/screenshot_churn_zh.png");
    // a draft without the first active rule: where would its customers go?
    const previewId = await rpc(page, "key_account.grade.preview", "create", [{}]);
    const [draft] = await rpc(page, "key_account.grade.preview.rule", "search_read", [
        [["preview_id", "=", previewId], ["active", "=", true]], ["id"],
    ], { order: "sequence, id", limit: 1 });
    if (draft) {
        await rpc(page, "key_account.grade.preview.rule", "write", [[draft.id], { active: false }]);
    }
    await rpc(page, "key_account.grade.preview", "action_preview", [[previewId]]);
    await page.goto(`${base}/odoo/action-key_account.key_account_grade_preview_action/${previewId}`);
    await page.waitForSelector(".o_form_view .o_notebook");
    await page.click(".o_notebook .nav-link[name=moves]");
    await page.waitForTimeout(500);
    await shoot(page, "key_account/static/description/screenshot_whatif_zh.png");

    // a planned visit on a phone-sized window, ready to check in (签到)
    const phone = await login(
        await browser.newContext({
            viewport: { width: 375, height: 667 },
            isMobile: true,
            hasTouch: true,
            locale: "zh-CN", timezoneId: "Asia/Shanghai",
        })
    );
    const [visit] = await rpc(phone, "sales_followup.visit.plan", "search_read", [
        [["state", "=", "planned"], ["checkin_date", "=", false], ["origin", "=", "manual"]],
        ["id"],
    ], { order: "planned_date", limit: 1 });
    if (visit) {
        await phone.goto(`${base}/odoo/action-sales_followup.sales_followup_visit_plan_action/${visit.id}`);
        await phone.waitForSelector(".o_form_view .o_sf_check_in");
        await shoot(phone, "sales_followup/static/description/screenshot_visit_checkin_zh.png");
    } else {
        console.log("no planned visit in the database: no check-in screenshot");
    }

    // feedback tickets taken by phone: the list with the SLA deadline, and
    // the SLA page of the latest one
    const [ticket] = await rpc(page, "helpdesk.ticket", "search_read", [
        [["as_channel", "=", "phone"]],
        ["id"],
    ], { order: "id desc", limit: 1 });
    if (ticket) {
        await page.goto(`${base}/odoo/action-helpdesk_mgmt.helpdesk_ticket_action`);
        await page.waitForSelector(".o_list_view .o_data_row");
        await page.click(".o_searchview_dropdown_toggler");
        await page.click(".o_filter_menu .o_menu_item:has-text('电话来访')");
        await page.waitForSelector(".o_searchview_facet");
        await page.click(".o_searchview_dropdown_toggler");
        await shoot(page, "after_sales/static/description/screenshot_tickets_zh.png");
        await page.goto(`${base}/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/${ticket.id}`);
        await page.waitForSelector(".o_form_view .o_notebook");
        await page.click(".o_notebook .nav-link[name=as_sla]");
        await page.$eval(".o_notebook", (el) => el.scrollIntoView({ block: "start" }));
        await shoot(page, "after_sales/static/description/screenshot_ticket_sla_zh.png");
    } else {
        console.log("no phone ticket in the database: no ticket screenshots");
    }

    // the phone intake (来电登记): a demo caller's number finds the customer
    await page.goto(`${base}/odoo/action-after_sales.after_sales_phone_intake_action`);
    await page.waitForSelector(".o_form_view div[name=caller_number] input");
    await page.fill(".o_form_view div[name=caller_number] input", "13801012345");
    await page.keyboard.press("Tab");
    await page.waitForTimeout(1500);
    await shoot(page, "after_sales/static/description/screenshot_phone_intake_zh.png");
    await page.goto(`${base}/odoo`);   // leave the unsaved wizard
    await page.waitForTimeout(500);

    // the managers' dashboard (管理看板) on a tall window, then the RFM matrix
    const tall = await login(
        await browser.newContext({ viewport: { width: 1400, height: 1350 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" })
    );
    await tall.goto(`${base}/odoo/action-kam_dashboard.kam_dashboard_spreadsheet_action`);
    await tall.waitForSelector(".o-figure canvas");
    await tall.waitForTimeout(6000);
    await shoot(tall, "addons/kam_dashboard/static/description/screenshot_dashboard_zh.png");
    await page.goto(`${base}/odoo/action-kam_dashboard.kam_dashboard_rfm_action`);
    await page.waitForSelector(".o_pivot .o_value");
    await shoot(page, "addons/kam_dashboard/static/description/screenshot_rfm_zh.png");

    // the customers' portal: their authorization keys (授权号), as the demo
    // company's portal customer when there is one
    const portal = await (
        await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" })
    ).newPage();
    await portal.goto(`${base}/web/login`);
    await portal.fill("input[name=login]", process.env.KAM_PORTAL_LOGIN || "customer");
    await portal.fill("input[name=password]", process.env.KAM_PORTAL_PASSWORD || "demo");
    await Promise.all([portal.waitForNavigation(), portal.click("button[type=submit]")]);
    const where = portal.url().includes("/web/login") ? page : portal;
    await where.goto(`${base}/my/authorizations`);
    await where.waitForSelector(".o_portal_my_doc_table, .alert");
    await shoot(where, "after_sales/static/description/screenshot_portal_authorizations_zh.png");
}
await browser.close();
