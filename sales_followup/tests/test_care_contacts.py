from datetime import date

from odoo.tests import tagged

from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestCareGreetingContacts(SalesFollowupCommon):
    """Holiday greetings to a company go to its primary and decision-making
    contacts, not to the company's address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Reminder = cls.env["sales_followup.care.reminder"]
        cls.Mail = cls.env["mail.mail"]
        cls.env["res.lang"]._activate_lang("zh_CN")
        national_day = cls.env.ref("sales_followup.care_occasion_national_day")
        cls.env["sales_followup.care.occasion"].search(
            [("id", "!=", national_day.id)]
        ).active = False
        national_day.send_greeting = True
        cls.customer_a.write({"email": "jiafang@example.com", "lang": "zh_CN"})
        cls.contact_a.write(
            {"email": "wang@example.com", "ka_is_primary_contact": True}
        )
        Partner = cls.env["res.partner"]
        cls.boss = Partner.create(
            {
                "name": "赵总",
                "parent_id": cls.customer_a.id,
                "type": "contact",
                "email": "zhao@example.com",
                "ka_decision_role": "decision_maker",
            }
        )
        cls.clerk = Partner.create(
            {
                "name": "钱助理",
                "parent_id": cls.customer_a.id,
                "type": "contact",
                "email": "qian@example.com",
                "ka_decision_role": "user",
            }
        )
        # customer_west has no such contact: its own address
        cls.customer_west.email = "chengdu@example.com"

    def _greetings(self, partner):
        return self.Mail.search([("recipient_ids", "in", partner.ids)])

    def test_greetings_to_primary_and_decision_makers(self):
        self.Reminder._run_care_reminders(self.company, date(2028, 9, 28))
        self.assertEqual(len(self._greetings(self.contact_a)), 1)
        self.assertEqual(len(self._greetings(self.boss)), 1)
        self.assertFalse(self._greetings(self.clerk))
        self.assertFalse(self._greetings(self.customer_a), "not the company address")
        self.assertEqual(len(self._greetings(self.customer_west)), 1)
