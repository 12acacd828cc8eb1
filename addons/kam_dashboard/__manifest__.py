{
    "name": "Key Account Management Dashboard",
    "summary": "Dashboard for key-account managers and team leaders: revenue, "
    "grades, public pool, visits, tickets and SLA, satisfaction",
    "version": "18.0.2.0.0",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "KAM Team",
    "website": "https://github.com/kam-team/key-account",
    "depends": [
        "spreadsheet_dashboard",
        "key_account",
        "sales_followup",
        "after_sales",
    ],
    "data": [
        "security/kam_dashboard_security.xml",
        "data/kam_dashboard_data.xml",
        "views/kam_dashboard_views.xml",
        "views/kam_dashboard_menus.xml",
    ],
}
