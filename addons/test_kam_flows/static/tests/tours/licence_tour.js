import { registry } from "@web/core/registry";

// d. A salesperson confirms (确认) a quotation of a licensed product: an
// authorization key (授权号) is issued. Then the customer's portal user finds
// it in the portal and downloads the signed licence file (下载授权证书).
const PRODUCT = "流程授权软件";

registry.category("web_tour.tours").add("test_kam_flows_licence_order", {
    steps: () =>
        [
            {
                content: "Confirm (确认) the quotation",
                trigger:
                    ".o_form_view .o_statusbar_buttons button[name='action_confirm']:contains('确认')",
                run: "click",
            },
            {
                content: "The authorizations (授权) of the order",
                trigger:
                    ".o_form_view button[name='action_as_view_authorizations']:contains('授权')",
                run: "click",
            },
            {
                content: "One key (授权号) for the licensed line",
                trigger: `.o_list_view .o_data_row td[name='product_id']:contains('${PRODUCT}')`,
            },
            {
                trigger: ".o_list_view .o_data_row td[name='key']:not(:empty)",
            },
        ].map((step) => ({ timeout: 30000, ...step })),
});

registry.category("web_tour.tours").add("test_kam_flows_licence_portal", {
    steps: () =>
        [
            {
                content: "The portal's authorization keys (授权号)",
                trigger: "a[href='/my/authorizations']:contains('授权号')",
                run: "click",
                expectUnloadPage: true,
            },
            {
                content: "The key of the product",
                trigger: `table td a:contains('${PRODUCT}')`,
                run: "click",
                expectUnloadPage: true,
            },
            {
                trigger: "table.o_as_authorization th:contains('授权号')",
            },
            {
                content: "Download the licence file (下载授权证书)",
                trigger: "a.btn[href*='/licence']:contains('下载授权证书')",
                async run() {
                    const response = await fetch(this.anchor.getAttribute("href"));
                    const type = response.headers.get("Content-Type") || "";
                    const text = await response.text();
                    if (!response.ok || !type.startsWith("application/json")) {
                        throw new Error(`licence download: ${response.status} ${type}`);
                    }
                    if (!JSON.parse(text).signature) {
                        throw new Error("licence download: no signature");
                    }
                },
            },
        ].map((step) => ({ timeout: 30000, ...step })),
});
