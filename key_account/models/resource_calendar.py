from datetime import datetime, timedelta

from pytz import timezone, utc

from odoo import api, fields, models

from odoo.addons.resource.models.utils import float_to_time

from ..lib.cn_holidays import WorkTimeline


class ResourceCalendar(models.Model):
    """Working calendars that follow the Chinese statutory holidays.

    With ``ka_cn_holidays`` set, the calendar's attendances (the source of
    every work interval Odoo computes: ``plan_hours``, ``plan_days``,
    ``get_work_hours_count``, ``get_work_duration_data``, durations and
    unusual days) leave out the holidays of key_account.cn.holiday.year and
    add the make-up working days (调休). A make-up day takes the hours of the
    calendar's first working weekday of its week type (Monday on a Monday to
    Friday calendar); a make-up day the calendar already works keeps its own.
    """

    _inherit = "resource.calendar"

    ka_cn_holidays = fields.Boolean(
        string="Chinese Statutory Holidays",
        compute="_compute_ka_cn_holidays",
        store=True,
        readonly=False,
        help="Statutory holidays are off and make-up working days (调休) are "
        "working days with the hours of the first working weekday. On by "
        "default for the calendars of companies in China.",
    )
    ka_cn_missing_years = fields.Char(
        string="Years Without Holiday Data",
        compute="_compute_ka_cn_missing_years",
        help="Years around today the holiday calendar has no data for: they are "
        "counted on ordinary weeks until entered.",
    )

    @api.depends("company_id.country_id")
    def _compute_ka_cn_holidays(self):
        for calendar in self:
            company = calendar.company_id or self.env.company
            calendar.ka_cn_holidays = company.country_id.code == "CN"

    @api.depends("ka_cn_holidays")
    def _compute_ka_cn_missing_years(self):
        Year = self.env["key_account.cn.holiday.year"]
        for calendar in self:
            missing = []
            if calendar.ka_cn_holidays:
                today = (calendar.company_id or self.env.company)._ka_today()
                years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
                missing = [y for y in years if not Year._ka_year_days(y)[2]]
            calendar.ka_cn_missing_years = ", ".join(map(str, missing))

    # ------------------------------------------------------------------
    # Odoo's hook: every work interval comes from the attendances
    # ------------------------------------------------------------------
    def _attendance_intervals_batch(
        self, start_dt, end_dt, resources=None, domain=None, tz=None, lunch=False
    ):
        result = super()._attendance_intervals_batch(
            start_dt, end_dt, resources=resources, domain=domain, tz=tz, lunch=lunch
        )
        if not self.ka_cn_holidays or self.flexible_hours:
            return result
        holidays, workdays, _missing = self.env[
            "key_account.cn.holiday.year"
        ]._ka_days_between(
            (start_dt - timedelta(days=1)).date(), (end_dt + timedelta(days=1)).date()
        )
        if not holidays and not workdays:
            return result
        resources_list = [self.env["resource.resource"]]
        if resources:
            resources_list = list(resources) + resources_list
        attendances = self._ka_makeup_attendances(domain, lunch)
        for resource in resources_list:
            if resource and (
                resource._is_fully_flexible() or resource.calendar_id.flexible_hours
            ):
                continue
            rtz = tz or timezone((resource or self).tz)
            intervals = result[resource.id]
            kept = [
                item
                for item in intervals
                if item[0].astimezone(rtz).date() not in holidays
            ]
            worked = {item[0].astimezone(rtz).date() for item in kept}
            extra = self._ka_makeup_intervals(
                workdays - worked,
                attendances,
                start_dt.astimezone(rtz),
                end_dt.astimezone(rtz),
                rtz,
            )
            if len(kept) != len(intervals) or extra:
                result[resource.id] = type(intervals)(kept + extra)
        return result

    def _ka_makeup_attendances(self, domain, lunch):
        """{week type: attendances} a make-up day works: those of the first
        weekday with attendances (of that week type on a two-week calendar)."""
        self.ensure_one()
        attendances = self.attendance_ids.filtered(
            lambda a: (
                not a.resource_id
                and not a.display_type
                and (a.day_period == "lunch") == bool(lunch)
            )
        )
        if domain:
            attendances = attendances.filtered_domain(domain)
        by_type = {}
        for week_type in (0, 1):
            pool = attendances
            if self.two_weeks_calendar:
                pool = attendances.filtered(
                    lambda a, w=week_type: a.week_type == str(w)
                )
            if pool:
                first = min(int(a.dayofweek) for a in pool)
                by_type[week_type] = pool.filtered(
                    lambda a, d=first: int(a.dayofweek) == d
                )
        return by_type

    def _ka_makeup_intervals(self, days, attendances, start, end, tz):
        """Work intervals of the make-up ``days`` between the local moments
        ``start`` and ``end``."""
        if not attendances:
            return []
        get_week_type = self.env["resource.calendar.attendance"].get_week_type
        intervals = []
        for day in sorted(days):
            if not start.date() <= day <= end.date():
                continue
            week_type = get_week_type(day) if self.two_weeks_calendar else 0
            for attendance in attendances.get(week_type, ()):
                if (attendance.date_from and day < attendance.date_from) or (
                    attendance.date_to and attendance.date_to < day
                ):
                    continue
                day_from = tz.localize(
                    datetime.combine(day, float_to_time(attendance.hour_from))
                )
                day_to = tz.localize(
                    datetime.combine(day, float_to_time(attendance.hour_to))
                )
                day_from, day_to = max(start, day_from), min(end, day_to)
                if day_from < day_to:
                    intervals.append((day_from, day_to, attendance))
        return intervals

    # ------------------------------------------------------------------
    # planning many deadlines at once
    # ------------------------------------------------------------------
    def _ka_plan_hours_batch(self, requests):
        """``plan_hours(hours, start)`` for many ``(start, hours)`` pairs
        (naive UTC start, hours > 0) at once: one interval computation over
        the span of the starts, then one bisection per pair. Returns the
        deadlines (naive UTC, to the second) in the order of ``requests``;
        the moments ``plan_hours`` (compute_leaves=False) gives one by one."""
        self.ensure_one()
        if not requests:
            return []
        if self.flexible_hours:
            return [self.plan_hours(hours, start) for start, hours in requests]
        first = min(start for start, _hours in requests)
        last = max(start for start, _hours in requests)
        most = max(hours for _start, hours in requests)
        # enough days for the longest target and the longest holiday (9 days)
        week_hours = max(self.hours_per_day, 1) * 5
        span = timedelta(days=int(most / week_hours * 7) + 21)
        results = [None] * len(requests)
        pending = list(range(len(requests)))
        for _attempt in range(10):
            timeline = WorkTimeline(
                (
                    s.astimezone(utc).replace(tzinfo=None),
                    e.astimezone(utc).replace(tzinfo=None),
                )
                for s, e, _meta in self._attendance_intervals_batch(
                    utc.localize(first), utc.localize(last + span)
                )[False]
            )
            still = []
            for i in pending:
                start, hours = requests[i]
                deadline = timeline.plan(start, hours)
                if deadline is None:
                    still.append(i)
                else:
                    results[i] = deadline
            if not still:
                break
            pending, span = still, span * 2
        return [result or False for result in results]
