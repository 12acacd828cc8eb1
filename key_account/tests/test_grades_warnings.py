from datetime import date, timedelta
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KeyAccountCommon

TODAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestGradesAndWarnings(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # our own rules only
        cls.env["key_account.grade.rule"].search([]).active = False
        cls.env["key_account.warning.rule"].search([]).active = False
        Rule = cls.env["key_account.grade.rule"]
        cls.rule_a = Rule.create(
            {
                "name": "大于五万",
                "sequence": 1,
                "grade_id": cls.grade_a.id,
                "domain": "[('ka_revenue_12m', '>=', 50000)]",
            }
        )
        cls.rule_c = Rule.create(
            {"name": "其余", "sequence": 5, "grade_id": cls.grade_c.id, "domain": "[]"}
        )
        cls._ka_invoice(cls.customer_a, TODAY - timedelta(days=3), 80000)
        cls._ka_invoice(cls.customer_b, TODAY - timedelta(days=3), 1000)
        cls._ka_invoice(cls.customer_b, TODAY - timedelta(days=500), 9000)

    def _refresh(self):
        refresh = self.env["key_account.refresh"]
        refresh._refresh_figures(self.env.company, TODAY)
        self.env["key_account.grade.rule"]._apply_rules(self.env.company, TODAY)

    def test_first_matching_rule_wins_and_history_is_kept(self):
        self._refresh()
        self.assertEqual(self.customer_a.ka_grade_id, self.grade_a)
        self.assertEqual(self.customer_b.ka_grade_id, self.grade_c)
        history = self.customer_a.ka_grade_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(history.rule_id, self.rule_a)
        self.assertEqual(history.direction, "new")
        # the source is a code, shown in each reader's language
        self.assertEqual(history.source, "rule")
        self.assertFalse(history.reason)
        labels = dict(
            history._fields["source"]._description_selection(
                self.env(context={"lang": "zh_CN"})
            )
        )
        self.assertEqual(labels["rule"], "等级规则")
        # running again changes nothing and records nothing
        self.env["key_account.grade.rule"]._apply_rules(self.env.company, TODAY)
        self.assertEqual(len(self.customer_a.ka_grade_history_ids), 1)

    def test_downgrade_is_recorded(self):
        self._refresh()
        self.rule_a.domain = "[('ka_revenue_12m', '>=', 90000)]"
        self.env["key_account.grade.rule"]._apply_rules(self.env.company, TODAY)
        last = self.customer_a.ka_grade_history_ids[0]
        self.assertEqual(
            (last.old_grade_id, last.new_grade_id, last.direction),
            (self.grade_a, self.grade_c, "down"),
        )

    def test_locked_grade_is_kept(self):
        self.customer_b.write({"ka_grade_id": self.grade_a.id, "ka_grade_locked": True})
        manual = self.customer_b.ka_grade_history_ids
        self.assertEqual(len(manual), 1)
        self.assertFalse(manual.rule_id)
        self.assertEqual(manual.user_id, self.env.user)
        self.assertEqual(manual.source, "manual")
        self._refresh()
        self.assertEqual(self.customer_b.ka_grade_id, self.grade_a)

    def test_rules_in_one_query_plan_as_rule_by_rule(self):
        """The rules are evaluated in one query (a CASE in priority order);
        its plan is the one of a search per rule, and a rule that fails in
        the database sends the grading back to rule by rule, which skips
        it."""
        self.env["key_account.refresh"]._refresh_figures(self.env.company, TODAY)
        Rule = self.env["key_account.grade.rule"]
        grade_b = self.env.ref("key_account.grade_b")
        rule_b = Rule.create(
            {
                "name": "大于五百",
                "sequence": 3,
                "grade_id": grade_b.id,
                "domain": "[('ka_revenue_12m', '>=', 500), "
                "('ka_order_count', '>=', 0)]",
            }
        )
        rules = Rule.search([("active", "=", True)])
        rule_set = rules._ka_rule_set()
        Partner = self.env["res.partner"].with_context(active_test=True)
        base = self.env["key_account.measure"]._customer_domain(self.env.company) + [
            ("ka_grade_locked", "=", False)
        ]
        before = self.env.cr.sql_log_count
        fast = Rule._grade_plan_one_query(Partner, base, rule_set)
        self.assertLessEqual(self.env.cr.sql_log_count - before, 4)
        self.assertEqual(
            fast[self.customer_a.id][1:], (self.grade_a.id, self.rule_a.id)
        )
        self.assertEqual(fast[self.customer_b.id][1:], (grade_b.id, rule_b.id))
        # the same plan as the rule-by-rule searches (one query per rule)
        with patch.object(type(Rule), "_grade_plan_one_query", return_value=None):
            slow, skipped = Rule._grade_plan(self.env.company, rule_set)
        self.assertEqual(skipped, [])
        self.assertEqual(slow, {pid: fast[pid] for pid in slow})
        self.assertEqual(set(slow), set(fast))
        # a rule broken since it was saved (a field gone): rule by rule, that
        # one skipped, the others applied
        broken = [rule_set[0], (0, grade_b.id, "[('gone_field', '=', 1)]", "坏")]
        with self.assertLogs(
            "odoo.addons.key_account.models.key_account_grade_rule", "WARNING"
        ):
            plan, skipped = Rule._grade_plan(self.env.company, broken)
        self.assertEqual(skipped, ["坏"])
        self.assertEqual(
            plan[self.customer_a.id][1:], (self.grade_a.id, self.rule_a.id)
        )

    def test_grading_in_sql_as_by_the_plan(self):
        """The nightly grading runs the plan's query in the database (the
        deciding rules written there, only the changes back): the same
        changes, grades and deciding rules as the plan carried through
        Python, which stays the path of the rule-by-rule fallback."""
        self.env["key_account.refresh"]._refresh_figures(self.env.company, TODAY)
        Rule = self.env["key_account.grade.rule"]
        locked = self._ka_customer("锁定等级有限公司", self.sales_a, self.team_east)
        self._ka_invoice(locked, TODAY - timedelta(days=3), 90000)
        self.env["key_account.refresh"]._refresh_figures(self.env.company, TODAY)
        # a locked customer that still shows the rule of an earlier grading
        locked.ka_figures_id.sudo().ka_grade_rule_id = self.rule_a
        locked.sudo().write({"ka_grade_locked": True})
        rule_set = Rule.search([("active", "=", True)])._ka_rule_set()
        plan, _skipped = Rule.with_context(ka_today=TODAY)._grade_plan(
            self.env.company, rule_set
        )
        expected = sorted(
            (pid, old, grade, rule)
            for pid, (old, grade, rule) in plan.items()
            if rule is not None and old != grade
        )
        self.assertTrue(expected)
        before = self.env.cr.sql_log_count
        changes = Rule.with_context(ka_today=TODAY)._apply_rules_in_sql(
            self.env.company, rule_set
        )
        self.assertLessEqual(self.env.cr.sql_log_count - before, 12)
        self.assertEqual(sorted(changes), expected)
        figures = self.env["key_account.partner.figures"].search(
            [("partner_id", "in", list(plan))]
        )
        self.assertEqual(
            {f.partner_id.id: f.ka_grade_rule_id.id or None for f in figures},
            {pid: rule for pid, (_old, _grade, rule) in plan.items()},
        )
        self.assertFalse(locked.ka_figures_id.ka_grade_rule_id)
        # the step gives the plan's grades
        Rule._apply_rules(self.env.company, TODAY)
        grades = {pid: grade for pid, _old, grade, _rule in expected}
        for partner in self.env["res.partner"].browse(list(grades)):
            self.assertEqual(partner.ka_grade_id.id, grades[partner.id])
        # the rule-by-rule fallback clears a locked customer's rule as well
        locked.ka_figures_id.sudo().ka_grade_rule_id = self.rule_a
        with patch.object(type(Rule), "_apply_rules_in_sql", return_value=None):
            Rule._apply_rules(self.env.company, TODAY)
        self.assertFalse(locked.ka_figures_id.ka_grade_rule_id)

    def test_bad_rule_is_refused(self):
        with self.assertRaises(ValidationError):
            self.rule_c.domain = "[('no_such_field', '=', 1)]"

    def test_warnings_open_once_and_close(self):
        rule = self.env["key_account.warning.rule"].create(
            {
                "name": "收入下滑",
                "warning_type": "revenue_drop",
                "threshold": 50,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            }
        )
        self._refresh()
        Rule = self.env["key_account.warning.rule"]
        opened, closed = Rule._run_rules(self.env.company, TODAY)
        self.assertEqual((opened, closed), (1, 0))
        warning = self.customer_b.ka_warning_ids
        self.assertEqual(warning.rule_id, rule)
        self.assertEqual(warning.user_id, self.sales_b)
        self.assertEqual(warning.value, -88.89)
        self.assertEqual(self.customer_b.ka_warning_count, 1)
        activity = warning.activity_id
        self.assertEqual(activity.user_id, self.sales_b)
        self.assertEqual(activity.res_id, self.customer_b.id)
        # a second run raises nothing twice
        self.assertEqual(Rule._run_rules(self.env.company, TODAY), (0, 0))
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer_b.id)]
            ),
            1,
        )
        # revenue recovers: the warning closes and its activity goes
        self._ka_invoice(self.customer_b, TODAY - timedelta(days=1), 50000)
        self._refresh()
        self.assertEqual(Rule._run_rules(self.env.company, TODAY), (0, 1))
        self.assertEqual(warning.state, "closed")
        self.assertFalse(activity.exists())

    def test_warning_rule_parameters_are_checked(self):
        with self.assertRaises(ValidationError):
            self.env["key_account.warning.rule"].create(
                {"name": "坏规则", "warning_type": "p_alive", "threshold": 2}
            )

    def test_no_order_overdue_and_downgrade_rules(self):
        Rule = self.env["key_account.warning.rule"]
        product = self._ka_product()
        self._ka_order(self.customer_a, product, TODAY - timedelta(days=200))
        Rule.create({"name": "久未下单", "warning_type": "no_order", "days": 90})
        Rule.create({"name": "逾期", "warning_type": "overdue", "threshold": 50000})
        Rule.create({"name": "降级", "warning_type": "downgrade", "days": 30})
        self._refresh()
        self.rule_a.domain = "[('ka_revenue_12m', '>=', 90000)]"
        self.env["key_account.grade.rule"]._apply_rules(self.env.company, TODAY)
        self.env["key_account.warning.rule"]._run_rules(self.env.company, TODAY)
        kinds = set(self.customer_a.ka_warning_ids.mapped("warning_type"))
        self.assertEqual(kinds, {"no_order", "overdue", "downgrade"})
