from odoo import api, fields, models
from odoo.exceptions import ValidationError

FESTIVAL_SELECTION = [
    ("new_year", "New Year's Day"),
    ("spring", "Spring Festival"),
    ("qingming", "Tomb-sweeping Day"),
    ("labour", "Labour Day"),
    ("dragon_boat", "Dragon Boat Festival"),
    ("mid_autumn", "Mid-autumn Festival"),
    ("national", "National Day"),
    ("other", "Other"),
]


class KeyAccountCnHoliday(models.Model):
    """One day of the State Council notice: a statutory holiday (法定节假日,
    weekend days inside a holiday period included) or a make-up working day
    (调休上班日). Days not listed follow the calendar's ordinary week."""

    _name = "key_account.cn.holiday"
    _description = "Chinese Holiday or Make-up Working Day"
    _order = "date"
    _rec_name = "date"

    year_id = fields.Many2one(
        "key_account.cn.holiday.year",
        required=True,
        ondelete="cascade",
        index=True,
    )
    date = fields.Date(required=True, index=True)
    kind = fields.Selection(
        [("holiday", "Holiday"), ("workday", "Make-up Working Day")],
        required=True,
        default="holiday",
    )
    festival = fields.Selection(FESTIVAL_SELECTION, required=True, default="other")
    note = fields.Char()

    _sql_constraints = [
        ("date_unique", "unique(date)", "A day can be listed only once."),
    ]

    @api.constrains("date", "year_id")
    def _check_date(self):
        for day in self:
            if day.date.year != day.year_id.year:
                raise ValidationError(
                    self.env._(
                        "%(date)s is not in the year %(year)s.",
                        date=day.date,
                        year=day.year_id.year,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        days = super().create(vals_list)
        days.year_id._ka_changed(days.year_id.mapped("year"))
        return days

    def write(self, vals):
        years = self.year_id
        res = super().write(vals)
        (years | self.year_id)._ka_changed((years | self.year_id).mapped("year"))
        return res

    def unlink(self):
        years = self.year_id.mapped("year")
        res = super().unlink()
        self.env["key_account.cn.holiday.year"]._ka_changed(years)
        return res
