{
    "name": "Key Account Follow-up",
    "summary": "Visit plans and check-ins, follow-ups, care reminders, key projects "
    "and account-manager KPIs",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "KAM Team",
    "website": "https://github.com/kam-team/key-account",
    "depends": ["key_account", "crm", "calendar"],
    "data": [
        "data/mail_activity_type_data.xml",
        "views/sales_followup_menus.xml",
    ],
}
