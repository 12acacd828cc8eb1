"""The dependencies whose zh_CN this addon provides, and the terms that rightly
stay as they are in Chinese. Used by i18n/dep_terms.py (export) and by
tests/test_translation_coverage.py."""

# OCA addons our three addons depend on (so this module does too) that ship
# no zh_CN.po (helpdesk_mgmt, partner_contact_personal_information_page) or an
# incomplete one (contract, partner_contact_birthdate)
REQUIRED_MODULES = (
    "helpdesk_mgmt",
    "contract",
    "partner_contact_birthdate",
    "partner_contact_personal_information_page",
)
# OCA addons of requirements.txt that none of our addons depends on, and that
# this module must not install (sales_team_security changes the salespeople's
# record rules, helpdesk_mgmt_sla adds a second SLA beside after_sales' SLA by
# grade). Their terms are in i18n/zh_CN.po all the same: they are applied when
# this module's translations are loaded after the addon is installed (update
# kam_zh_cn, or Settings › Languages › Update).
OPTIONAL_MODULES = (
    "helpdesk_mgmt_sla",
    "helpdesk_mgmt_rating",
    "crm_salesperson_planner",
    "sales_team_security",
)
TRANSLATED_MODULES = REQUIRED_MODULES + OPTIONAL_MODULES

# English terms that are right in a Chinese screen, with the reason
UNTRANSLATED_OK = {
    "ID": "the record number; Odoo's own zh_CN keeps ID",
}
