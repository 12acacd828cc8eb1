{
    "name": "Key Account Management",
    "summary": "Chinese key-account master data, grades, value figures, "
    "public customer pool and data isolation",
    "version": "18.0.1.3.0",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "KAM Team",
    "website": "https://github.com/kam-team/key-account",
    "depends": [
        "sale_management",
        "sale_margin",
        "account",
        "contacts",
        "crm",
        "l10n_cn_city",
        "partner_contact_birthdate",
    ],
    "external_dependencies": {
        "python": [
            "python-stdnum",
            "pypinyin",
            "scipy",
            "numpy",
            "cn2an",
            "openpyxl",
        ]
    },
    "data": [
        "security/key_account_groups.xml",
        "security/ir.model.access.csv",
        "security/key_account_security.xml",
        "security/key_account_rules.xml",
        "security/key_account_share_security.xml",
        "data/ir_sequence_data.xml",
        "data/key_account_grade_data.xml",
        "data/key_account_rule_data.xml",
        "data/ir_cron_data.xml",
        "views/key_account_grade_views.xml",
        "views/key_account_grade_rule_views.xml",
        "views/key_account_warning_views.xml",
        "views/res_partner_views.xml",
        "views/key_account_pool_views.xml",
        "views/key_account_report_views.xml",
        "views/crm_team_views.xml",
        "views/key_account_customer_import_views.xml",
        "views/key_account_menus.xml",
        "views/key_account_share_views.xml",
    ],
    "demo": [
        "demo/key_account_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "key_account/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
