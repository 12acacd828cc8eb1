import re
from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import TicketCommon


class PeriodicCommon(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.grade_sla.as_revisit_interval_days = 30
        cls.grade_none = cls.env["key_account.grade"].create(
            {"name": "无回访等级", "code": "NR"}
        )
        cls.customer_a.email = "service@jiafang.example.com"
        cls.customer_b.write({"ka_grade_id": cls.grade_sla.id, "email": False})
        cls.customer_west.ka_grade_id = cls.grade_none
        cls.mine = cls.customer_a | cls.customer_b | cls.customer_west
        cls.Revisit = cls.env["after_sales.revisit"]
        cls.today = cls.env.company._ka_today()

    def _schedule(self, today=None):
        new = self.Revisit._schedule_periodic(self.env.company, today or self.today)
        return new.filtered(lambda r: r.partner_id in self.mine)


@tagged("post_install", "-at_install")
class TestPeriodicRevisit(PeriodicCommon):
    def test_schedule_by_grade_once(self):
        new = self._schedule()
        self.assertEqual(new.partner_id, self.customer_a | self.customer_b)
        by_partner = {r.partner_id: r for r in new}
        self.assertEqual(by_partner[self.customer_a].method, "link")
        self.assertEqual(by_partner[self.customer_b].method, "phone")
        self.assertEqual(set(new.mapped("origin")), {"periodic"})
        self.assertEqual(set(new.mapped("date_scheduled")), {self.today})
        self.assertEqual(new.grade_id, self.grade_sla)
        # run twice (or the next day): nothing more
        self.assertFalse(self._schedule())
        self.assertFalse(self._schedule(self.today + timedelta(days=1)))
        # once the interval has passed since the planned one, a new one
        later = self._schedule(self.today + timedelta(days=30))
        self.assertEqual(later.partner_id, self.customer_a | self.customer_b)

    def test_only_customers_of_the_company(self):
        """Who gets periodic revisits is key_account's customer of the
        company the step runs for: no supplier, no contact, no customer of
        another company (that company's step plans it, as its revisit)."""
        Partner = self.env["res.partner"]
        supplier = Partner.create(
            {
                "name": "回访供应商有限公司",
                "is_company": True,
                "ka_customer_type": "supplier",
                "ka_grade_id": self.grade_sla.id,
            }
        )
        contact = Partner.create(
            {
                "name": "回访联系人",
                "parent_id": self.customer_a.id,
                "ka_grade_id": self.grade_sla.id,
            }
        )
        other_company = self.env["res.company"].create({"name": "回访测试子公司"})
        theirs = Partner.create(
            {
                "name": "子公司回访客户有限公司",
                "is_company": True,
                "company_id": other_company.id,
                "ka_grade_id": self.grade_sla.id,
            }
        )
        ours = self.Revisit._schedule_periodic(self.env.company, self.today)
        self.assertIn(self.customer_a, ours.partner_id)
        for partner in (supplier, contact, theirs):
            self.assertNotIn(partner, ours.partner_id)
        self.assertEqual(ours.company_id, self.env.company)
        new = self.Revisit._schedule_periodic(other_company, self.today)
        self.assertEqual(new.partner_id, theirs)
        self.assertEqual(new.company_id, other_company)

    def test_last_revisit_counts(self):
        Revisit = self.Revisit.sudo()
        # done 10 days ago: not due; done 40 days ago: due
        Revisit.create(
            {
                "partner_id": self.customer_a.id,
                "date_scheduled": self.today - timedelta(days=12),
                "date_done": self.today - timedelta(days=10),
                "score": 4,
                "state": "done",
            }
        )
        Revisit.create(
            {
                "partner_id": self.customer_b.id,
                "date_scheduled": self.today - timedelta(days=40),
                "date_done": self.today - timedelta(days=40),
                "score": 4,
                "state": "done",
            }
        )
        # a cancelled revisit is no revisit
        Revisit.create(
            {
                "partner_id": self.customer_b.id,
                "date_scheduled": self.today - timedelta(days=1),
                "state": "cancelled",
            }
        )
        self.assertEqual(self._schedule().partner_id, self.customer_b)
        # a revisit planned in the future (after a ticket) also counts
        self.grade_none.as_revisit_interval_days = 10
        Revisit.create(
            {
                "partner_id": self.customer_west.id,
                "date_scheduled": self.today + timedelta(days=3),
            }
        )
        self.assertFalse(self._schedule())

    def test_negative_capacity_is_refused(self):
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"as_revisit_daily_capacity": -5})

    def test_daily_capacity(self):
        """A night plans at most ``after_sales.revisit_daily_capacity``
        revisits: the higher grades first, then the longest without one; the
        others stay due and are planned on the next nights."""
        params = self.env["ir.config_parameter"].sudo()
        params.search([("key", "=", "after_sales.revisit_daily_capacity")]).unlink()
        self.assertEqual(self.Revisit._periodic_capacity(), 200, "the default")
        self.grade_none.write({"as_revisit_interval_days": 30, "sequence": 999})
        self.grade_sla.sequence = 1
        self.Revisit.sudo().create(
            {
                "partner_id": self.customer_b.id,
                "date_scheduled": self.today - timedelta(days=40),
                "date_done": self.today - timedelta(days=40),
                "score": 4,
                "state": "done",
            }
        )
        # every other customer of the test data got its revisit yesterday
        self.Revisit._schedule_periodic(self.env.company, self.today - timedelta(1))
        self.Revisit.search([("partner_id", "in", self.mine.ids)]).filtered(
            lambda r: r.state == "planned"
        ).sudo().unlink()
        self.env["ir.config_parameter"].sudo().set_param(
            "after_sales.revisit_daily_capacity", "1"
        )
        # never revisited (customer_a) before revisited 40 days ago (customer_b)
        self.assertEqual(self._schedule().partner_id, self.customer_a)
        self.assertEqual(self._schedule().partner_id, self.customer_b)
        # the lower grade last
        self.assertEqual(self._schedule().partner_id, self.customer_west)
        self.assertFalse(self._schedule())
        # 0: no limit
        self.env["ir.config_parameter"].sudo().set_param(
            "after_sales.revisit_daily_capacity", "0"
        )
        later = self._schedule(self.today + timedelta(days=60))
        self.assertEqual(later.partner_id, self.mine)

    def test_queries_do_not_grow_with_customers(self):
        # the customers already due are planned first
        self.Revisit._schedule_periodic(self.env.company, self.today)
        queries = {}
        for count in (3, 30):
            customers = self.env["res.partner"].create(
                [
                    {
                        "name": f"回访批量客户{count}-{i}",
                        "is_company": True,
                        "ka_grade_id": self.grade_sla.id,
                    }
                    for i in range(count)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            new = self.Revisit._schedule_periodic(self.env.company, self.today)
            self.env.flush_all()
            queries[count] = self.cr.sql_log_count - before
            self.assertEqual(new.partner_id, customers)
        self.assertEqual(queries[3], queries[30])

    def test_pipeline_step(self):
        """The nightly step plans the revisits, then e-mails the rating links
        of those due; a second run changes nothing."""
        Pipeline = self.env["key_account.pipeline"]
        company = self.env.company
        rows = Pipeline._step_periodic_revisits(company, self.today)
        revisits = self.Revisit.search([("partner_id", "in", self.mine.ids)])
        self.assertGreaterEqual(rows, 3, "two planned, one mailed (at least)")
        self.assertEqual(revisits.partner_id, self.customer_a | self.customer_b)
        link = revisits.filtered(lambda r: r.method == "link")
        self.assertEqual(link.partner_id, self.customer_a)
        self.assertTrue(link.rating_request_date)
        self.assertTrue(link.rating_ids)
        self.assertEqual(Pipeline._step_periodic_revisits(company, self.today), 0)
        self.assertEqual(
            self.Revisit.search_count([("partner_id", "in", self.mine.ids)]), 2
        )

    def test_rating_request_and_low_score(self):
        revisit = self._schedule().filtered(lambda r: r.method == "link")
        revisit.action_send_rating_request()
        message = revisit.message_ids[:1]
        rating = revisit.rating_ids
        self.assertEqual(len(rating), 1)
        self.assertIn(f"/rate/{rating.access_token}/1", message.body)
        self.assertEqual(message.partner_ids, self.customer_a)
        revisit.rating_apply(1, token=rating.access_token, feedback="响应太慢")
        self.assertEqual(revisit.state, "done")
        self.assertEqual(revisit.score, 1)
        self.assertEqual(revisit.comment, "响应太慢")
        activity = revisit.activity_ids
        self.assertEqual(activity.user_id, self.sales_a)

    def test_low_score_threshold_parameter(self):
        revisit = self._schedule().filtered(lambda r: r.method == "link")
        revisit.action_send_rating_request()
        token = revisit.rating_ids.access_token
        revisit.rating_apply(3, token=token)
        self.assertEqual(revisit.score, 3)
        self.assertFalse(revisit.activity_ids)
        self.env["ir.config_parameter"].set_param("after_sales.revisit_low_score", "3")
        other = self.Revisit.sudo().create(
            {
                "partner_id": self.customer_a.id,
                "method": "link",
                "date_scheduled": self.today,
            }
        )
        other.action_send_rating_request()
        other.rating_apply(3, token=other.rating_ids.access_token)
        self.assertEqual(other.activity_ids.user_id, self.sales_a)


@tagged("post_install", "-at_install")
class TestRevisitRatingLink(HttpCase):
    """The customer rates through Odoo's rating pages (/rate/<token>/<score>)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_user = new_test_user(
            cls.env,
            login="as_rating_am",
            name="客户经理",
            groups="key_account.key_account_group_user",
        )
        grade = cls.env["key_account.grade"].create(
            {"name": "链接回访等级", "code": "LR", "as_revisit_interval_days": 60}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "链接回访客户有限公司",
                "is_company": True,
                "email": "rate@lianjie.example.com",
                "ka_grade_id": grade.id,
                "user_id": cls.manager_user.id,
            }
        )

    def test_rate_by_link(self):
        Revisit = self.env["after_sales.revisit"]
        company = self.env.company
        revisit = Revisit._schedule_periodic(company, company._ka_today()).filtered(
            lambda r: r.partner_id == self.customer
        )
        self.assertEqual(revisit.method, "link")
        revisit.action_send_rating_request()
        token = revisit.rating_ids.access_token
        self.env.flush_all()
        page = self.url_open(f"/rate/{token}/1")
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"rate": "1", "feedback": "工程师迟到", "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)
        revisit.invalidate_recordset()
        self.assertEqual(revisit.state, "done")
        self.assertEqual(revisit.score, 1)
        self.assertEqual(revisit.comment, "工程师迟到")
        self.assertEqual(revisit.activity_ids.user_id, self.manager_user)
