from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupPolicy(SalesFollowupCommon):
    """Key accounts (grade and account manager) need a done follow-up every
    30 days; the tests run the check 60 days from now, so that the customers
    created by the test are older than the period. They count the period in
    calendar days (working days: test_cn_calendar_timers)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(
            "sales_followup.followup_period_calendar_days", "True"
        )

    def _policy(self, today):
        """(customers flagged, reminders created) of the check on ``today``."""
        return self.env["res.partner"]._sf_run_followup_policy(self.company, today)[:2]

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
        flagged, reminded = self._policy(self.today)
        self.assertEqual((flagged, reminded), (0, 0))

    def test_key_accounts_without_follow_up_are_flagged_once_per_period(self):
        day = self._days(60)
        flagged, reminded = self._policy(day)
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
        self.assertEqual(self._policy(day), (3, 0))
        self.assertEqual(self._policy(self._days(75)), (3, 0))
        self.assertEqual(len(self._reminders(self.customer_a)), 1)
        # a period later: reminded again
        self.assertEqual(self._policy(self._days(90)), (3, 3))

    def test_done_activity_on_a_contact_counts(self):
        activity = self.contact_a.activity_schedule(
            "sales_followup.mail_activity_type_phone", user_id=self.sales_a.id
        )
        activity.action_feedback(feedback="已电话沟通")
        self._set_message_date(self.contact_a, self._days(50))
        self._policy(self._days(60))
        self.assertFalse(self.customer_a.sf_followup_overdue)
        self.assertTrue(self.customer_b.sf_followup_overdue)
        # too old by day 81: flagged
        self._policy(self._days(81))
        self.assertTrue(self.customer_a.sf_followup_overdue)

    def test_done_visit_counts_and_clears_the_flag(self):
        self._policy(self._days(60))
        self.assertTrue(self.customer_b.sf_followup_overdue)
        plan = self._plan(self.customer_b, self._at(self._days(55)))
        plan.action_done()
        flagged, reminded = self._policy(self._days(61))
        self.assertEqual((flagged, reminded), (2, 0))
        self.assertFalse(self.customer_b.sf_followup_overdue)

    def test_period_parameter(self):
        self.env["ir.config_parameter"].set_param(
            "sales_followup.followup_period_days", "90"
        )
        self.assertEqual(
            self._policy(self._days(60)),
            (0, 0),
        )

    def test_pipeline_runs_the_step(self):
        self.assertEqual(self._steps(["followup_policy"]), {"followup_policy": 0})
        # 60 days on: 3 flagged, 3 reminded; the next night changes nothing
        self.assertEqual(
            self._steps(["followup_policy"], today=self._days(60)),
            {"followup_policy": 6},
        )
        self.assertEqual(
            self._steps(["followup_policy"], today=self._days(60)),
            {"followup_policy": 0},
        )
        self.assertTrue(self.customer_a.sf_followup_overdue)

    def test_pipeline_policy_reads_the_nights_last_followups(self):
        """In the pipeline the policy reads the last follow-ups of
        key_account's step of the same night (the pool reads them too); a
        night run again for an earlier day does not see later follow-ups."""
        day = self._days(60)
        activity = self.contact_a.activity_schedule(
            "sales_followup.mail_activity_type_phone", user_id=self.sales_a.id
        )
        activity.action_feedback(feedback="已电话沟通")
        self._set_message_date(self.contact_a, day - timedelta(days=2))
        rows = self._steps(["followups", "followup_policy"], today=day)
        self.assertEqual(rows["followups"], 1)
        self.assertEqual(self.customer_a.ka_last_followup_date, day - timedelta(days=2))
        self.assertFalse(self.customer_a.sf_followup_overdue)
        self.assertTrue(self.customer_b.sf_followup_overdue)
        self._steps(["followups", "followup_policy"], today=day - timedelta(days=5))
        self.assertFalse(self.customer_a.ka_last_followup_date)
        self.assertTrue(self.customer_a.sf_followup_overdue)

    def test_activity_done_by_anyone_counts_and_the_kind_is_activity(self):
        """The policy reads key_account's follow-up events: the done activity
        is one of kind 'activity', the done visit one of kind 'visit'."""
        activity = self.customer_b.activity_schedule(
            "sales_followup.mail_activity_type_phone", user_id=self.sales_b.id
        )
        activity.with_user(self.sales_b).action_feedback(feedback="已电话沟通")
        self._plan(
            self.customer_a, self._at(self.today), user_id=self.sales_a.id
        ).action_done()
        self.env.flush_all()
        sql = self.env["key_account.measure"]._followup_events_sql(
            self.company, self.today, self.today
        )
        self.env.cr.execute(
            SQL("SELECT partner_id, user_id, date, kind FROM %s e ORDER BY kind", sql)
        )
        self.assertEqual(
            self.env.cr.fetchall(),
            [
                (self.customer_b.id, self.sales_b.id, self.today, "activity"),
                (self.customer_a.id, self.sales_a.id, self.today, "visit"),
            ],
        )

    def test_done_visit_yesterday_keeps_the_customer_flagless_and_held(self):
        """A customer claimed long ago whose last follow-up is a visit done
        yesterday is neither flagged by the policy check nor recycled into
        the public pool by key_account's step: both read the same events."""
        self.team_east.write(
            {
                "ka_pool_recycle_followup_days": 30,
                "ka_pool_recycle_deal_days": 0,
                "ka_pool_notice_days": 7,
            }
        )
        day = self._days(60)
        long_ago = self._at(self._days(-200))
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = %s, ka_claim_date = %s "
            "WHERE id = ANY(%s)",
            (long_ago, long_ago, (self.customer_a | self.customer_b).ids),
        )
        self.env["res.partner"].invalidate_model(["create_date", "ka_claim_date"])
        # planned three days before, checked in (late) yesterday
        visit = self._plan(
            self.customer_a, self._at(day - timedelta(days=3)), user_id=self.sales_a.id
        )
        visit.sudo().checkin_date = self._at(day - timedelta(days=1))
        visit.action_done()
        self.assertEqual(self._policy(day), (2, 2), "customer_b and customer_west")
        self.assertFalse(self.customer_a.sf_followup_overdue)
        self.assertTrue(self.customer_b.sf_followup_overdue)
        notices, recycled = self.env["key_account.pool"]._run_recycle(self.company, day)
        self.assertEqual(self.customer_a.ka_last_followup_date, day - timedelta(days=1))
        self.assertEqual(self.customer_a.user_id, self.sales_a)
        self.assertFalse(self.customer_a.ka_in_pool)
        # the customer of the same team without follow-up goes back to the pool
        self.assertEqual((notices, recycled), (0, 1))
        self.assertTrue(self.customer_b.ka_in_pool)
