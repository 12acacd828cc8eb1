// Run one Odoo tour in headless Chromium against a running Odoo server, as
// HttpCase.start_tour does inside Odoo's own test server: log in, open the
// page with ?debug=tests (the session then loads web.assets_tests, where the
// tours are), wait for the tour to be ready, start it in automatic mode and
// wait for "tour succeeded" or an error in the browser's console.
//   node run_tour.mjs <base-url> <login> <password> <url> <tour> [phone] [timeout-s]
// Exit 0 when the tour succeeded, 1 otherwise (a screenshot of the failure is
// written to $KAM_TOUR_SHOTS/<tour>.png when that variable is set).
import { chromium } from "playwright-core";

const [base, login, password, url, tour, size = "desktop", timeoutArg = "300"] =
    process.argv.slice(2);
if (!tour) {
    console.error(
        "usage: node run_tour.mjs <base-url> <login> <password> <url> <tour> [phone]",
    );
    process.exit(2);
}
const phone = size === "phone";
const timeoutMs = Number(timeoutArg) * 1000;
// noise of the browser that says nothing about the tour
const IGNORED = [/^Failed to load resource/, /websocket/i];

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ],
});
let failure = null;
let succeeded = false;
try {
    const context = await browser.newContext({
        viewport: phone ? { width: 375, height: 667 } : { width: 1366, height: 768 },
        hasTouch: phone,
        isMobile: phone,
        locale: "zh-CN",
        timezoneId: "Asia/Shanghai",
    });
    const page = await context.newPage();
    page.on("console", (message) => {
        const text = message.text();
        if (text.includes("tour succeeded")) {
            succeeded = true;
        } else if (message.type() === "error" && !IGNORED.some((re) => re.test(text))) {
            failure = failure || text;
        }
        if (message.type() === "error" || /^(Tour|FAILED)/.test(text)) {
            console.log(
                `  [browser ${message.type()}] ${text.split("\n").slice(0, 8).join("\n  ")}`,
            );
        }
    });
    page.on("pageerror", (error) => {
        failure = failure || `page error: ${error.message}`;
    });
    await page.goto(`${base}/web/login?debug=tests`);
    await page.fill("input[name=login]", login);
    await page.fill("input[name=password]", password);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    if (page.url().includes("/web/login")) {
        throw new Error(`login of ${login} failed`);
    }
    await page.goto(`${base}${url}${url.includes("?") ? "&" : "?"}debug=tests`, {
        timeout: 120000,
    });
    await page.waitForFunction(() => window.odoo && window.odoo.isTourReady, null, {
        timeout: 120000,
    });
    await page.evaluate((name) => window.odoo.isTourReady(name), tour);
    await page.evaluate(
        ([name, startUrl]) =>
            window.odoo.startTour(name, {
                stepDelay: 0,
                keepWatchBrowser: false,
                debug: false,
                startUrl,
                delayToCheckUndeterminisms: 0,
            }),
        [tour, url],
    );
    const deadline = Date.now() + timeoutMs;
    while (!succeeded && !failure && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (!succeeded && !failure) {
        failure = `tour ${tour} did not finish in ${timeoutMs / 1000} s`;
    }
    if (failure && process.env.KAM_TOUR_SHOTS) {
        await page
            .screenshot({ path: `${process.env.KAM_TOUR_SHOTS}/${tour}.png` })
            .catch(() => {});
    }
} catch (error) {
    failure = failure || String(error);
} finally {
    await browser.close();
}
if (failure) {
    console.log(`tour ${tour}: FAILED: ${failure.split("\n")[0]}`);
    process.exit(1);
}
console.log(`tour ${tour}: succeeded`);
