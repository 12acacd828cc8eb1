import { registry } from "@web/core/registry";

// c. A call-centre agent takes a phone call at the phone intake (来电登记),
// sees who calls, opens a feedback ticket, solves it and records the revisit
// (回访) with a score.
//
// The tour is three parts: intakeSteps() records the call on the intake form
// of after_sales, which finds the customer by the caller's number and opens
// the ticket (channel 电话, caller number, call time); the later parts start
// from the ticket's form. The agent is after-sales staff only: the intake and
// the revisits are reached from the helpdesk app's menu.
const CUSTOMER = "来电测试有限公司";
const GRADE = "流程测试等级";
const TEAM = "售后热线组";

function intakeSteps() {
    return [
        {
            content: "Take a call: the phone intake (来电登记) of the helpdesk menu",
            trigger: `.o_main_navbar [data-menu-xmlid='after_sales.after_sales_phone_intake_menu_helpdesk']:contains('来电登记')`,
            run: "click",
        },
        {
            content: "The caller's number (来电号码)",
            trigger: ".o_form_view .o_form_label:contains('来电号码')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='caller_number'] input",
            run: "edit 13812345678",
        },
        {
            content: "The subject (主题) of the call",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: "edit 来电：系统无法登录",
        },
        {
            content: "The caller is found by the number: the customer",
            trigger: `.o_form_view .o_field_widget[name='partner_id'] input:value('${CUSTOMER}')`,
        },
        {
            content: "… and its grade (客户等级) and account manager (客户经理)",
            trigger: ".o_form_view .o_form_label:contains('客户等级')",
        },
        {
            trigger: `.o_form_view .o_field_widget[name='grade_id']:contains('${GRADE}')`,
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name='account_manager_id']:contains('来电客户经理')",
        },
        {
            content: "The agent's team is proposed",
            trigger: `.o_form_view .o_field_widget[name='team_id'] input:value('${TEAM}')`,
        },
        {
            content: "What the customer says",
            trigger:
                ".o_form_view .o_field_widget[name='description'] .odoo-editor-editable",
            run: "editor 客户来电：登录时提示密码错误",
        },
        {
            content: "Create the ticket (创建工单)",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name='action_create_ticket']:contains('创建工单')",
            run: "click",
        },
        {
            content: "The ticket's form: a phone call (电话) from the number",
            trigger:
                ".o_form_view .o_field_widget[name='as_channel'] select:value(phone)",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name='as_caller_number'] input:value('13812345678')",
        },
        {
            trigger: `.o_form_view .o_field_widget[name='partner_id'] input:value('${CUSTOMER}')`,
        },
        {
            content: "The ticket is saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ];
}

function solveSteps() {
    return [
        {
            content: "The SLA page (服务时限) shows the grade's deadlines",
            trigger: ".o_form_view .o_notebook .nav-link:contains('服务时限')",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name='as_response_deadline'] span:not(:empty)",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name='as_resolution_deadline'] span:not(:empty)",
        },
        {
            content: "The resolution page (解决)",
            trigger: ".o_form_view .o_notebook .nav-link:contains('解决')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_label:contains('解决方案')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='as_root_cause'] textarea",
            run: "edit 密码多次输错被锁定",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='as_solution'] textarea",
            run: "edit 重置密码后恢复登录",
        },
        {
            content: "Solved (已解决)",
            trigger: ".o_form_view .o_statusbar_status button:contains('已解决')",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('已解决')",
        },
        {
            content: "A revisit (回访) is scheduled",
            trigger: ".o_form_view .o_notebook .nav-link:contains('回访')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='as_revisit_ids'] .o_data_row",
        },
    ];
}

function revisitSteps() {
    return [
        {
            content: "Open the revisits (回访) from the helpdesk menu",
            trigger: `.o_main_navbar [data-menu-xmlid='after_sales.after_sales_revisit_menu_helpdesk']:contains('回访')`,
            run: "click",
        },
        {
            content: "The planned revisit of the customer",
            trigger: `.o_list_view .o_data_row td[name='partner_id']:contains('${CUSTOMER}')`,
            run: "click",
        },
        {
            content: "The satisfaction score (评分), 1 to 5",
            trigger: ".o_form_view .o_form_label:contains('评分')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='score'] input",
            run: "edit 4",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='comment'] textarea",
            run: "edit 问题已解决，满意",
        },
        {
            content: "Done (已完成)",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name='action_done']:contains('已完成')",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('已完成')",
        },
    ];
}

registry.category("web_tour.tours").add("test_kam_flows_phone_ticket", {
    steps: () =>
        [
            {
                content: "The feedback tickets",
                trigger: ".o_list_view",
            },
            ...intakeSteps(),
            ...solveSteps(),
            ...revisitSteps(),
        ].map((step) => ({ timeout: 30000, ...step })),
});
