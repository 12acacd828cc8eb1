import { registry } from "@web/core/registry";

// 客户共享 in the browser (Chinese interface). The customer and opportunity
// names are those of key_account/tests/test_share_tour.py.
const CUSTOMER = "共享浏览器测试有限公司";
const OPPORTUNITY = "共享浏览器测试商机";
const TIMEOUT = 30000;

// a. The co-owner (协作人) finds the shared customer under "my customers"
// (我的客户), opens it and, from its opportunities button, its opportunity.
registry.category("web_tour.tours").add("key_account_share_co_owner_tour", {
    steps: () =>
        [
            {
                content: "The customers open on my customers (我的客户)",
                trigger: ".o_searchview_facet:contains('我的客户')",
            },
            {
                content: "The shared customer is one of my customers",
                trigger: `.o_list_view .o_data_row td[name='name']:contains('${CUSTOMER}')`,
                run: "click",
            },
            {
                content: "Its form opens",
                trigger: `.o_breadcrumb:contains('${CUSTOMER}')`,
            },
            {
                content: "Its opportunities (商机): one",
                trigger:
                    ".o_form_view button[name='action_view_opportunity']:contains('1')",
                run: "click",
            },
            {
                content: "The customer's opportunity is there",
                trigger: `.o_kanban_record:contains('${OPPORTUNITY}'), .o_data_row:contains('${OPPORTUNITY}')`,
            },
        ].map((step) => ({ timeout: TIMEOUT, ...step })),
});

// b. A colleague without share looks for the customer among all the
// customers they may see: nothing is found.
registry.category("web_tour.tours").add("key_account_share_colleague_tour", {
    steps: () =>
        [
            {
                content: "The customers open on my customers (我的客户)",
                trigger: ".o_searchview_facet:contains('我的客户')",
            },
            {
                content: "Remove the filter: every customer the colleague may see",
                trigger: ".o_searchview_facet:contains('我的客户') .o_facet_remove",
                run: "click",
            },
            {
                content: "No filter left",
                trigger: ".o_searchview:not(:has(.o_searchview_facet))",
            },
            {
                content: "Another customer of the colleague's own is listed",
                trigger: ".o_list_view .o_data_row td[name='name']:contains('同事自己的客户有限公司')",
            },
            {
                content: "Search the shared customer's name",
                trigger: ".o_searchview_input",
                run: `edit ${CUSTOMER}`,
            },
            {
                trigger: ".o_searchview_input",
                run: "press Enter",
            },
            {
                content: "The search is applied",
                trigger: `.o_searchview_facet:contains('${CUSTOMER}')`,
            },
            {
                content: "Nothing: the colleague does not see the shared customer",
                trigger: ".o_view_nocontent, .o_list_view:not(:has(.o_data_row))",
            },
        ].map((step) => ({ timeout: TIMEOUT, ...step })),
});

// c. The same colleague looks for the opportunity in the pipeline: nothing.
registry.category("web_tour.tours").add("key_account_share_colleague_pipeline_tour", {
    steps: () =>
        [
            {
                content: "The pipeline is open",
                trigger: ".o_control_panel .o_searchview",
            },
            {
                content: "Remove the filters",
                trigger: ".o_searchview_facet .o_facet_remove",
                run: "click",
            },
            {
                content: "No filter left",
                trigger: ".o_searchview:not(:has(.o_searchview_facet))",
            },
            {
                content: "The colleague's own opportunity is there",
                trigger: ".o_kanban_record:contains('同事自己的商机')",
            },
            {
                content: "The shared customer's opportunity is not",
                trigger: `.o_kanban_view:not(:has(.o_kanban_record:contains('${OPPORTUNITY}')))`,
            },
        ].map((step) => ({ timeout: TIMEOUT, ...step })),
});
