{
    "name": "Key Account Approvals",
    "summary": "Quotations over the discount or amount limit of the customer's grade "
    "wait for the team leader (OCA tier validation)",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "KAM Team",
    "website": "https://github.com/kam-team/key-account",
    "depends": ["key_account", "sale_tier_validation"],
    "data": [
        "data/mail_activity_type_data.xml",
        "data/tier_definition_data.xml",
        "views/key_account_grade_views.xml",
        "views/sale_order_views.xml",
    ],
}
