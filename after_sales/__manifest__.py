{
    "name": "Key Account After-sales",
    "summary": "Authorization keys, feedback tickets with SLA by grade, revisits, "
    "repairs and contract renewal",
    "version": "18.0.1.0.0",
    "category": "Services/Helpdesk",
    "license": "AGPL-3",
    "author": "KAM Team",
    "website": "https://github.com/kam-team/key-account",
    "depends": ["key_account", "contract", "helpdesk_mgmt", "repair", "stock"],
    "data": [
        "security/after_sales_groups.xml",
        "views/after_sales_menus.xml",
    ],
}
