"""The dependencies whose zh_CN this addon provides, and the terms that rightly
stay as they are in Chinese. Used by i18n/dep_terms.py (export) and by
tests/test_translation_coverage.py."""

# OCA addons our three addons depend on (so this module does too) that ship
# no zh_CN.po (helpdesk_mgmt, partner_contact_personal_information_page) or an
# incomplete one (contract, partner_contact_birthdate)
TRANSLATED_MODULES = (
    "helpdesk_mgmt",
    "contract",
    "partner_contact_birthdate",
    "partner_contact_personal_information_page",
    # the OCA's tier validation (key_account_approval), no zh_CN shipped
    "base_tier_validation",
    "sale_tier_validation",
)

# English terms that are right in a Chinese screen, with the reason
UNTRANSLATED_OK = {
    "ID": "the record number; Odoo's own zh_CN keeps ID",
}
