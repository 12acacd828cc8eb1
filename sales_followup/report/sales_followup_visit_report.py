import pytz

from odoo import api, models
from odoo.tools.misc import format_date

from odoo.addons.key_account.lib import phone as ka_phone

WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def format_date_zh(day):
    """2026年11月25日 星期三"""
    return f"{day.year}年{day.month}月{day.day}日 {WEEKDAYS_ZH[day.weekday()]}"


class ReportSalesFollowupVisitPlan(models.AbstractModel):
    _name = "report.sales_followup.report_visit_plan"
    _description = "Visit Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["sales_followup.visit.plan"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "sales_followup.visit.plan",
            "docs": docs,
            "format_datetime_cn": self._format_datetime,
            "format_date_cn": self._format_date,
            "format_phone": self._format_phone,
        }

    @api.model
    def _is_chinese(self):
        return (self.env.lang or "").startswith("zh")

    @api.model
    def _format_date(self, day):
        """A date the Chinese way in Chinese (2026年11月25日 星期三), else in
        the reader's language."""
        if not day:
            return ""
        if self._is_chinese():
            return format_date_zh(day)
        return format_date(self.env, day, date_format="EEEE d MMMM y")

    @api.model
    def _format_phone(self, number, partner=None):
        """A phone number as people write it (138 0013 8000, 021-6123 4567),
        by key_account's one definition, with the rules of the partner's
        country for a number typed without country code."""
        region = partner._ka_phone_region() if partner else "CN"
        return ka_phone.display(number, region)

    @api.model
    def _format_datetime(self, value, company=None):
        """A UTC datetime in the reader's time zone (the visit's company's if
        none): 2026年11月25日 星期三 14:30."""
        if not value:
            return ""
        tz = (company or self.env.company)._ka_tz()
        if self.env.user.tz in pytz.all_timezones_set:
            tz = pytz.timezone(self.env.user.tz)
        local = pytz.utc.localize(value).astimezone(tz)
        return f"{self._format_date(local.date())} {local:%H:%M}"
