{
    "name": "Key Account Chinese Translations",
    "summary": "Simplified Chinese (zh_CN) for the dependencies of the key-account "
    "addons that ship none or an incomplete one",
    "version": "18.0.1.1.0",
    "category": "Localization",
    "license": "AGPL-3",
    "author": "KAM Team",
    "website": "https://github.com/kam-team/key-account",
    "depends": [
        "key_account",
        "sales_followup",
        "after_sales",
        "key_account_approval",
        # the OCA addons whose zh_CN this module provides
        "helpdesk_mgmt",
        "contract",
        "partner_contact_birthdate",
        "partner_contact_personal_information_page",
        "base_tier_validation",
        "sale_tier_validation",
    ],
}
