{
    "name": "Key Account Management: Demo Company",
    "summary": "A living Chinese demo company for make run: customers, two years "
    "of orders and invoices, pool history, visits, projects, KPIs, tickets",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "KAM Team",
    "website": "https://github.com/kam-team/key-account",
    "depends": [
        "key_account",
        "sales_followup",
        "after_sales",
        "key_account_approval",
        "kam_dashboard",
    ],
    "demo": [
        "demo/kam_demo_demo.xml",
    ],
}
