from odoo.tests import tagged

from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupPolicy(SalesFollowupCommon):
    """Key accounts (grade and account manager) need a done follow-up every
    30 days; the tests run the check 60 days from now, so that the customers
    created by the test are older than the period."""

    def _reminders(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("mail.mail_activity_data_todo").id,
                ),
            ]
        )

    def _set_message_date(self, partner, day):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET date = %s WHERE model = 'res.partner' "
            "AND res_id = %s AND mail_activity_type_id IS NOT NULL",
            (self._at(day), partner.id),
        )

    def test_new_customers_are_not_due(self):
        flagged, reminded = self.env["res.partner"]._sf_run_followup_policy(
            today=self.today
        )
        self.assertEqual((flagged, reminded), (0, 0))

    def test_key_accounts_without_follow_up_are_flagged_once_per_period(self):
        Partner = self.env["res.partner"]
        day = self._days(60)
        flagged, reminded = Partner._sf_run_followup_policy(today=day)
        # a, b and west have a grade and an account manager; the pool customer not
        self.assertEqual((flagged, reminded), (3, 3))
        self.assertTrue(self.customer_a.sf_followup_overdue)
        self.assertFalse(self.customer_pool.sf_followup_overdue)
        self.assertEqual(self.customer_a.sf_followup_notice_date, day)
        reminder = self._reminders(self.customer_a)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.sales_a)
        self.assertIn("30", reminder.summary)
        # the next nights: still flagged, not reminded again
        self.assertEqual(Partner._sf_run_followup_policy(today=day), (3, 0))
        self.assertEqual(Partner._sf_run_followup_policy(today=self._days(75)), (3, 0))
        self.assertEqual(len(self._reminders(self.customer_a)), 1)
        # a period later: reminded again
        self.assertEqual(Partner._sf_run_followup_policy(today=self._days(90)), (3, 3))

    def test_done_activity_on_a_contact_counts(self):
        Partner = self.env["res.partner"]
        activity = self.contact_a.activity_schedule(
            "sales_followup.mail_activity_type_phone", user_id=self.sales_a.id
        )
        activity.action_feedback(feedback="已电话沟通")
        self._set_message_date(self.contact_a, self._days(50))
        Partner._sf_run_followup_policy(today=self._days(60))
        self.assertFalse(self.customer_a.sf_followup_overdue)
        self.assertTrue(self.customer_b.sf_followup_overdue)
        # too old by day 81: flagged
        Partner._sf_run_followup_policy(today=self._days(81))
        self.assertTrue(self.customer_a.sf_followup_overdue)

    def test_done_visit_counts_and_clears_the_flag(self):
        Partner = self.env["res.partner"]
        Partner._sf_run_followup_policy(today=self._days(60))
        self.assertTrue(self.customer_b.sf_followup_overdue)
        plan = self._plan(self.customer_b, self._at(self._days(55)))
        plan.action_done()
        flagged, reminded = Partner._sf_run_followup_policy(today=self._days(61))
        self.assertEqual((flagged, reminded), (2, 0))
        self.assertFalse(self.customer_b.sf_followup_overdue)

    def test_period_parameter(self):
        self.env["ir.config_parameter"].set_param(
            "sales_followup.followup_period_days", "90"
        )
        self.assertEqual(
            self.env["res.partner"]._sf_run_followup_policy(today=self._days(60)),
            (0, 0),
        )

    def test_cron_runs(self):
        self.env.ref(
            "sales_followup.ir_cron_sales_followup_policy"
        ).method_direct_trigger()
        self.assertFalse(self.customer_a.sf_followup_overdue)
