from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sf_checkin_radius_m = fields.Integer(
        string="Check-in Radius (m)",
        config_parameter="sales_followup.checkin_radius_m",
        default=500,
        help="A check-in farther than this from the customer's location is flagged.",
    )
    sf_visit_plan_lead_days = fields.Integer(
        string="Plan Visits Days Ahead",
        config_parameter="sales_followup.visit_plan_lead_days",
        default=7,
        help="The nightly run plans a customer's next visit this many days before "
        "it is due.",
    )
    sf_visit_plan_daily_capacity = fields.Integer(
        string="Generated Visits per Day",
        config_parameter="sales_followup.visit_plan_daily_capacity",
        default=5,
        help="At most this many generated visits per account manager and "
        "working day; the other due customers are planned on the next working "
        "days, or wait for a later night.",
    )
    sf_followup_period_days = fields.Integer(
        string="Follow-up Period (days)",
        config_parameter="sales_followup.followup_period_days",
        default=30,
        help="Each key account needs at least one done follow-up in this period.",
    )
    sf_followup_period_calendar_days = fields.Boolean(
        string="Follow-up Period in Calendar Days",
        config_parameter="sales_followup.followup_period_calendar_days",
        help="Count the follow-up period in calendar days instead of working days "
        "(statutory holidays and weekends skipped, make-up days counted).",
    )
    sf_birthday_greeting = fields.Boolean(
        string="Birthday E-mail Greeting",
        config_parameter="sales_followup.birthday_greeting",
        help="With each birthday reminder, queue a birthday greeting e-mail for the "
        "day to the contact, when it has an e-mail address.",
    )
