import { registry } from "@web/core/registry";

// A salesperson checks in and out of a visit on a phone. The position the
// browser would ask consent for is mocked: 0.0009 degree (about 100 m) north
// of the customer.
registry.category("web_tour.tours").add("sales_followup_checkin_tour", {
    steps: () => [
        {
            content: "Today's visits on the phone",
            trigger: ".o_list_view .o_data_row td:contains('途测客户有限公司')",
            run: "click",
        },
        {
            content: "The visit form; mock the browser's geolocation",
            trigger: ".o_form_view .o_sf_check_in",
            run() {
                Object.defineProperty(navigator, "geolocation", {
                    configurable: true,
                    value: {
                        getCurrentPosition(success) {
                            success({
                                coords: {
                                    latitude: 31.2313,
                                    longitude: 121.4737,
                                    accuracy: 12,
                                },
                                timestamp: Date.now(),
                            });
                        },
                    },
                });
            },
        },
        {
            content: "Check in",
            trigger: ".o_form_view .o_sf_check_in",
            run: "click",
        },
        {
            content: "Checked in: the distance to the customer is shown",
            trigger: ".o_form_view .o_field_widget[name='checkin_distance']:not(:empty)",
        },
        {
            content: "Write the next step",
            trigger: ".o_form_view .o_field_widget[name='next_step'] input",
            run: "edit 发送报价单",
        },
        {
            content: "Check out",
            trigger: ".o_form_view .o_sf_check_out",
            run: "click",
        },
        {
            content: "Checked out: the visit is done",
            trigger: ".o_form_view .o_field_widget[name='checkout_date'] span:not(:empty)",
        },
    ],
});
