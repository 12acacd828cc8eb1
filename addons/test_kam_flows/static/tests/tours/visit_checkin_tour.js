import { registry } from "@web/core/registry";

// b. A salesperson plans a visit (拜访计划) on a phone and checks in (签到).
// The position the browser would ask consent for is mocked: 0.0009 degree
// (about 100 m) north of the customer, 15 m accurate.
const CUSTOMER = "拜访签到测试有限公司";

function mockGeolocation() {
    Object.defineProperty(navigator, "geolocation", {
        configurable: true,
        value: {
            getCurrentPosition(success) {
                success({
                    coords: { latitude: 31.2313, longitude: 121.4737, accuracy: 15 },
                    timestamp: Date.now(),
                });
            },
        },
    });
}

registry.category("web_tour.tours").add("test_kam_flows_visit_checkin", {
    steps: () =>
        [
            {
                content: "The visit plans (拜访计划) on the phone",
                // a phone shows the action's name in the top bar
                trigger: ".o_main_navbar:contains('拜访计划')",
            },
            {
                // by its class: the label is 新建 from web's translation or
                // 创建 from web_hierarchy's, whichever the client merged last
                content: "Plan a visit: new (新建)",
                trigger:
                    ".o_control_panel button.o-kanban-button-new, .o_control_panel button.o_list_button_add",
                run: "click",
            },
            {
                content: "The customer (客户): a phone opens a search dialog",
                trigger: ".o_form_view .o_field_widget[name='partner_id'] input",
                run: "click",
            },
            {
                trigger: `.modal:contains('客户') .o_kanban_record:contains('${CUSTOMER}'), .o-autocomplete--dropdown-item:contains('${CUSTOMER}')`,
                run: "click",
            },
            {
                trigger: `.o_form_view .o_field_widget[name='partner_id'] input:value('${CUSTOMER}')`,
            },
            {
                content: "The purpose (拜访目的)",
                trigger: ".o_form_view .o_form_label:contains('拜访目的')",
            },
            {
                trigger: ".o_form_view .o_field_widget[name='purpose'] input",
                run: "edit 季度拜访",
            },
            {
                content: "At the customer's: mock the browser's position",
                trigger: ".o_form_view .o_sf_check_in:contains('签到')",
                run: mockGeolocation,
            },
            {
                content: "Check in (签到): saves the plan, then checks in",
                trigger: ".o_form_view .o_sf_check_in:contains('签到')",
                run: "click",
            },
            {
                content: "Checked in: the distance to the customer is shown",
                trigger:
                    ".o_form_view .o_field_widget[name='checkin_distance']:not(:empty)",
            },
            {
                content: "The check-out button (签退) replaces the check-in",
                trigger: ".o_form_view .o_sf_check_out:contains('签退')",
            },
        ].map((step) => ({ timeout: 30000, ...step })),
});
