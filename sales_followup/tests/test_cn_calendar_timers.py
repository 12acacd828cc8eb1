from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestCnCalendarTimers(SalesFollowupCommon):
    """The follow-up policy and the festival care reminders on the Chinese
    holiday calendar (2026 from the chinesecalendar package)."""

    def test_festival_days_come_from_the_holiday_calendar(self):
        spring = self.env.ref("sales_followup.care_occasion_spring_festival")
        mid_autumn = self.env.ref("sales_followup.care_occasion_mid_autumn")
        national = self.env.ref("sales_followup.care_occasion_national_day")
        dragon = self.env.ref("sales_followup.care_occasion_dragon_boat")
        self.assertEqual(spring.cn_festival, "spring")
        # the first day of each festival's statutory holidays in 2026
        year = (date(2026, 1, 1), date(2026, 12, 31))
        self.assertEqual(spring._occurrences(*year), [date(2026, 2, 15)])
        self.assertEqual(dragon._occurrences(*year), [date(2026, 6, 19)])
        self.assertEqual(mid_autumn._occurrences(*year), [date(2026, 9, 25)])
        self.assertEqual(national._occurrences(*year), [date(2026, 10, 1)])
        # a year without holiday data: the lunar date (中秋 2031: 1 October)
        self.assertEqual(
            mid_autumn._occurrences(date(2031, 1, 1), date(2031, 12, 31)),
            [date(2031, 10, 1)],
        )
        # the reminder comes before the break: 5 days before 25 September
        due = self.env["sales_followup.care.reminder"]._care_holidays(
            self.company, date(2026, 9, 20)
        )
        self.assertIn(
            (mid_autumn.id, date(2026, 9, 25)),
            {(row["occasion_id"], row["occasion_date"]) for row in due},
        )

    def _policy(self, today):
        return self.env["res.partner"]._sf_run_followup_policy(self.company, today)

    def test_followup_period_in_working_days(self):
        """Friday 9 October 2026, a 5-day period: in working days it began on
        Thursday 24 September (8 and 9 October, 28-30 September, 24
        September; the Mid-Autumn and National Day holidays skipped); in
        calendar days on 4 October."""
        self.env["ir.config_parameter"].set_param(
            "sales_followup.followup_period_days", "5"
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = '2026-01-05' WHERE id IN %s",
            (tuple((self.customer_a | self.customer_b | self.customer_west).ids),),
        )
        self.env.invalidate_all()
        activity = self.customer_a.activity_schedule(
            "sales_followup.mail_activity_type_phone", user_id=self.sales_a.id
        )
        activity.action_feedback(feedback="已电话沟通")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET date = %s WHERE model = 'res.partner' "
            "AND res_id = %s AND mail_activity_type_id IS NOT NULL",
            (datetime(2026, 9, 28, 3, 0), self.customer_a.id),
        )
        friday = date(2026, 10, 9)
        self._policy(friday)
        self.assertFalse(self.customer_a.sf_followup_overdue)
        self.assertTrue(self.customer_b.sf_followup_overdue)
        reminder = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer_b.id)]
        )
        self.assertIn("5", reminder.summary)
        self.assertIn("working days", reminder.summary)
        # in calendar days the call of 28 September is too old
        self.env["ir.config_parameter"].set_param(
            "sales_followup.followup_period_calendar_days", "True"
        )
        self._policy(friday)
        self.assertTrue(self.customer_a.sf_followup_overdue)


@tagged("post_install", "-at_install")
class TestCnCalendarCounts(SalesFollowupCommon):
    def test_kpi_working_days(self):
        target = self.env["sales_followup.kpi.target"].create(
            {
                "user_id": self.sales_a.id,
                "period_type": "month",
                "period_start": date(2026, 10, 15),
            }
        )
        # October 2026: 22 weekdays, less 1, 2, 5, 6 and 7 October (National
        # Day), plus the make-up Saturday 10 October
        self.assertEqual(target.working_days, 18)
        with freeze_time("2026-10-12 04:00:00"):  # Monday 12 October, Beijing
            target.invalidate_recordset(["working_days_elapsed", "time_progress"])
            # 8, 9, 10 and 12 October
            self.assertEqual(target.working_days_elapsed, 4)
            self.assertAlmostEqual(target.time_progress, 100 * 4 / 18)

    def test_activity_reminders_in_working_days(self):
        Activity = self.env["mail.activity"]
        phone = self.env.ref("sales_followup.mail_activity_type_phone")
        phone.sf_reminder_days = 1
        Activity.search([("date_deadline", ">=", date(2026, 9, 30))]).unlink()
        activity = Activity.create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.customer_a.id,
                "activity_type_id": phone.id,
                "user_id": self.sales_a.id,
                "date_deadline": date(2026, 10, 8),
                "summary": "节后回访",
            }
        )
        # calendar days: 1 day before 8 October is 7 October, a holiday
        self.env["ir.config_parameter"].set_param(
            "sales_followup.activity_reminder_calendar_days", "True"
        )
        Activity._run_sf_activity_reminders(self.company, date(2026, 9, 30))
        self.assertFalse(activity.sf_reminded)
        # working days: the last working day before it, 30 September
        self.env["ir.config_parameter"].set_param(
            "sales_followup.activity_reminder_calendar_days", "False"
        )
        self.assertEqual(
            Activity._run_sf_activity_reminders(self.company, date(2026, 9, 30)), 1
        )
        self.assertTrue(activity.sf_reminded)

    def test_visit_calendar_greys_the_holidays(self):
        Plan = self.env["sales_followup.visit.plan"].with_user(self.sales_a)
        days = Plan.get_unusual_days("2026-09-28", "2026-10-11")
        self.assertTrue(days["2026-10-01"])  # National Day
        self.assertTrue(days["2026-10-04"])  # Sunday
        self.assertFalse(days["2026-10-09"])
        self.assertFalse(days["2026-10-10"])  # make-up Saturday
        self.assertFalse(days["2026-09-30"])

    def test_visit_calendar_days_for_key_account_users_only(self):
        """A public method (Odoo's calendar view calls it over RPC): a portal
        user or an employee outside key-account management is refused."""
        portal = new_test_user(
            self.env, login="sf_cal_portal", groups="base.group_portal"
        )
        employee = new_test_user(
            self.env, login="sf_cal_employee", groups="base.group_user"
        )
        for user in (portal, employee):
            with self.assertRaises(AccessError):
                self.env["sales_followup.visit.plan"].with_user(user).get_unusual_days(
                    "2026-09-28", "2026-10-11"
                )

    def test_visit_calendar_days_refuse_bad_or_huge_ranges(self):
        """Bad dates, or a range no calendar view asks for (a century of
        days computed for one call), get a clear error, not a traceback."""
        Plan = self.env["sales_followup.visit.plan"].with_user(self.sales_a)
        for date_from, date_to in (
            ("not a date", None),
            ("2026-10-11", "2026-09-28"),
            ("1900-01-01", "2100-12-31"),
        ):
            with self.assertRaises(UserError):
                Plan.get_unusual_days(date_from, date_to)
        self.assertIn("2026-10-01", Plan.get_unusual_days("2026-09-28", "2026-10-11"))
