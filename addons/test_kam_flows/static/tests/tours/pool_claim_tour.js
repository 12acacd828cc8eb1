import { registry } from "@web/core/registry";

// a. A salesperson claims a customer from the public pool (公海) and finds it
// among "my customers" (我的客户). The steps look for the Chinese labels.
const CUSTOMER = "公海领取测试有限公司";

registry.category("web_tour.tours").add("test_kam_flows_pool_claim", {
    steps: () =>
        [
            {
                content: "The public pool (公海) is open",
                trigger: ".o_control_panel .o_breadcrumb:contains('公海')",
            },
            {
                content: "Claim (领取) the customer",
                trigger: `.o_kanban_record:contains('${CUSTOMER}') button[name='action_ka_claim']:contains('领取')`,
                run: "click",
            },
            {
                content: "Claimed: the customer leaves the pool",
                trigger: `.o_kanban_view:not(:has(.o_kanban_record:contains('${CUSTOMER}')))`,
            },
            {
                content: "Open the customers (客户) menu",
                trigger:
                    ".o_menu_sections [data-menu-xmlid='key_account.key_account_menu_customers']:contains('客户')",
                run: "click",
            },
            {
                content: "The list is filtered on my customers (我的客户)",
                trigger: ".o_searchview_facet:contains('我的客户')",
            },
            {
                content: "The claimed customer is one of my customers",
                trigger: `.o_list_view .o_data_row td[name='name']:contains('${CUSTOMER}')`,
            },
        ].map((step) => ({ timeout: 30000, ...step })),
});
