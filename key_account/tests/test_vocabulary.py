"""One vocabulary: the business clock, customers and revenue per company,
grades set only by rules or managers, system figures closed to users."""

from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..models.res_partner import ResPartner
from .common import REFRESH, KeyAccountCommon

TODAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestBusinessClock(KeyAccountCommon):
    def test_cron_user_without_time_zone_at_2330_beijing(self):
        """At 23:30 Beijing time (15:30 UTC) it is still the 30th; at 00:30
        (16:30 UTC) it is the 1st, whatever the cron user's time zone."""
        cron_user = new_test_user(self.env, login="ka_cron_no_tz", tz=False)
        cron_user.tz = False
        self.env.company.partner_id.tz = False  # China by default
        with freeze_time("2026-06-30 15:30:00"):
            company = self.env.company.with_user(cron_user)
            self.assertEqual(company._ka_today(), date(2026, 6, 30))
            self.env["key_account.pipeline"].with_user(cron_user).sudo()._run(
                companies=self.env.company, codes=("figures",)
            )
            self.assertEqual(self.env.company.ka_figures_date, date(2026, 6, 30))
        with freeze_time("2026-06-30 16:30:00"):
            # the UTC date (what context_today gives a user without time
            # zone) is still the 30th; the business day is the 1st
            self.assertEqual(
                fields.Date.context_today(self.env["res.partner"].with_user(cron_user)),
                date(2026, 6, 30),
            )
            self.assertEqual(self.env.company._ka_today(), date(2026, 7, 1))
            self.env["key_account.pipeline"].sudo()._run(
                companies=self.env.company, codes=("figures",)
            )
            self.assertEqual(self.env.company.ka_figures_date, date(2026, 7, 1))

    def test_pipeline_writes_in_the_companys_language(self):
        """Activity summaries are stored text: the pipeline writes them in
        the company's language, whatever the cron user's."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env.company.partner_id.lang = "zh_CN"
        self.env["key_account.pipeline"].with_context(lang="en_US")._run(
            companies=self.env.company, today=date(2099, 6, 30), codes=("cn_calendar",)
        )
        year = self.env["key_account.cn.holiday.year"].search([("year", "=", 2099)])
        self.assertEqual(
            year.activity_ids.summary, "请录入国务院 2099 年节假日安排通知"
        )

    def test_pipeline_logs_each_step(self):
        report = self.env["key_account.pipeline"]._run(
            companies=self.env.company, today=TODAY
        )
        steps = [item["step"] for item in report]
        ours = ["figures", "rfm", "clv", "grades", "warnings", "followups", "pool"]
        self.assertEqual([step for step in steps if step in ours], ours)
        self.assertEqual(steps[0], "figures")
        for item in report:
            self.assertFalse(item["error"])
            self.assertGreaterEqual(item["seconds"], 0)


@tagged("post_install", "-at_install")
class TestTwoCompanies(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_eu = cls.env["res.company"].create(
            {"name": "欧洲子公司", "currency_id": cls.env.ref("base.EUR").id}
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_eu, install_demo=False
        )
        cls.env.ref("base.EUR").active = True
        cls.company_eu.currency_id = cls.env.ref("base.EUR")
        cls.customer_eu = cls._ka_customer(
            "Europa GmbH", False, False, company_id=cls.company_eu.id
        )

    def _invoice_in(self, company, partner, day, amount):
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": day,
                    "currency_id": company.currency_id.id,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "服务费",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [(6, 0, [])],
                            },
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def test_each_company_its_own_figures_and_currency(self):
        main = self.env.company
        self.assertNotEqual(main.currency_id, self.company_eu.currency_id)
        self._invoice_in(main, self.customer_a, TODAY - timedelta(days=5), 1000)
        # the same customer also bought from the European company
        self._invoice_in(
            self.company_eu, self.customer_a, TODAY - timedelta(days=5), 500
        )
        self._invoice_in(
            self.company_eu, self.customer_eu, TODAY - timedelta(days=5), 700
        )
        self.env["key_account.pipeline"]._run(
            companies=main | self.company_eu, today=TODAY, codes=REFRESH
        )
        # never 1,500 of two currencies added up
        self.assertEqual(self.customer_a.ka_revenue_12m, 1000)
        self.assertEqual(self.customer_a.ka_currency_id, main.currency_id)
        self.assertEqual(self.customer_eu.ka_revenue_12m, 700)
        self.assertEqual(self.customer_eu.ka_currency_id, self.company_eu.currency_id)
        measure = self.env["key_account.measure"]
        self.assertEqual(
            measure._revenue_by_partner(self.company_eu, None, TODAY),
            {self.customer_a.id: 500.0, self.customer_eu.id: 700.0},
        )
        customers = self.env["res.partner"].search(
            measure._customer_domain(self.company_eu)
        )
        self.assertEqual(customers, self.customer_eu)


@tagged("post_install", "-at_install")
class TestClosedFigures(KeyAccountCommon):
    def test_salesperson_cannot_write_grade_or_figures(self):
        mine = self.customer_a.with_user(self.sales_a)
        with self.assertRaises(AccessError):
            mine.write({"ka_grade_id": self.grade_a.id})
        with self.assertRaises(AccessError):
            mine.write({"ka_revenue_12m": 99999999})
        with self.assertRaises(AccessError):
            mine.write({"ka_grade_locked": True})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.sales_a).create(
                {"name": "自封A级", "is_company": True, "ka_grade_id": self.grade_a.id}
            )
        with self.assertRaises(AccessError):
            self.env["key_account.pipeline"].with_user(self.sales_a).action_run()
        # writing the unchanged grade with the rest of a form is fine
        mine.write({"ka_grade_id": False, "ka_wechat": "wx_a"})
        self.assertEqual(self.customer_a.ka_wechat, "wx_a")

    def test_manager_sets_grade_by_hand_in_chatter_and_history(self):
        # (the test classes disable tracking by default; the ORM does not track
        # a record created in the same transaction before its first commit)
        self.env.flush_all()
        self.env.cr.precommit.run()
        partner = self.customer_a.with_user(self.manager).with_context(
            tracking_disable=False, mail_notrack=False
        )
        partner.write({"ka_grade_id": self.grade_a.id, "ka_grade_locked": True})
        self.env.flush_all()
        self.env.cr.precommit.run()  # the ORM's tracking runs before commit
        self.assertEqual(self.customer_a.ka_grade_id, self.grade_a)
        history = self.customer_a.ka_grade_history_ids
        self.assertEqual(history.new_grade_id, self.grade_a)
        self.assertEqual(history.user_id, self.manager)
        self.assertTrue(history.effective_date)
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "=", self.customer_a.id),
                ("field_id.name", "=", "ka_grade_id"),
            ]
        )
        self.assertTrue(tracked, "a grade set by hand is tracked in the chatter")

    def test_grade_by_rule_in_chatter(self):
        Rule = self.env["key_account.grade.rule"]
        Rule.search([]).active = False
        first = Rule.create(
            {"name": "全部C", "grade_id": self.grade_c.id, "domain": "[]"}
        )
        changed = Rule._apply_rules(self.env.company, TODAY)
        self.assertGreaterEqual(changed, 4)
        self.assertEqual(self.customer_b.ka_grade_history_ids.effective_date, TODAY)
        # a first grade: in the history, not in the chatter
        self.assertFalse(
            self.customer_b.message_ids.filtered(lambda m: "全部C" in m.body)
        )
        first.active = False
        Rule.create({"name": "全部A", "grade_id": self.grade_a.id, "domain": "[]"})
        Rule._apply_rules(self.env.company, TODAY + timedelta(days=1))
        self.customer_b.invalidate_recordset(["message_ids"])
        note = self.customer_b.message_ids.filtered(lambda m: "全部A" in m.body)
        self.assertEqual(len(note), 1, "the rule's change is in the chatter")
        self.assertIn(self.grade_c.display_name, note.body)

    def test_too_long_name_gets_a_clear_error(self):
        Partner = self.env["res.partner"].with_context(lang="zh_CN")
        with self.assertRaises(ValidationError) as caught:
            Partner.create({"name": "长" * 100000, "is_company": True})
        self.assertNotIn("MD5", str(caught.exception))
        self.assertIn("100000", str(caught.exception))
        with self.assertRaises(ValidationError):
            self.customer_a.write({"ref": "1" * 5000})
        self.assertTrue(self.customer_a.exists())

    def test_grade_rules_read_the_pipeline_day(self):
        """Days since the last order: counted from the day passed down by
        the pipeline, not from a global parameter."""
        self.customer_a.sudo().ka_last_order_date = TODAY - timedelta(days=10)
        Partner = self.env["res.partner"].with_context(ka_today=TODAY)
        found = Partner.search(
            [("id", "=", self.customer_a.id), ("ka_days_since_order", ">", 5)]
        )
        self.assertEqual(found, self.customer_a)
        later = Partner.with_context(ka_today=TODAY - timedelta(days=8))
        self.assertFalse(
            later.search(
                [("id", "=", self.customer_a.id), ("ka_days_since_order", ">", 5)]
            )
        )

    def test_import_reports_rows_the_model_refuses(self):
        """A row refused by a check inside create is in the error report."""
        original = ResPartner._ka_check_sizes

        def refuse_one(model, vals):
            if vals.get("name") == "被拒绝的公司":
                raise ValidationError("规则拒绝了这一行")  # pylint: disable=translation-required
            return original(model, vals)

        content = "客户名称\n正常的公司\n被拒绝的公司\n".encode()
        wizard = (
            self.env["key_account.customer.import"]
            .with_user(self.manager)
            .create(
                {
                    "file": __import__("base64").b64encode(content),
                    "filename": "c.csv",
                    "mode": "skip",
                }
            )
        )
        with patch.object(ResPartner, "_ka_check_sizes", refuse_one):
            wizard.action_import()
        reasons = wizard.line_ids.mapped("reason")
        self.assertIn("规则拒绝了这一行", reasons)
        self.assertEqual(wizard.partner_ids.mapped("name"), ["正常的公司"])


@tagged("post_install", "-at_install")
class TestMergeAsUser(KeyAccountCommon):
    def test_contact_merge_by_a_user_keeps_figures_out(self):
        """Odoo's merge writes the merged contacts' plain fields as the user:
        the system's figures and the grade are left to the system."""
        # the administrator, as users merge contacts: not the superuser
        merger = self.env.ref("base.user_admin")
        self.assertFalse(self.env["res.partner"].with_user(merger).env.su)
        self.customer_b.sudo().write(
            {"ka_revenue_12m": 5000, "ka_grade_id": self.grade_a.id}
        )
        code_a = self.customer_a.ka_code
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(merger)
            .create(
                {
                    "partner_ids": [(6, 0, (self.customer_a | self.customer_b).ids)],
                    "dst_partner_id": self.customer_a.id,
                }
            )
        )
        wizard.action_merge()
        self.assertFalse(self.customer_b.exists())
        self.assertEqual(self.customer_a.ka_code, code_a)
        self.assertFalse(self.customer_a.ka_grade_id)


