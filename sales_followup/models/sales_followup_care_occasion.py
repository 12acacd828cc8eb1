from datetime import date, timedelta

from lunardate import LunarDate

from odoo import api, fields, models
from odoo.exceptions import ValidationError


def solar_date(year, month, day, lunar=False):
    """The Gregorian date of month/day in `year` (a lunar year when `lunar`).

    Days that do not exist that year fall back to the last day of the month:
    29 February in a common year, the 30th of a short lunar month.
    """
    for fallback in range(day, day - 3, -1):
        try:
            if lunar:
                return LunarDate(year, month, fallback).to_solar_date()
            return date(year, month, fallback)
        except ValueError:
            continue
    return None


def occurrences(month, day, lunar, start, end):
    """Gregorian dates of month/day (lunar or not) between start and end."""
    found = []
    for year in range(start.year - 1, end.year + 1):
        try:
            when = solar_date(year, month, day, lunar)
        except ValueError:  # lunar years outside the lunardate tables
            when = None
        if when and start <= when <= end:
            found.append(when)
    return found


class SalesFollowupCareOccasion(models.Model):
    _name = "sales_followup.care.occasion"
    _description = "Care Occasion"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    month = fields.Integer(required=True, default=1)
    day = fields.Integer(required=True, default=1)
    lunar = fields.Boolean(
        string="Lunar Calendar",
        help="Month and day are in the Chinese lunar calendar (春节 is lunar 1/1).",
    )
    cn_festival = fields.Selection(
        [
            ("spring", "Spring Festival"),
            ("dragon_boat", "Dragon Boat Festival"),
            ("mid_autumn", "Mid-autumn Festival"),
            ("national", "National Day"),
        ],
        string="Statutory Holiday",
        help="The occasion's day is the first day of this festival's statutory "
        "holidays in the holiday calendar (the break begins), so that the "
        "reminder comes before people leave; month and day are used for the "
        "years without holiday data.",
    )
    days_before = fields.Integer(
        string="Remind Days Before",
        default=3,
        help="The account managers get their activity this many days before.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        ondelete="restrict",
        required=True,
        default=lambda self: self._default_activity_type_id(),
    )
    send_greeting = fields.Boolean(
        string="Send E-mail Greeting",
        help="With each reminder, queue the greeting e-mail for the day to the "
        "customer, when it has an e-mail address.",
    )
    greeting_template_id = fields.Many2one(
        "mail.template",
        ondelete="set null",
        domain=[("model", "=", "res.partner")],
        default=lambda self: self._default_greeting_template_id(),
    )
    next_date = fields.Date(compute="_compute_next_date", help="From today on.")

    _sql_constraints = [
        ("month_valid", "CHECK(month BETWEEN 1 AND 12)", "The month is 1 to 12."),
        ("day_valid", "CHECK(day BETWEEN 1 AND 31)", "The day is 1 to 31."),
        (
            "days_before_positive",
            "CHECK(days_before >= 0)",
            "The reminder cannot come after the day.",
        ),
    ]

    @api.model
    def _default_activity_type_id(self):
        return self.env["ir.model.data"]._xmlid_to_res_id(
            "sales_followup.mail_activity_type_care", raise_if_not_found=False
        )

    @api.model
    def _default_greeting_template_id(self):
        return self.env["ir.model.data"]._xmlid_to_res_id(
            "sales_followup.mail_template_care_holiday", raise_if_not_found=False
        )

    @api.depends("month", "day", "lunar", "cn_festival")
    def _compute_next_date(self):
        today = self.env.company._ka_today()
        for occasion in self:
            found = occasion._occurrences(today, today + timedelta(days=400))
            occasion.next_date = found[0] if found else False

    def _occurrences(self, start, end):
        """The occasion's days between ``start`` and ``end``: for a statutory
        festival, the first day of its holidays in the holiday calendar
        (key_account.cn.holiday.year), else its month and day."""
        self.ensure_one()
        if not self.cn_festival:
            return occurrences(self.month, self.day, self.lunar, start, end)
        Year = self.env["key_account.cn.holiday.year"]
        found = []
        for year in range(start.year - 1, end.year + 1):
            days = Year._ka_festival_days(year, self.cn_festival)
            if days:
                when = days[0]
            else:
                when = next(
                    iter(
                        occurrences(
                            self.month,
                            self.day,
                            self.lunar,
                            date(year, 1, 1),
                            date(year, 12, 31),
                        )
                    ),
                    None,
                )
            if when and start <= when <= end:
                found.append(when)
        return found

    @api.constrains("month", "day", "lunar")
    def _check_date(self):
        for occasion in self:
            try:
                # a leap year, so that 29 February is a date
                date(2024, occasion.month, occasion.day)
                valid = not occasion.lunar or occasion.day <= 30
            except ValueError:
                valid = False
            if not valid:
                raise ValidationError(
                    self.env._(
                        "%(name)s: %(month)s/%(day)s is not a date.",
                        name=occasion.name,
                        month=occasion.month,
                        day=occasion.day,
                    )
                )
