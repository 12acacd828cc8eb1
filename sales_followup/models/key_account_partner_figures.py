from odoo import fields, models


class KeyAccountPartnerFigures(models.Model):
    """The follow-up policy's flags live beside the other nightly figures of
    a customer (a narrow table), not on the wide partner rows."""

    _inherit = "key_account.partner.figures"

    sf_followup_overdue = fields.Boolean(
        string="Follow-up Overdue", readonly=True, index=True
    )
    sf_followup_notice_date = fields.Date(
        string="Follow-up Reminder Sent", readonly=True
    )
