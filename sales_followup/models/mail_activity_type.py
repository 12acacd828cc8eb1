from odoo import fields, models


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    sf_reminder_days = fields.Integer(
        string="Remind Days Before",
        default=0,
        help="The assigned user gets an inbox reminder this many days before the "
        "deadline (0: no reminder).",
    )
