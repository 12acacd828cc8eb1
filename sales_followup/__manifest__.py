{
    "name": "Key Account Follow-up",
    "summary": "Visit plans and check-ins, follow-ups, care reminders, key projects "
    "and account-manager KPIs",
    "version": "18.0.1.9.4",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "KAM Team",
    "website": "https://github.com/kam-team/key-account",
    "depends": ["key_account", "crm", "calendar", "partner_contact_birthdate"],
    "external_dependencies": {"python": ["lunardate"]},
    "data": [
        "security/ir.model.access.csv",
        "security/sales_followup_rules.xml",
        "security/sales_followup_share_security.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_config_parameter_data.xml",
        "data/mail_template_data.xml",
        "data/sales_followup_care_occasion_data.xml",
        "data/ir_cron_data.xml",
        "views/sales_followup_visit_plan_views.xml",
        "views/mail_activity_type_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/sales_followup_care_views.xml",
        "views/crm_lead_views.xml",
        "views/sales_followup_kpi_target_views.xml",
        "views/sales_followup_menus.xml",
        "views/key_account_handover_views.xml",
        "report/sales_followup_visit_report.xml",
    ],
    "demo": [
        "demo/sales_followup_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sales_followup/static/src/js/*.js",
            "sales_followup/static/src/xml/*.xml",
        ],
        "web.report_assets_common": [
            "sales_followup/static/src/scss/visit_report.scss",
        ],
        "web.assets_tests": [
            "sales_followup/static/tests/tours/*.js",
        ],
    },
}
