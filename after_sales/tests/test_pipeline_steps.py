"""after_sales' nightly work as steps of key_account's pipeline: ordered after
key_account's steps, per company and its business day, idempotent; the old
crons are gone, the SLA escalation keeps its own."""

from datetime import date, timedelta

import polib
from freezegun import freeze_time

from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

from .common import AfterSalesCommon, make_authorization

# after_sales' steps: (sequence, code)
OURS = {
    "contract_value": 20,
    "authorization_expiry": 130,
    "contract_reminders": 140,
    "periodic_revisits": 150,
}
NIGHTLY = ("authorization_expiry", "contract_reminders", "periodic_revisits")


@tagged("post_install", "-at_install")
class TestPipelineSteps(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Pipeline = cls.env["key_account.pipeline"]
        cls.today = cls.env.company._ka_today()
        cls.other = cls.env["res.company"].create({"name": "售后测试子公司"})
        cls.grade_sla = cls.env["key_account.grade"].create(
            {"name": "步骤测试等级", "code": "ST", "as_revisit_interval_days": 30}
        )
        # only this test's customers are due for periodic revisits
        cls.env["key_account.grade"].search(
            [("id", "!=", cls.grade_sla.id)]
        ).as_revisit_interval_days = 0
        cls.customer_a.ka_grade_id = cls.grade_sla
        cls.customer_other = cls.env["res.partner"].create(
            {
                "name": "子公司售后客户有限公司",
                "is_company": True,
                "company_id": cls.other.id,
                "user_id": cls.sales_b.id,
                "ka_grade_id": cls.grade_sla.id,
            }
        )

    def _contract(self, partner, company, days_left):
        return self.env["contract.contract"].create(
            {
                "name": "步骤测试合同",
                "partner_id": partner.id,
                "company_id": company.id,
                "line_recurrence": True,
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.licensed.id,
                            "name": "年度维护",
                            "quantity": 1,
                            "price_unit": 10000,
                            "recurring_rule_type": "yearly",
                            "recurring_interval": 1,
                            "date_start": self.today - timedelta(days=300),
                            "date_end": self.today + timedelta(days=days_left),
                        },
                    )
                ],
            }
        )

    def test_steps_after_key_accounts(self):
        steps = {code: sequence for sequence, code in self.Pipeline._steps()}
        for code, sequence in OURS.items():
            self.assertEqual(steps[code], sequence)
        key_account_steps = ("figures", "rfm", "clv", "grades", "warnings", "pool")
        self.assertLess(
            max(steps[code] for code in key_account_steps),
            min(steps[code] for code in NIGHTLY),
        )
        names = self.Pipeline._step_names()
        for code in OURS:
            self.assertTrue(names.get(code))
        report = self.Pipeline._run(companies=self.env.company, today=self.today)
        done = [item["step"] for item in report]
        self.assertEqual(done[-3:], list(NIGHTLY))
        self.assertFalse([item for item in report if item["error"]])

    def test_each_company_its_records_and_idempotent(self):
        ours = make_authorization(
            self.env, self.customer_a, self.licensed, days_left=-1
        ) | make_authorization(self.env, self.customer_a, self.licensed, days_left=5)
        theirs = make_authorization(
            self.env,
            self.customer_other,
            self.licensed,
            days_left=-1,
            company_id=self.other.id,
        )
        contract_ours = self._contract(self.customer_a, self.env.company, 10)
        contract_theirs = self._contract(self.customer_other, self.other, 10)

        def rows(company):
            report = self.Pipeline._run(
                companies=company, today=self.today, codes=NIGHTLY
            )
            return {item["step"]: item["rows"] for item in report}

        self.assertEqual(
            rows(self.env.company),
            {
                "authorization_expiry": 2,  # one expired, one reminded
                "contract_reminders": 1,
                "periodic_revisits": 1,  # customer_a (no e-mail: by phone)
            },
        )
        self.assertEqual(ours.mapped("state"), ["expired", "active"])
        self.assertEqual(theirs.state, "active")
        self.assertFalse(contract_theirs.as_expiry_reminded)
        self.assertTrue(contract_ours.as_expiry_reminded)
        Revisit = self.env["after_sales.revisit"]
        self.assertEqual(
            Revisit.search([("origin", "=", "periodic")]).partner_id, self.customer_a
        )
        # run again: nothing changes
        self.assertEqual(set(rows(self.env.company).values()), {0})
        # the other company's step does its own
        self.assertEqual(
            rows(self.other),
            {
                "authorization_expiry": 1,
                "contract_reminders": 1,
                "periodic_revisits": 1,
            },
        )
        self.assertEqual(theirs.state, "expired")
        self.assertTrue(contract_theirs.as_expiry_reminded)
        revisit = Revisit.search([("partner_id", "=", self.customer_other.id)])
        self.assertEqual(revisit.company_id, self.other)
        self.assertEqual(set(rows(self.other).values()), {0})

    def test_cron_user_without_time_zone_at_2330_beijing(self):
        """A key whose last day is 30 June: at 23:30 Beijing time (15:30
        UTC) it is still valid and gets its reminder dated the 30th; at 00:30
        (16:30 UTC, still the 30th for a cron user without time zone) the
        business day is 1 July and it expires."""
        cron_user = new_test_user(self.env, login="as_cron_no_tz", tz=False)
        cron_user.tz = False
        self.env.company.partner_id.tz = False  # China by default
        auth = make_authorization(
            self.env,
            self.customer_a,
            self.licensed,
            date_start=date(2025, 7, 1),
            date_end=date(2026, 6, 30),
        )
        Pipeline = self.Pipeline.with_user(cron_user).sudo()
        with freeze_time("2026-06-30 15:30:00"):
            Pipeline._run(companies=self.env.company, codes=("authorization_expiry",))
            self.assertEqual(auth.state, "active")
            self.assertEqual(auth.reminder_date, date(2026, 6, 30))
        auth.invalidate_recordset()
        with freeze_time("2026-06-30 16:30:00"):
            Pipeline._run(companies=self.env.company, codes=("authorization_expiry",))
            self.assertEqual(auth.state, "expired")

    def test_old_crons_replaced_by_steps(self):
        Cron = self.env["ir.cron"].with_context(active_test=False)
        for code in (
            "_cron_expire_and_remind",
            "_cron_as_expiry_reminder",
            "_cron_periodic_revisits",
        ):
            with self.subTest(code=code):
                self.assertFalse(Cron.search([("code", "like", code)]))
        sla = self.env.ref("after_sales.ir_cron_ticket_sla_escalation")
        self.assertEqual((sla.interval_number, sla.interval_type), (15, "minutes"))
        self.assertTrue(self.env.ref("key_account.ir_cron_key_account_pipeline"))

    def test_pipeline_name_in_chinese(self):
        """after_sales' catalogue gives key_account's pipeline the same
        Chinese name as key_account's (loaded after it, it would win)."""
        name = "大客户夜间计算流程"
        for addon in ("after_sales", "key_account"):
            with self.subTest(addon=addon):
                entries = [
                    entry
                    for entry in polib.pofile(file_path(f"{addon}/i18n/zh_CN.po"))
                    if entry.msgid == "Key-Account Nightly Pipeline"
                ]
                self.assertEqual([entry.msgstr for entry in entries], [name])
        model = self.env["ir.model"]._get("key_account.pipeline")
        self.assertEqual(model.with_context(lang="zh_CN").name, name)
        # and the steps speak Chinese too
        names = self.Pipeline.with_context(lang="zh_CN")._step_names()
        english = self.Pipeline.with_context(lang="en_US")._step_names()
        for code in OURS:
            self.assertNotEqual(names[code], english[code])
