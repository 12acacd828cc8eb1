from datetime import date, timedelta

from odoo.tests import tagged

from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestActivityReminders(SalesFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Activity = cls.env["mail.activity"]
        cls.phone = cls.env.ref("sales_followup.mail_activity_type_phone")
        cls.phone.sf_reminder_days = 1
        cls.no_reminder = cls.env["mail.activity.type"].create(
            {"name": "无提醒跟进", "sf_reminder_days": 0}
        )
        cls.day = date(2027, 5, 10)
        # only our activities are due in the tests' window
        cls.Activity.search([("date_deadline", ">=", cls.day)]).unlink()

    def _activity(self, user, deadline, activity_type=None):
        return self.Activity.create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.customer_a.id,
                "activity_type_id": (activity_type or self.phone).id,
                "user_id": user.id,
                "date_deadline": deadline,
                "summary": "回访客户",
            }
        )

    def _reminders(self, user):
        return self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", user.partner_id.ids),
                ("subject", "!=", False),
            ]
        )

    def test_reminded_once(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.sales_a.lang = "zh_CN"
        due = self._activity(self.sales_a, self.day + timedelta(days=1))
        today = self._activity(self.sales_a, self.day)
        later = self._activity(self.sales_a, self.day + timedelta(days=2))
        past = self._activity(self.sales_a, self.day - timedelta(days=1))
        silent = self._activity(self.sales_a, self.day, self.no_reminder)
        before = self._reminders(self.sales_a)
        self.assertEqual(
            self.Activity._run_sf_activity_reminders(self.company, self.day), 2
        )
        self.assertTrue(due.sf_reminded)
        self.assertTrue(today.sf_reminded)
        self.assertFalse(later.sf_reminded)
        self.assertFalse(past.sf_reminded)
        self.assertFalse(silent.sf_reminded)
        message = self._reminders(self.sales_a) - before
        self.assertEqual(len(message), 1)
        self.assertIn("回访客户", message.body)
        self.assertEqual(message.partner_ids, self.sales_a.partner_id)
        self.assertIn("跟进提醒", message.subject)
        # twice: nothing new
        self.assertEqual(
            self.Activity._run_sf_activity_reminders(self.company, self.day), 0
        )
        self.assertEqual(self._reminders(self.sales_a) - before, message)
        # the next day, the later one is in its window
        next_day = self.day + timedelta(days=1)
        self.assertEqual(
            self.Activity._run_sf_activity_reminders(self.company, next_day), 1
        )
        self.assertTrue(later.sf_reminded)

    def _count_run(self, n, today):
        for i in range(n):
            user = self.sales_a if i % 2 else self.sales_b
            self._activity(user, today + timedelta(days=1))
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        self.assertEqual(
            self.Activity._run_sf_activity_reminders(self.company, today), n
        )
        return self.env.cr.sql_log_count - start

    def test_query_count(self):
        self._count_run(2, self.day)  # warm the caches
        five = self._count_run(5, self.day + timedelta(days=5))
        twenty = self._count_run(20, self.day + timedelta(days=10))
        self.assertEqual(five, twenty)


@tagged("post_install", "-at_install")
class TestCareGreetings(SalesFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Reminder = cls.env["sales_followup.care.reminder"]
        cls.Mail = cls.env["mail.mail"]
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.national_day = cls.env.ref("sales_followup.care_occasion_national_day")
        cls.env["sales_followup.care.occasion"].search(
            [("id", "!=", cls.national_day.id)]
        ).active = False
        cls.contact_a.write(
            {
                "email": "wang@example.com",
                "lang": "zh_CN",
                "birthdate_date": date(1985, 3, 12),
            }
        )
        cls.contact_b = cls.env["res.partner"].create(
            {
                "name": "李主任",
                "parent_id": cls.customer_b.id,
                "type": "contact",
                "birthdate_date": date(1985, 3, 12),
                "lang": "zh_CN",
            }
        )
        cls.customer_a.write({"email": "jiafang@example.com", "lang": "zh_CN"})
        cls.customer_b.write({"email": False})

    def _greetings(self, partner):
        return self.Mail.search([("recipient_ids", "in", partner.ids)])

    def test_birthday_greeting_once(self):
        self.env["ir.config_parameter"].set_param(
            "sales_followup.birthday_greeting", "True"
        )
        today = date(2027, 3, 10)
        self.assertEqual(self.Reminder._run_care_reminders(self.company, today), 2)
        mail = self._greetings(self.contact_a)
        self.assertEqual(len(mail), 1)
        self.assertIn("生日快乐", mail.subject)
        self.assertIn(self.contact_a.name, mail.subject)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.scheduled_date.date(), date(2027, 3, 12))
        self.assertFalse(self._greetings(self.contact_b), "no e-mail address")
        # the next nights: no second greeting
        self.assertEqual(self.Reminder._run_care_reminders(self.company, today), 0)
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, today + timedelta(days=1)),
            0,
        )
        self.assertEqual(self._greetings(self.contact_a), mail)

    def test_birthday_without_option(self):
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2027, 3, 10)), 2
        )
        self.assertFalse(self._greetings(self.contact_a))

    def test_holiday_greeting(self):
        today = date(2027, 9, 28)
        self.assertEqual(self.Reminder._run_care_reminders(self.company, today), 3)
        self.assertFalse(self._greetings(self.customer_a), "option off")
        self.national_day.send_greeting = True
        self.assertTrue(self.national_day.greeting_template_id)
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2028, 9, 28)), 3
        )
        mail = self._greetings(self.customer_a)
        self.assertEqual(len(mail), 1)
        self.assertIn("节日", mail.subject)
        self.assertFalse(self._greetings(self.customer_b), "no e-mail address")
        self.assertEqual(
            self.Reminder._run_care_reminders(self.company, date(2028, 9, 29)), 0
        )
        self.assertEqual(self._greetings(self.customer_a), mail)
