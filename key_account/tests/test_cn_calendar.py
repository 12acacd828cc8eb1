from datetime import date, datetime

from pytz import utc

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.base.tests.common import BaseCommon

from ..lib import cn_holidays


class CnCalendarCommon(BaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.Year = cls.env["key_account.cn.holiday.year"]
        attendances = [
            (
                0,
                0,
                {
                    "name": f"{day} {period}",
                    "dayofweek": str(day),
                    "hour_from": start,
                    "hour_to": stop,
                    "day_period": period,
                },
            )
            for day in range(5)
            for start, stop, period in ((8, 12, "morning"), (13, 17, "afternoon"))
        ]
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "北京 标准工时",
                "tz": "Asia/Shanghai",
                "company_id": cls.env.company.id,
                "attendance_ids": attendances,
            }
        )
        cls.plain = cls.calendar.copy({"name": "无节假日", "ka_cn_holidays": False})
        cls.env.company.resource_calendar_id = cls.calendar


@tagged("post_install", "-at_install")
class TestCnHolidayData(CnCalendarCommon):
    def test_package_knows_2026_national_day(self):
        """The chinesecalendar package's 2026 notice, loaded at install."""
        self.assertIn(2026, cn_holidays.package_years())
        year = self.Year.search([("year", "=", 2026)])
        self.assertEqual(year.source, "package")
        self.assertFalse(year.missing)
        holidays, workdays, known = self.Year._ka_year_days(2026)
        self.assertTrue(known)
        for day in range(1, 8):
            self.assertIn(date(2026, 10, day), holidays)
        for day in (25, 26, 27):
            self.assertIn(date(2026, 9, day), holidays)
        self.assertIn(date(2026, 9, 20), workdays)  # a Sunday
        self.assertIn(date(2026, 10, 10), workdays)  # a Saturday
        national = self.Year._ka_festival_days(2026, "national")
        self.assertEqual(national[0], date(2026, 10, 1))
        self.assertEqual(
            self.Year._ka_festival_days(2026, "mid_autumn")[0], date(2026, 9, 25)
        )

    def test_calendar_default_follows_country(self):
        self.assertTrue(self.calendar.ka_cn_holidays)
        company_be = self.env["res.company"].create(
            {"name": "比利时子公司", "country_id": self.env.ref("base.be").id}
        )
        calendar_be = self.env["resource.calendar"].create(
            {"name": "Brussels", "company_id": company_be.id}
        )
        self.assertFalse(calendar_be.ka_cn_holidays)

    def test_year_entered_by_hand(self):
        """A year the package does not know: flagged to the managers once,
        then entered by hand and used."""
        manager = new_test_user(
            self.env, login="cn_cal_mgr", groups="key_account.key_account_group_manager"
        )
        self.assertNotIn(2031, cn_holidays.package_years())
        flagged = self.Year._ka_flag_missing_years(date(2031, 11, 5))
        self.assertEqual(flagged, 2)  # 2031 and, from November, 2032
        year = self.Year.search([("year", "=", 2031)])
        self.assertTrue(year.missing)
        self.assertEqual(len(year.activity_ids), 1)
        self.assertEqual(self.Year._ka_flag_missing_years(date(2031, 11, 6)), 0)
        self.assertEqual(len(year.activity_ids), 1)
        # ordinary weeks meanwhile, never a silent holiday
        self.assertTrue(self.env.company._ka_is_working_day(date(2031, 10, 1)))
        # the State Council notice of 2031, entered by a manager
        year.with_user(manager).write(
            {
                "day_ids": [
                    (
                        0,
                        0,
                        {
                            "date": date(2031, 10, d),
                            "kind": "holiday",
                            "festival": "national",
                        },
                    )
                    for d in range(1, 8)
                ]
                + [
                    (
                        0,
                        0,
                        {
                            "date": date(2031, 9, 28),
                            "kind": "workday",
                            "festival": "national",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "date": date(2031, 10, 11),
                            "kind": "workday",
                            "festival": "national",
                        },
                    ),
                ],
                "note": "国务院办公厅关于2031年部分节假日安排的通知",
            }
        )
        self.assertFalse(year.missing)
        self.assertEqual((year.holiday_count, year.workday_count), (7, 2))
        company = self.env.company
        self.assertFalse(company._ka_is_working_day(date(2031, 10, 1)))
        self.assertTrue(company._ka_is_working_day(date(2031, 9, 28)))  # Sunday
        self.assertEqual(
            company._ka_add_working_days(date(2031, 9, 30), 1), date(2031, 10, 8)
        )
        # Odoo's own caller: Tuesday 30 September 9:00 + 16 h -> Thursday 9 October
        self.assertEqual(
            self.calendar.plan_hours(16, datetime(2031, 9, 30, 1, 0)),
            datetime(2031, 10, 9, 1, 0),
        )


