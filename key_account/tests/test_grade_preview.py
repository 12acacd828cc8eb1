from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import KeyAccountCommon

TODAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestGradePreview(KeyAccountCommon):
    """Grades that explain themselves and the what-if preview of the rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["key_account.grade.rule"]
        Rule.search([]).active = False
        cls.rule_a = Rule.create(
            {
                "name": "大于五万",
                "sequence": 1,
                "grade_id": cls.grade_a.id,
                "domain": "['|', ('ka_revenue_12m', '>=', 50000), "
                "('ka_clv', '>=', 1e9)]",
            }
        )
        cls.rule_c = Rule.create(
            {"name": "其余", "sequence": 5, "grade_id": cls.grade_c.id, "domain": "[]"}
        )
        cls._ka_invoice(cls.customer_a, TODAY - timedelta(days=3), 80000)
        cls._ka_invoice(cls.customer_b, TODAY - timedelta(days=3), 1000)
        cls.env["key_account.refresh"]._refresh_figures(cls.env.company, TODAY)
        Rule._apply_rules(cls.env.company, TODAY)
        cls.salesperson = new_test_user(
            cls.env,
            login="ka_preview_sales",
            groups="key_account.key_account_group_user",
        )

    def _preview(self, user=None):
        Preview = self.env["key_account.grade.preview"].with_user(user or self.manager)
        return Preview.create({})

    def test_deciding_rule_and_explanation(self):
        self.assertEqual(self.customer_a.ka_grade_rule_id, self.rule_a)
        self.assertEqual(self.customer_b.ka_grade_rule_id, self.rule_c)
        explanation = str(
            self.customer_a.with_context(lang="en_US").ka_grade_explanation
        )
        self.assertIn("大于五万", explanation)
        self.assertIn("Any of:", explanation)
        # the customer's revenue beside the threshold, the condition met
        self.assertIn("80,000", explanation)
        self.assertIn("50,000", explanation)
        self.assertIn("✓", explanation)
        self.assertIn("✗", explanation, "the CLV condition is not met")
        # a locked grade says so, and has no deciding rule after the next run
        self.customer_b.write({"ka_grade_id": self.grade_a.id, "ka_grade_locked": True})
        self.env["key_account.grade.rule"]._apply_rules(self.env.company, TODAY)
        self.assertFalse(self.customer_b.ka_grade_rule_id)
        self.assertIn(
            "locked",
            str(self.customer_b.with_context(lang="en_US").ka_grade_explanation),
        )

    def test_users_cannot_write_the_deciding_rule(self):
        with self.assertRaises(AccessError):
            self.customer_a.with_user(self.sales_a).write(
                {"ka_grade_rule_id": self.rule_c.id}
            )

    def test_preview_changes_nothing_and_apply_agrees(self):
        preview = self._preview()
        self.assertLessEqual(self.rule_a | self.rule_c, preview.rule_ids.rule_id)
        line_a = preview.rule_ids.filtered(lambda line: line.rule_id == self.rule_a)
        line_a.domain = "[('ka_revenue_12m', '>=', 90000)]"
        history_before = self.env["key_account.grade.history"].search_count([])
        preview.action_preview()
        move = preview.cell_ids.filtered(
            lambda c: c.from_grade_id == self.grade_a and c.to_grade_id == self.grade_c
        )
        self.assertEqual(move.count, 1)
        self.assertEqual(move.direction, "down")
        self.assertEqual(move.partner_ids_data, [self.customer_a.id])
        self.assertEqual(preview.moved_count, 1)
        self.assertIn(self.grade_a.name, str(preview.matrix_html))
        action = move.with_user(self.manager).action_open_partners()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]), self.customer_a
        )
        # nothing changed
        self.assertEqual(self.customer_a.ka_grade_id, self.grade_a)
        self.assertIn("50000", self.rule_a.domain)
        self.assertEqual(
            self.env["key_account.grade.history"].search_count([]), history_before
        )
        # apply: the live rules are the draft, the moves are those previewed
        preview.action_apply()
        self.assertIn("90000", self.rule_a.domain)
        self.assertEqual(self.customer_a.ka_grade_id, self.grade_c)
        new_history = self.env["key_account.grade.history"].search(
            [("rule_id", "=", self.rule_c.id), ("old_grade_id", "=", self.grade_a.id)]
        )
        self.assertEqual(new_history.partner_id, self.customer_a)

    def test_draft_removed_rule_is_archived_and_new_rule_created(self):
        preview = self._preview()
        preview.rule_ids.filtered(lambda line: line.rule_id == self.rule_a).unlink()
        preview.write(
            {
                "rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "新规则",
                            "sequence": 2,
                            "grade_id": self.grade_a.id,
                            "domain": "[('ka_revenue_12m', '>=', 500)]",
                        },
                    )
                ]
            }
        )
        preview.action_preview()
        self.assertEqual(preview.moved_count, 1, "customer_b moves from C to A")
        preview.action_apply()
        self.assertFalse(self.rule_a.active)
        new_rule = self.env["key_account.grade.rule"].search([("name", "=", "新规则")])
        self.assertTrue(new_rule.active)
        self.assertEqual(self.customer_b.ka_grade_id, self.grade_a)
        self.assertEqual(self.customer_b.ka_grade_rule_id, new_rule)

    def test_salesperson_cannot_preview_or_apply(self):
        with self.assertRaises(AccessError):
            self._preview(self.salesperson)
        preview = self._preview()
        with self.assertRaises(AccessError):
            preview.with_user(self.salesperson).action_apply()
        with self.assertRaises(AccessError):
            preview.with_user(self.salesperson).action_preview()
        preview.action_preview()
        with self.assertRaises(AccessError):
            preview.cell_ids[:1].with_user(self.salesperson).action_open_partners()

    def test_preview_queries_do_not_grow_with_customers(self):
        preview = self._preview()

        def count():
            self.env.invalidate_all()
            # the same cold caches (access rights, rules) in both runs
            self.env.registry.clear_all_caches()
            before = self.env.cr.sql_log_count
            preview._ka_preview()
            return self.env.cr.sql_log_count - before

        count()  # a first run fills the caches (grades, fields)
        few = count()
        for i in range(15):
            self._ka_customer(f"预览测试{i}有限公司", self.sales_a, self.team_east)
        self.env["key_account.refresh"]._refresh_figures(self.env.company, TODAY)
        # graded as the others: the same cells, 15 customers more in them
        self.env["key_account.grade.rule"]._apply_rules(self.env.company, TODAY)
        count()
        many = count()
        self.assertEqual(few, many)
        self.assertGreaterEqual(preview.customer_count, 19)
