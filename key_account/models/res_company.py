from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# the business clock of a company without a time zone of its own
DEFAULT_TZ = "Asia/Shanghai"


class ResCompany(models.Model):
    """The business clock (业务日): what "today" is for a company.

    Every nightly step, reminder and report of the key-account addons asks its
    company for the day, never the server (UTC) or the cron user's time zone:
    at 23:30 Beijing time it is still the same business day in Shanghai while
    UTC is 15:30 and a cron user without time zone would say the same, and at
    00:30 Beijing time (16:30 UTC the day before) the business day has turned.
    """

    _inherit = "res.company"

    ka_figures_date = fields.Date(
        string="Key-Account Figures Date",
        readonly=True,
        copy=False,
        help="The business day the nightly pipeline last computed this company's "
        "customer figures for.",
    )

    ka_clv_model = fields.Json(
        string="Key-Account CLV Model",
        readonly=True,
        copy=False,
        help="The BG/NBD and Gamma-Gamma parameters of the last weekly fit of "
        "the customer-lifetime-value models, and its day.",
    )

    ka_new_days = fields.Integer(
        string="New Customer Period (days)",
        default=90,
        help="A customer is new for this many days after its first "
        "confirmed order, then active.",
    )
    ka_dormant_days = fields.Integer(
        string="Dormant After (days)",
        default=180,
        help="A customer without a confirmed order for this many days is dormant, "
        "unless its grade sets its own number.",
    )
    ka_lost_days = fields.Integer(
        string="Lost After (days)",
        default=365,
        help="A customer without a confirmed order for this many days is lost, "
        "unless its grade sets its own number.",
    )

    @api.constrains("ka_new_days", "ka_dormant_days", "ka_lost_days")
    def _check_ka_lifecycle_days(self):
        for company in self:
            if company.ka_new_days < 0 or company.ka_dormant_days <= 0:
                raise ValidationError(
                    self.env._(
                        "The new-customer period cannot be negative and the dormant "
                        "days must be positive."
                    )
                )
            if company.ka_lost_days <= company.ka_dormant_days:
                raise ValidationError(
                    self.env._(
                        "A customer must be dormant before it is lost: the lost "
                        "days must be more than the dormant days."
                    )
                )
        # the grades that set one of the two numbers, with the new defaults
        self.env["key_account.grade"].sudo().with_context(active_test=False).search(
            ["|", ("dormant_days", "!=", 0), ("lost_days", "!=", 0)]
        )._ka_check_lifecycle_order(self)

    def _ka_tz(self):
        """The company's time zone: its address's, else China Standard Time."""
        self.ensure_one()
        name = self.partner_id.tz
        if name and name in pytz.all_timezones_set:
            return pytz.timezone(name)
        return pytz.timezone(DEFAULT_TZ)

    def _ka_now(self):
        """The current moment in the company's time zone (aware)."""
        self.ensure_one()
        return datetime.now(pytz.utc).astimezone(self._ka_tz())

    def _ka_today(self):
        """The company's business day."""
        return self._ka_now().date()

    def _ka_day_start_utc(self, day):
        """Midnight at the start of ``day`` in the company's time zone, as the
        naive UTC datetime Odoo stores."""
        self.ensure_one()
        local = self._ka_tz().localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _ka_local_date_sql(self):
        """The time-zone name to turn a stored UTC timestamp into the company's
        business day in SQL: ``(col AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date``."""
        self.ensure_one()
        return self._ka_tz().zone

    @api.model
    def _ka_main_company(self):
        """The company whose figures a customer shared by every company (no
        company set) carries: the first company created."""
        return self.sudo().search([], order="id", limit=1)

    # ------------------------------------------------------------------
    # working days: the company's calendar and the Chinese holidays
    # ------------------------------------------------------------------
    def _ka_working_calendar(self):
        """(calendar, follows Chinese holidays) of the company's working days;
        no calendar means Monday to Friday with the Chinese holidays."""
        self.ensure_one()
        calendar = self.sudo().resource_calendar_id
        if calendar:
            return calendar, calendar.ka_cn_holidays
        return calendar, self.country_id.code in (False, "CN")

    def _ka_is_working_day(self, day):
        """工作日: whether ``day`` is a working day of the company. A statutory
        holiday is not, a make-up working day (调休) is, otherwise the week of
        the company's working calendar decides (Monday to Friday without
        one). Cached sets: no query per call once the year is loaded."""
        self.ensure_one()
        calendar, chinese = self._ka_working_calendar()
        if chinese:
            holidays, workdays, _known = self.env[
                "key_account.cn.holiday.year"
            ]._ka_year_days(day.year)
            if day in holidays:
                return False
            if day in workdays:
                return True
        if calendar and not calendar.flexible_hours:
            return calendar._works_on_date(day)
        return day.weekday() < 5

    def _ka_add_working_days(self, day, n):
        """The ``n``-th working day after ``day`` (before it when ``n`` < 0);
        with ``n`` = 0, ``day`` itself when it is a working day, else the next
        working day. "Remind 3 working days before" is
        ``_ka_add_working_days(deadline, -3)``."""
        self.ensure_one()
        step = 1 if n >= 0 else -1
        count = abs(n)
        if not count:
            while not self._ka_is_working_day(day):
                day += timedelta(days=1)
            return day
        for _guard in range(3660):
            day += timedelta(days=step)
            if self._ka_is_working_day(day):
                count -= 1
                if not count:
                    return day
        return day

    def _ka_working_days_between(self, date_from, date_to):
        """The number of working days after ``date_from`` up to and including
        ``date_to`` (negative when ``date_to`` is earlier): how many working
        days a person has from today until a due day."""
        self.ensure_one()
        if date_to < date_from:
            return -self._ka_working_days_between(date_to, date_from)
        return sum(
            1
            for offset in range(1, (date_to - date_from).days + 1)
            if self._ka_is_working_day(date_from + timedelta(days=offset))
        )

    def _ka_shift_days(self, day, n, working):
        """``day`` moved by ``n`` days, counted as working days when
        ``working`` (a timer configured in working days) else calendar days."""
        self.ensure_one()
        if working:
            return self._ka_add_working_days(day, n)
        return day + timedelta(days=n)

    @api.model
    def _ka_working_days_param(self, key):
        """Whether a timer counts in working days: yes (the default: a person
        acts on it) unless its system parameter ``key`` (named
        ``<addon>.<timer>_calendar_days``, what a Boolean settings field with
        ``config_parameter`` writes) is set to a true value ("True", "1")."""
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        if value in (None, False, ""):
            return True
        return str(value).strip().lower() in ("0", "false", "no")
