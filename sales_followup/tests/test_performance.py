import logging
from datetime import date

from odoo.tests import tagged

from .common import SalesFollowupCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestCronQueryCounts(SalesFollowupCommon):
    """The nightly runs cost the same number of queries for N and 3N customers."""

    def _customers(self, count, tag):
        users = self.sales_a | self.sales_b
        return self.env["res.partner"].create(
            [
                {
                    "name": f"{tag}性能客户{i:03d}有限公司",
                    "is_company": True,
                    "user_id": users[i % 2].id,
                    "team_id": self.team_east.id,
                    "ka_grade_id": (self.grade_a if i % 3 else self.grade_c).id,
                }
                for i in range(count)
            ]
        )

    def _count(self, fn):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = fn()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before, result

    def _generation_queries(self, count, tag):
        customers = self._customers(count, tag)
        Plan = self.env["sales_followup.visit.plan"]
        # overdue plans of the same customers, to be marked missed
        Plan.create(
            [
                {"partner_id": c.id, "planned_date": self._at(self._days(-3))}
                for c in customers
            ]
        )
        queries, (missed, created) = self._count(
            lambda: Plan._run_generation(today=self.today)
        )
        self.assertEqual(missed, count)
        self.assertGreaterEqual(created, count)
        _again, (_missed, created_again) = self._count(
            lambda: Plan._run_generation(today=self.today)
        )
        self.assertEqual(created_again, 0)
        Plan.search([]).unlink()
        customers.write({"active": False})
        return queries

    def test_generation_queries_do_not_grow(self):
        # warm-up: caches, and the customers of the common set-up planned
        self.env["sales_followup.visit.plan"]._run_generation(today=self.today)
        small = self._generation_queries(20, "甲")
        large = self._generation_queries(60, "乙")
        _logger.info("visit plan generation queries: 20 -> %s, 60 -> %s", small, large)
        self.assertEqual(small, large)

    def _policy_queries(self, count, tag):
        customers = self._customers(count, tag)
        Partner = self.env["res.partner"]
        queries, (flagged, reminded) = self._count(
            lambda: Partner._sf_run_followup_policy(today=self._days(60))
        )
        self.assertGreaterEqual(flagged, count)
        self.assertGreaterEqual(reminded, count)
        self.assertEqual(Partner._sf_run_followup_policy(today=self._days(60))[1], 0)
        self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", customers.ids)]
        ).unlink()
        customers.write({"active": False, "sf_followup_notice_date": False})
        return queries

    def test_policy_queries_do_not_grow(self):
        # warm-up: caches, and the customers of the common set-up reminded
        self.env["res.partner"]._sf_run_followup_policy(today=self._days(60))
        small = self._policy_queries(20, "丙")
        large = self._policy_queries(60, "丁")
        _logger.info("follow-up policy queries: 20 -> %s, 60 -> %s", small, large)
        self.assertEqual(small, large)

    def _care_queries(self, count, tag):
        contacts = self.env["res.partner"].create(
            [
                {
                    "name": f"{tag}联系人{i:03d}",
                    "parent_id": self.customer_a.id,
                    "birthdate_date": "1990-03-12",
                    "sf_birthday_lunar": bool(i % 2),
                }
                for i in range(count)
            ]
        )
        Reminder = self.env["sales_followup.care.reminder"]
        # 12 March 2027 (Gregorian) and lunar 3/12 2027 (7 April)
        day = date(2027, 3, 10)
        queries, created = self._count(lambda: Reminder._run_care_reminders(today=day))
        self.assertEqual(created, count // 2, "the Gregorian ones")
        self.assertEqual(Reminder._run_care_reminders(today=day), 0)
        contacts.write({"active": False})
        return queries

    def test_care_queries_do_not_grow(self):
        self.env["sales_followup.care.occasion"].search([]).active = False
        # warm-up: caches, with one reminder made
        self.contact_a.birthdate_date = date(1990, 3, 12)
        day = date(2027, 3, 10)
        self.assertEqual(
            self.env["sales_followup.care.reminder"]._run_care_reminders(today=day), 1
        )
        small = self._care_queries(20, "戊")
        large = self._care_queries(60, "己")
        _logger.info("care reminder queries: 20 -> %s, 60 -> %s", small, large)
        self.assertEqual(small, large)
