// The README's screenshot: the key-account form in Chinese, taken with headless
// Debian chromium through playwright-core. Needs `make run` serving.
//   node tools/screenshot.mjs [base-url] [output.png]
import { chromium } from "playwright-core";

const base = process.argv[2] || "http://127.0.0.1:8069";
const out = process.argv[3] || "key_account/static/description/screenshot_form_zh.png";

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: "zh-CN" });
await page.goto(`${base}/web/login`);
await page.fill("input[name=login]", "admin");
await page.fill("input[name=password]", "admin");
await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
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
        const path = `key_account/static/description/${file}`;
        await page.screenshot({ path });
        console.log(path);
    }
}
await browser.close();
