import { registry } from "@web/core/registry";

// 报价审批 in the browser (Chinese interface). The quotation and its
// customer are made by key_account_approval/tests/test_approval_tour.py.
const TIMEOUT = 30000;
const CUSTOMER = "审批浏览器测试有限公司";

// a. The salesperson opens the quotation over the grade's limit and requests
// the validation: it waits for the reviewers.
registry.category("web_tour.tours").add("key_account_approval_request_tour", {
    steps: () =>
        [
            {
                content: "The quotation over the limit is open",
                trigger: `.o_form_view .o_field_widget[name='partner_id']:contains('${CUSTOMER}'), .o_form_view .o_field_widget[name='partner_id'] input:value('${CUSTOMER}')`,
            },
            {
                content: "Request the validation",
                trigger: ".o_form_view button[name='request_validation']",
                run: "click",
            },
            {
                content: "The quotation waits for its reviewers",
                trigger: ".o_form_view .alert-warning .o_field_widget[name='next_review']",
            },
            {
                content: "The salesperson cannot approve it",
                trigger: ".o_form_view .alert-warning:not(:has(button[name='validate_tier']))",
            },
            {
                content: "The reviews are listed with the team leader",
                trigger: ".o_form_view .o_field_widget[name='review_ids']",
            },
        ].map((step) => ({ timeout: TIMEOUT, ...step })),
});

// b. The team leader finds the quotation in the activities of the systray
// (活动), opens it and approves it.
registry.category("web_tour.tours").add("key_account_approval_leader_tour", {
    steps: () =>
        [
            {
                content: "Open the activities in the systray",
                trigger: ".o_menu_systray .o-mail-ActivityMenu-counter",
                run: "click",
            },
            {
                content: "The quotations (sale.order) to approve are there",
                trigger: ".o-mail-ActivityGroup[data-model_name='sale.order']",
                run: "click",
            },
            {
                content: "Open the quotation to approve",
                trigger: `.o_data_row:contains('${CUSTOMER}') td.o_data_cell, .o_kanban_record:contains('${CUSTOMER}')`,
                run: "click",
            },
            {
                content: "Approve it",
                trigger: ".o_form_view .alert-warning button[name='validate_tier']",
                run: "click",
            },
            {
                content: "Approved",
                trigger: ".o_form_view .alert-success",
            },
            {
                content: "Nothing left to approve",
                trigger: ".o_form_view:not(:has(button[name='validate_tier']))",
            },
        ].map((step) => ({ timeout: TIMEOUT, ...step })),
});

// c. The salesperson confirms the approved quotation.
registry.category("web_tour.tours").add("key_account_approval_confirm_tour", {
    steps: () =>
        [
            {
                content: "The approved quotation is open",
                trigger: ".o_form_view .alert-success",
            },
            {
                content: "Confirm it",
                trigger: ".o_form_view .o_statusbar_buttons button[name='action_confirm']",
                run: "click",
            },
            {
                content: "It is a sales order",
                trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value='sale']",
            },
        ].map((step) => ({ timeout: TIMEOUT, ...step })),
});
