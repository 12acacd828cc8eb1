"""The team leaders' record rules name the teams the user leads as well as
those the user is a member of (the rules are noupdate: rewritten here)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.users"]._ka_rules_to_led_teams("key_account_approval")
