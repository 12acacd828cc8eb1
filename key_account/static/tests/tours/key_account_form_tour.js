import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("key_account_form_tour", {
    url: "/odoo/action-key_account.res_partner_action_key_account",
    steps: () => [
        {
            content: "The list is in Chinese",
            trigger: ".o_list_view th:contains('客户编码')",
        },
        {
            content: "Create a customer",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='name'] input",
            run: "edit 测试大客户有限公司",
        },
        {
            content: "The key-account page is labelled in Chinese",
            trigger: ".o_notebook .nav-link:contains('大客户')",
        },
        {
            trigger: "label:contains('统一社会信用代码')",
        },
        {
            trigger: ".o_field_widget[name='ka_uscc'] input",
            run: "edit 91110108526018159H",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the customer code is filled in",
            trigger: ".o_form_saved .o_field_widget[name='ka_code'] span:not(:empty)",
        },
    ],
});
