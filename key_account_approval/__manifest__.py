{
    "name": "Key Account Approvals",
    "summary": "Quotations over the discount or amount limit of the customer's grade "
    "and contracts before they start wait for the team leader (OCA tier validation)",
    "version": "18.0.1.1.2",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "KAM Team",
    "website": "https://github.com/kam-team/key-account",
    "depends": ["key_account", "after_sales", "sale_tier_validation"],
    "data": [
        "security/ir.model.access.csv",
        "security/key_account_approval_security.xml",
        "data/mail_activity_type_data.xml",
        "data/tier_definition_data.xml",
        "views/key_account_grade_views.xml",
        "views/sale_order_views.xml",
        "views/contract_contract_views.xml",
    ],
    "post_init_hook": "post_init_hook",
    "assets": {
        "web.assets_tests": [
            "key_account_approval/static/tests/tours/*.js",
        ],
    },
}
