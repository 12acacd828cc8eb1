from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TicketCommon


@tagged("post_install", "-at_install")
class TestServiceFigures(TicketCommon):
    """Tickets, complaints, SLA breaches and satisfaction on the customer,
    from the nightly pipeline; usable in grade and warning rules and in the
    customer analysis."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.env.company._ka_today()
        cls.complaint = cls.env["helpdesk.ticket.category"].create(
            {"name": "投诉", "as_is_complaint": True}
        )
        cls._ticket(cls.customer_a, category_id=cls.complaint.id)
        late = cls._ticket(cls.customer_a)
        late.sudo().write({"as_response_breached": True})
        cls._ticket(cls.customer_b)
        Revisit = cls.env["after_sales.revisit"]
        for score in (4, 2):
            revisit = Revisit.create(
                {"partner_id": cls.customer_a.id, "user_id": cls.as_staff.id}
            )
            revisit.write({"score": score})
            revisit.action_done()

    def _run(self):
        return self.env["key_account.pipeline"]._run(
            companies=self.env.company, today=self.today, codes=["service_figures"]
        )

    def test_figures_on_the_customer(self):
        report = self._run()
        self.assertGreaterEqual(report[0]["rows"], 2)
        a = self.customer_a
        self.assertEqual(
            (
                a.as_ticket_count_12m,
                a.as_complaint_count_12m,
                a.as_sla_breach_count_12m,
                a.as_revisit_count_12m,
            ),
            (2, 1, 1, 2),
        )
        self.assertEqual(a.as_satisfaction, 3.0)
        self.assertEqual(self.customer_b.as_ticket_count_12m, 1)
        self.assertEqual(self.customer_b.as_satisfaction, 0)
        # the same night again changes nothing
        self.assertEqual(self._run()[0]["rows"], 0)

    def test_users_cannot_write_service_figures(self):
        with self.assertRaises(AccessError):
            self.customer_a.with_user(self.sales_a).write({"as_satisfaction": 5})

    def test_usable_in_grade_and_warning_rules(self):
        self._run()
        Rule = self.env["key_account.grade.rule"]
        plan, skipped = Rule._grade_plan(
            self.env.company,
            [(1, self.grade_c.id, "[('as_complaint_count_12m', '>=', 1)]", "投诉")],
        )
        self.assertFalse(skipped)
        self.assertEqual(
            {pid for pid, (_old, _new, key) in plan.items() if key},
            {self.customer_a.id},
        )
        warning_rule = self.env["key_account.warning.rule"].create(
            {
                "name": "满意度低",
                "warning_type": "as_low_satisfaction",
                "threshold": 3.5,
            }
        )
        self.env.cr.execute(warning_rule._matching_sql(self.env.company, self.today))
        self.assertEqual(dict(self.env.cr.fetchall()), {self.customer_a.id: 3.0})
        breaches = warning_rule.copy(
            {"warning_type": "as_sla_breaches", "threshold": 1}
        )
        self.env.cr.execute(breaches._matching_sql(self.env.company, self.today))
        self.assertEqual(list(dict(self.env.cr.fetchall())), [self.customer_a.id])

    def test_satisfaction_in_the_customer_analysis(self):
        groups = self.env["key_account.report"]._read_group(
            [("partner_id", "=", self.customer_a.id), ("satisfaction", "!=", False)],
            [],
            ["satisfaction:avg", "revisit_count:sum"],
        )
        self.assertEqual(groups[0], (3.0, 2))

    def test_step_queries_do_not_grow(self):
        def count():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._run()
            return self.env.cr.sql_log_count - before

        count()
        few = count()
        for i in range(10):
            self._ticket(
                self._ka_customer(f"工单客户{i}", self.sales_a, self.team_east)
            )
        count()
        self.assertEqual(count(), few)