@tagged("post_install", "-at_install")
class TestWorkingTime(CnCalendarCommon):
    """2026: 25-27 September (Mid-Autumn) and 1-7 October (National Day) off,
    Sunday 20 September and Saturday 10 October worked."""

    def test_plan_hours_across_national_day(self):
        # Wednesday 30 September 9:00 Beijing (1:00 UTC), 24 working hours:
        # 7 h on the 30th, 8 h on Thursday 8 and Friday 9 October, 1 h on
        # the make-up Saturday 10 October -> 9:00 on the 10th
        start = datetime(2026, 9, 30, 1, 0)
        self.assertEqual(
            self.calendar.plan_hours(24, start), datetime(2026, 10, 10, 1, 0)
        )
        # the same calendar without the Chinese holidays: Monday 5 October 9:00
        self.assertEqual(self.plain.plan_hours(24, start), datetime(2026, 10, 5, 1, 0))
        # and with Odoo's leaves computation on
        self.assertEqual(
            self.calendar.plan_hours(24, start, compute_leaves=True),
            datetime(2026, 10, 10, 1, 0),
        )
        # backwards: 8 h before Thursday 8 October 9:00 -> Wednesday 30
        # September 9:00 (1 h on the 8th, 7 h on the 30th)
        self.assertEqual(
            self.calendar.plan_hours(-8, datetime(2026, 10, 8, 1, 0)),
            datetime(2026, 9, 30, 1, 0),
        )

    def test_plan_days_and_hours_count(self):
        # three working days from Wednesday 30 September: the 30th, 8 and 9 October
        self.assertEqual(
            self.calendar.plan_days(3, datetime(2026, 9, 30, 1, 0)),
            datetime(2026, 10, 9, 4, 0),  # Odoo: the end of the day's first interval
        )
        # 19 September to 10 October (Beijing): 20 Sep 8 h, 21-24 Sep 32 h,
        # 28-30 Sep 24 h, 8-9 Oct 16 h, 10 Oct 8 h
        start, stop = datetime(2026, 9, 18, 16, 0), datetime(2026, 10, 10, 16, 0)
        self.assertEqual(self.calendar.get_work_hours_count(start, stop), 88.0)
        self.assertEqual(self.plain.get_work_hours_count(start, stop), 120.0)
        data = self.calendar.get_work_duration_data(start, stop)
        self.assertEqual(data["days"], 11)
        unusual = self.calendar._get_unusual_days(start, stop)
        self.assertTrue(unusual["2026-10-01"])
        self.assertFalse(unusual["2026-10-10"])
        self.assertFalse(unusual["2026-09-20"])

    def test_makeup_day_takes_monday_hours(self):
        intervals = self.calendar._attendance_intervals_batch(
            datetime(2026, 10, 9, 16, 0, tzinfo=utc),
            datetime(2026, 10, 10, 16, 0, tzinfo=utc),
        )[False]
        hours = [(s.hour, e.hour) for s, e, _meta in intervals]
        self.assertEqual(hours, [(8, 12), (13, 17)])
        self.assertEqual(intervals._items[0][2].dayofweek, "0")

    def test_company_working_day_helpers(self):
        company = self.env.company
        self.assertFalse(company._ka_is_working_day(date(2026, 10, 1)))
        self.assertFalse(
            company._ka_is_working_day(date(2026, 9, 25))
        )  # Friday, Mid-Autumn
        self.assertTrue(
            company._ka_is_working_day(date(2026, 9, 20))
        )  # Sunday, make-up
        self.assertTrue(
            company._ka_is_working_day(date(2026, 10, 10))
        )  # Saturday, make-up
        self.assertFalse(company._ka_is_working_day(date(2026, 10, 11)))  # Sunday
        self.assertEqual(
            company._ka_add_working_days(date(2026, 9, 30), 1), date(2026, 10, 8)
        )
        self.assertEqual(
            company._ka_add_working_days(date(2026, 10, 8), -1), date(2026, 9, 30)
        )
        self.assertEqual(
            company._ka_add_working_days(date(2026, 10, 3), 0), date(2026, 10, 8)
        )
        self.assertEqual(
            company._ka_add_working_days(date(2026, 9, 30), 0), date(2026, 9, 30)
        )
        self.assertEqual(
            company._ka_working_days_between(date(2026, 9, 30), date(2026, 10, 10)), 3
        )
        self.assertEqual(
            company._ka_working_days_between(date(2026, 10, 10), date(2026, 9, 30)), -3
        )
        self.assertEqual(
            company._ka_shift_days(date(2026, 9, 30), 5, False), date(2026, 10, 5)
        )
        self.assertEqual(
            company._ka_shift_days(date(2026, 9, 30), 5, True), date(2026, 10, 13)
        )
        # no query once the year is loaded
        with self.assertQueryCount(0):
            for offset in range(60):
                company._ka_is_working_day(
                    date(2026, 9, 1).replace(day=1 + offset % 28)
                )

    def test_batch_planning_matches_plan_hours(self):
        starts = [
            datetime(2026, 9, 24, 1, 0),  # Thursday before Mid-Autumn
            datetime(2026, 9, 25, 3, 30),  # on the holiday
            datetime(2026, 9, 19, 2, 0),  # Saturday before the make-up Sunday
            datetime(2026, 9, 30, 8, 59),  # the last minutes before National Day
            datetime(2026, 10, 4, 12, 0),
            datetime(2026, 10, 9, 9, 0),  # Friday 17:00: the next day is worked
        ]
        requests = [(start, hours) for start in starts for hours in (0.5, 4, 8, 24, 72)]
        planned = self.calendar._ka_plan_hours_batch(requests)
        for (start, hours), deadline in zip(requests, planned, strict=True):
            expected = self.calendar.plan_hours(hours, start)
            self.assertLess(
                abs((deadline - expected).total_seconds()), 1, (start, hours)
            )

    def test_editing_a_day_reaches_the_calendar(self):
        start = datetime(2026, 10, 9, 1, 0)  # Friday 9 October 9:00
        self.assertEqual(
            self.calendar.plan_hours(15, start), datetime(2026, 10, 10, 9, 0)
        )
        makeup = self.env["key_account.cn.holiday"].search(
            [("date", "=", date(2026, 10, 10))]
        )
        makeup.unlink()
        # 7 h on Friday and 8 h on the make-up Saturday, else Monday 17:00
        self.assertEqual(
            self.calendar.plan_hours(15, start), datetime(2026, 10, 12, 9, 0)
        )


