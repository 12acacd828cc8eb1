from datetime import datetime, time, timedelta

from odoo.addons.key_account.tests.common import KeyAccountCommon


class SalesFollowupCommon(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Plan = cls.env["sales_followup.visit.plan"]
        cls.company = cls.env.company
        cls.today = cls.company._ka_today()
        for user in cls.sales_a | cls.sales_b | cls.sales_west | cls.leader:
            user.tz = "Asia/Shanghai"
        cls.customer_a.write(
            {
                "ka_grade_id": cls.grade_a.id,
                "partner_latitude": 31.2304,
                "partner_longitude": 121.4737,
            }
        )
        cls.customer_b.ka_grade_id = cls.grade_c
        cls.customer_west.ka_grade_id = cls.grade_a
        cls.customer_pool.ka_grade_id = cls.grade_a
        cls.contact_a = cls.env["res.partner"].create(
            {"name": "王经理", "parent_id": cls.customer_a.id, "type": "contact"}
        )

    @classmethod
    def _plan(cls, partner, when, **vals):
        return cls.Plan.create(
            {
                "partner_id": partner.id,
                "planned_date": when,
                "purpose": "测试拜访",
                **vals,
            }
        )

    @classmethod
    def _at(cls, day, hour=3):
        """A naive UTC datetime on `day` (03:00 UTC is 11:00 in Shanghai)."""
        return datetime.combine(day, time(hour, 0))

    def _days(self, n):
        return self.today + timedelta(days=n)

    def _steps(self, codes, today=None):
        """Run steps of key_account's nightly pipeline for the company, as
        the cron does (superuser); {code: rows changed}."""
        report = (
            self.env["key_account.pipeline"]
            .sudo()
            ._run(companies=self.company, today=today, codes=codes)
        )
        return {item["step"]: item["rows"] for item in report}