@tagged("post_install", "-at_install")
class TestActivitySqlPath(KeyAccountCommon):
    def test_activity_sql_path(self):
        """The one raw-SQL path for activities writes what mail's own create
        writes, column by column: a column mail adds or fills differently
        makes this fail (then update _ka_create_for_partners)."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        day = date(2026, 7, 1)
        Activity = self.env["mail.activity"]
        orm = (
            Activity.sudo()
            .with_context(mail_activity_quick_update=True)
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": self.customer_a.id,
                    "user_id": self.sales_b.id,
                    "activity_type_id": todo.id,
                    "date_deadline": day,
                    "summary": "对照",
                    "automated": True,
                }
            )
        )
        sql = Activity._ka_create_for_partners(
            [(self.customer_b.id, self.sales_b.id, todo.id, day, "对照")]
        )
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT * FROM mail_activity WHERE id = ANY(%s) ORDER BY id",
            ([orm.id, sql.id],),
        )
        names = [column.name for column in self.env.cr.description]
        rows = [dict(zip(names, row, strict=True)) for row in self.env.cr.fetchall()]
        by_id = {row["id"]: row for row in rows}
        differ = {"id", "res_id", "res_name", "create_date", "write_date"}
        for name in names:
            if name in differ:
                continue
            self.assertEqual(
                by_id[sql.id][name],
                by_id[orm.id][name],
                f"mail_activity.{name}: the SQL path differs from mail's create",
            )
        self.assertEqual(sql.res_name, self.customer_b.display_name)
        # the assigned user follows the customer with the same subtypes
        followers = self.env["mail.followers"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", (self.customer_a | self.customer_b).ids),
                ("partner_id", "=", self.sales_b.partner_id.id),
            ]
        )
        self.assertEqual(len(followers), 2)
        self.assertEqual(followers[0].subtype_ids, followers[1].subtype_ids)
