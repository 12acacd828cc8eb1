from odoo.tests import tagged

from .common import AfterSalesCommon, make_authorization


@tagged("post_install", "-at_install")
class TestExpiryCron(AfterSalesCommon):
    """The authorization step of the nightly pipeline."""

    def _run(self):
        """The step for our company's business day; returns the rows changed."""
        company = self.env.company
        return self.env["key_account.pipeline"]._step_authorization_expiry(
            company, company._ka_today()
        )

    def _activities(self, auths):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "after_sales.authorization"),
                ("res_id", "in", auths.ids),
            ]
        )

    def test_expire_and_remind_once(self):
        soon = make_authorization(
            self.env, self.customer_a, self.licensed, days_left=20
        )
        later = make_authorization(
            self.env, self.customer_b, self.licensed, days_left=60
        )
        past = make_authorization(
            self.env, self.customer_a, self.licensed, days_left=-1
        )
        pool = make_authorization(
            self.env, self.customer_pool, self.licensed, days_left=5
        )
        # expired one, reminded two (one without account manager)
        self.assertEqual(self._run(), 3)
        self.assertEqual(past.state, "expired")
        self.assertEqual((soon.state, later.state), ("active", "active"))
        # the change is in the key's chatter
        note = self.env["mail.message"].search(
            [("model", "=", past._name), ("res_id", "=", past.id)]
        )
        self.assertEqual(len(note.filtered(lambda m: "Expired" in m.body)), 1)
        activities = self._activities(soon | later | past | pool)
        self.assertEqual(activities.mapped("res_id"), soon.ids)
        self.assertEqual(activities.user_id, self.sales_a)
        self.assertEqual(activities.date_deadline, soon.date_end)
        self.assertTrue(soon.reminder_date)
        self.assertTrue(pool.reminder_date)  # no account manager: nobody to remind
        self.assertEqual(self._run(), 0, "a second run changes nothing")
        self.assertEqual(len(self._activities(soon | later | past | pool)), 1)
        # A longer notice reaches the other one, once.
        self.env["ir.config_parameter"].set_param(
            "after_sales.expiry_reminder_days", "90"
        )
        self.assertEqual(self._run(), 1)
        self.assertEqual(self._run(), 0)
        self.assertEqual(
            sorted(self._activities(soon | later).mapped("res_id")),
            sorted((soon | later).ids),
        )

    def test_renewed_key_reminded_again(self):
        soon = make_authorization(self.env, self.customer_a, self.licensed, days_left=3)
        self._run()
        new = soon._renew(months=1)
        self.env["ir.config_parameter"].set_param(
            "after_sales.expiry_reminder_days", "400"
        )
        self._run()
        self.assertEqual(len(self._activities(new)), 1)
        self.assertEqual(len(self._activities(soon)), 1)


@tagged("post_install", "-at_install")
class TestExpiryCronPerformance(AfterSalesCommon):
    def _run(self):
        company = self.env.company
        return self.env["key_account.pipeline"]._step_authorization_expiry(
            company, company._ka_today()
        )

    def _batch(self, size):
        auths = self.env["after_sales.authorization"]
        for i in range(size):
            customer = (self.customer_a, self.customer_b, self.customer_west)[i % 3]
            auths |= make_authorization(self.env, customer, self.licensed, days_left=10)
            auths |= make_authorization(self.env, customer, self.licensed, days_left=-3)
        return auths

    def _count_queries(self, size):
        auths = self._batch(size)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self._run()
        self.env.flush_all()
        count = self.env.cr.sql_log_count - before
        self.assertEqual(set(auths.mapped("state")), {"active", "expired"})
        return count

    def test_query_count_constant(self):
        self._count_queries(3)  # warm the caches
        small = self._count_queries(3)
        big = self._count_queries(30)
        self.assertLessEqual(big, small + 2, f"{small} queries for 6, {big} for 60")

    def test_expiry_notice_to_customer(self):
        self.customer_a.email = "it@jiafang.example.com"
        soon = make_authorization(
            self.env, self.customer_a, self.licensed, days_left=20
        )
        no_mail = make_authorization(
            self.env, self.customer_b, self.licensed, days_left=20
        )
        Mail = self.env["mail.mail"]
        domain = [("model", "=", "after_sales.authorization")]
        # off by default: only the account manager is reminded
        self._run()
        self.assertFalse(Mail.search(domain + [("res_id", "in", soon.ids)]))
        (soon | no_mail).reminder_date = False
        self.env["ir.config_parameter"].set_param(
            "after_sales.expiry_notice_customer", "1"
        )
        self._run()
        mails = Mail.search(domain + [("res_id", "in", (soon | no_mail).ids)])
        self.assertEqual(mails.mapped("res_id"), soon.ids)
        self.assertIn(self.licensed.name, mails.subject)
        self.assertIn(str(soon.date_end), mails.body_html)
        self.assertEqual(mails.recipient_ids, self.customer_a)
        # run again: no second notice
        self._run()
        self.assertEqual(Mail.search_count(domain + [("res_id", "in", soon.ids)]), 1)

    def test_expiry_notice_button(self):
        self.customer_a.email = "it@jiafang.example.com"
        auth = make_authorization(self.env, self.customer_a, self.licensed)
        auth.with_user(self.as_manager).action_send_expiry_notice()
        message = auth.message_ids[:1]
        self.assertIn(self.licensed.name, message.subject)
        self.assertIn(self.customer_a, message.partner_ids)
