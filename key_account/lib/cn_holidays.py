"""The Chinese statutory holidays and make-up working days (调休), as the
``chinesecalendar`` package (import name ``chinese_calendar``) publishes them,
and the working-time arithmetic over sorted work intervals. Importable without
Odoo.

    package_years() -> frozenset of the years the package knows
    package_days(year) -> [(date, kind, festival)] with kind "holiday" | "workday"
    WorkTimeline(intervals).plan(start, hours) -> the moment ``hours`` of work
        after ``start`` (what resource.calendar.plan_hours answers), for many
        starts at a cost of one bisection each
"""

import bisect
import datetime

try:
    import chinese_calendar
except ImportError:  # pragma: no cover - the requirement is pinned
    chinese_calendar = None

# the package's festival names -> ours (key_account.cn.holiday.festival)
FESTIVALS = {
    "New Year's Day": "new_year",
    "Spring Festival": "spring",
    "Tomb-sweeping Day": "qingming",
    "Labour Day": "labour",
    "Dragon Boat Festival": "dragon_boat",
    "National Day": "national",
    "Mid-autumn Festival": "mid_autumn",
}


def package_years():
    """The years the installed package has the State Council notice of."""
    if chinese_calendar is None:
        return frozenset()
    return frozenset(
        day.year
        for day in list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    )


def package_days(year):
    """[(date, "holiday" | "workday", festival code)] of ``year``, sorted.

    Only the days that differ from an ordinary week: holidays (weekend days
    inside a holiday period included, as the notice counts them) and the
    make-up working days; empty when the package does not know the year."""
    if chinese_calendar is None:
        return []
    rows = []
    for kind, table in (
        ("holiday", chinese_calendar.holidays),
        ("workday", chinese_calendar.workdays),
    ):
        for day, name in table.items():
            if day.year == year:
                rows.append((day, kind, FESTIVALS.get(name, "other")))
    return sorted(rows)


class WorkTimeline:
    """Sorted, disjoint work intervals ``[(start, stop)]`` (naive UTC
    datetimes) and the hours of work before each, to plan many deadlines
    with one bisection each instead of one interval computation each."""

    def __init__(self, intervals):
        self.starts = []
        self.stops = []
        self.before = []  # hours of work before each interval
        self.after = []  # hours of work up to the end of each interval
        total = 0.0
        for start, stop in intervals:
            hours = (stop - start).total_seconds() / 3600
            if hours <= 0:
                continue
            self.starts.append(start)
            self.stops.append(stop)
            self.before.append(total)
            total += hours
            self.after.append(total)

    def plan(self, start, hours):
        """The moment at which ``hours`` (> 0) of work have passed after
        ``start``, to the second; None when the intervals end before."""
        i = bisect.bisect_right(self.stops, start)
        if i >= len(self.starts):
            return None
        offset = self.before[i]
        if start > self.starts[i]:
            offset += (start - self.starts[i]).total_seconds() / 3600
        target = offset + hours
        j = bisect.bisect_left(self.after, target - 1e-9)
        if j >= len(self.starts):
            return None
        j = max(j, i)
        seconds = round((target - self.before[j]) * 3600)
        return self.starts[j] + datetime.timedelta(seconds=seconds)