@tagged("post_install", "-at_install")
class TestCnCalendarAccess(CnCalendarCommon):
    def test_salesperson_reads_but_cannot_edit(self):
        sales = new_test_user(
            self.env, login="cn_cal_sales", groups="key_account.key_account_group_user"
        )
        year = self.Year.search([("year", "=", 2026)]).with_user(sales)
        self.assertEqual(year.read(["year"])[0]["year"], 2026)
        self.assertTrue(year.day_ids.read(["date", "kind"]))
        with self.assertRaises(AccessError):
            year.write({"note": "改"})
        with self.assertRaises(AccessError):
            year.day_ids[:1].write({"kind": "workday"})
        with self.assertRaises(AccessError):
            self.Year.with_user(sales).create({"year": 2150})
        with self.assertRaises(AccessError):
            year.day_ids[:1].unlink()
        with self.assertRaises(AccessError):
            year.action_load_from_package()

    def test_manager_reloads_from_package(self):
        manager = new_test_user(
            self.env,
            login="cn_cal_mgr2",
            groups="key_account.key_account_group_manager",
        )
        year = self.Year.search([("year", "=", 2026)])
        year.day_ids.filtered(lambda d: d.date == date(2026, 10, 10)).unlink()
        year.with_user(manager).action_load_from_package()
        self.assertIn(date(2026, 10, 10), self.Year._ka_year_days(2026)[1])
        self.assertEqual(year.workday_count, 6)
