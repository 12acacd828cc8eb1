from datetime import date, timedelta

from lunardate import LunarDate

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models.sales_followup_care_occasion import occurrences, solar_date
from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestCareReminders(SalesFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Reminder = cls.env["sales_followup.care.reminder"]
        cls.care_type = cls.env.ref("sales_followup.mail_activity_type_care")
        cls.national_day = cls.env.ref("sales_followup.care_occasion_national_day")
        cls.spring = cls.env.ref("sales_followup.care_occasion_spring_festival")
        cls.contact_b = cls.env["res.partner"].create(
            {"name": "李主任", "parent_id": cls.customer_b.id, "type": "contact"}
        )
        cls.pool_contact = cls.env["res.partner"].create(
            {
                "name": "公海联系人",
                "parent_id": cls.customer_pool.id,
                "birthdate_date": date(1980, 3, 12),
            }
        )

    def _activities(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("activity_type_id", "=", self.care_type.id),
            ]
        )

    def _birthdays_only(self):
        self.env["sales_followup.care.occasion"].search([]).active = False

    def test_dates(self):
        self.assertEqual(solar_date(2027, 2, 29), date(2027, 2, 28))
        self.assertEqual(solar_date(2028, 2, 29), date(2028, 2, 29))
        self.assertEqual(solar_date(2027, 1, 1, lunar=True), date(2027, 2, 6))
        # lunar 12/20 of lunar year 2026 falls in January 2027
        when = LunarDate(2026, 12, 20).to_solar_date()
        self.assertEqual(when.year, 2027)
        self.assertEqual(occurrences(12, 20, True, when, when), [when])

    def test_gregorian_birthday_once(self):
        self._birthdays_only()
        self.contact_a.birthdate_date = date(1985, 3, 12)
        self.contact_b.birthdate_date = date(1985, 3, 20)
        today = date(2027, 3, 10)
        self.assertEqual(self.Reminder._run_care_reminders(self.company, today), 1)
        activity = self._activities(self.contact_a)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.sales_a)
        self.assertEqual(activity.date_deadline, date(2027, 3, 12))
        self.assertFalse(self._activities(self.contact_b))
        self.assertFalse(self._activities(self.pool_contact), "no account manager")
        # the next nights: nothing twice
        self.assertEqual(self.Reminder._run_care_reminders(self.company, today), 0)
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, today + timedelta(days=1)),
            0,
        )
        # next year again
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2028, 3, 10)), 1
        )

    def test_leap_day_birthday(self):
        self._birthdays_only()
        self.contact_a.birthdate_date = date(1988, 2, 29)
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2027, 2, 26)), 1
        )
        self.assertEqual(
            self._activities(self.contact_a).date_deadline, date(2027, 2, 28)
        )

    def test_lunar_birthday(self):
        self._birthdays_only()
        when = LunarDate(2027, 8, 15).to_solar_date()
        self.contact_a.write(
            {"birthdate_date": date(1980, 8, 15), "sf_birthday_lunar": True}
        )
        # the same month and day, Gregorian: not due on the lunar date
        self.contact_b.birthdate_date = date(1980, 8, 15)
        today = when - timedelta(days=2)
        self.assertEqual(self.Reminder._run_care_reminders(self.company, today), 1)
        self.assertEqual(self._activities(self.contact_a).date_deadline, when)
        self.assertFalse(self._activities(self.contact_b))

    def test_days_before_parameter(self):
        self._birthdays_only()
        self.env["ir.config_parameter"].set_param(
            "sales_followup.birthday_days_before", "10"
        )
        self.contact_b.birthdate_date = date(1985, 3, 20)
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2027, 3, 10)), 1
        )
        self.assertEqual(self._activities(self.contact_b).user_id, self.sales_b)

    def test_company_anniversary(self):
        self._birthdays_only()
        self.customer_a.sf_anniversary_date = date(2017, 3, 12)
        self.customer_pool.sf_anniversary_date = date(2017, 3, 12)
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2027, 3, 10)), 1
        )
        activity = self._activities(self.customer_a)
        self.assertEqual(activity.user_id, self.sales_a)
        self.assertEqual(activity.date_deadline, date(2027, 3, 12))
        self.assertIn("10", activity.summary)
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2027, 3, 11)), 0
        )
        # not in the founding year itself
        self.customer_b.sf_anniversary_date = date(2027, 3, 13)
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2027, 3, 11)), 0
        )

    def test_national_day_for_every_key_account(self):
        today = date(2027, 9, 28)
        self.assertEqual(self.Reminder._run_care_reminders(self.company, today), 3)
        for partner, user in (
            (self.customer_a, self.sales_a),
            (self.customer_b, self.sales_b),
            (self.customer_west, self.sales_west),
        ):
            activity = self._activities(partner)
            self.assertEqual(activity.user_id, user)
            self.assertEqual(activity.date_deadline, date(2027, 10, 1))
        self.assertFalse(self._activities(self.customer_pool))
        self.assertEqual(self.Reminder._run_care_reminders(self.company, today), 0)
        reminder = self.Reminder.search([("partner_id", "=", self.customer_a.id)])
        self.assertEqual(reminder.occasion_id, self.national_day)
        self.assertEqual(reminder.kind, "occasion")

    def test_lunar_holiday(self):
        # 春节 2027 is 6 February; reminded 7 days before
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2027, 1, 29)), 0
        )
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2027, 1, 30)), 3
        )
        self.assertEqual(
            self._activities(self.customer_a).date_deadline, date(2027, 2, 6)
        )

    def test_archived_holiday_is_skipped(self):
        self.national_day.active = False
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2027, 9, 28)), 0
        )

    def test_occasion_dates_are_checked(self):
        Occasion = self.env["sales_followup.care.occasion"]
        with self.assertRaises(ValidationError):
            Occasion.create({"name": "二月三十", "month": 2, "day": 30})
        with self.assertRaises(ValidationError):
            Occasion.create(
                {"name": "农历三十一", "month": 1, "day": 31, "lunar": True}
            )
        occasion = Occasion.create({"name": "公司周年", "month": 6, "day": 18})
        self.assertEqual(occasion.activity_type_id, self.care_type)
        self.assertTrue(occasion.next_date)
        self.assertEqual(self.spring.with_context(lang="zh_CN").name, "春节")

    def test_salesperson_sees_own_reminders(self):
        self.Reminder._run_care_reminders(self.company, date(2027, 9, 28))
        visible = self.Reminder.with_user(self.sales_a).search([])
        self.assertEqual(visible.commercial_partner_id, self.customer_a)
        leader_sees = self.Reminder.with_user(self.leader).search([])
        self.assertEqual(
            leader_sees.commercial_partner_id, self.customer_a | self.customer_b
        )
        self.assertEqual(len(self.Reminder.with_user(self.manager).search([])), 3)

    def test_pipeline_runs_the_step(self):
        self._birthdays_only()
        self.contact_a.birthdate_date = self.today + timedelta(days=1)
        self.assertEqual(self._steps(["care_reminders"]), {"care_reminders": 1})
        self.assertEqual(len(self._activities(self.contact_a)), 1)
        self.assertEqual(self._steps(["care_reminders"]), {"care_reminders": 0})

    def test_only_the_customers_of_the_company(self):
        self._birthdays_only()
        other = self.env["res.company"].create({"name": "成都分公司"})
        self.customer_b.company_id = other
        self.contact_a.birthdate_date = date(1985, 3, 12)
        self.contact_b.birthdate_date = date(1985, 3, 12)
        day = date(2027, 3, 10)
        self.assertEqual(self.Reminder._run_care_reminders(self.company, day), 1)
        self.assertFalse(self._activities(self.contact_b))
        self.assertEqual(self.Reminder._run_care_reminders(other, day), 1)
        self.assertEqual(self._activities(self.contact_b).user_id, self.sales_b)
