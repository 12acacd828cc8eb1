import re

import pytz

from odoo import api, models
from odoo.tools.misc import format_date

from ..models.sales_followup_visit_plan import business_tz

WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def format_date_zh(day):
    """2026年11月25日 星期三"""
    return f"{day.year}年{day.month}月{day.day}日 {WEEKDAYS_ZH[day.weekday()]}"


def format_phone_cn(number):
    """A Chinese phone number in the groups people read: mobiles 3-4-4
    (138 0013 8000), landlines area code then the number (021 6123 4567);
    anything else as it was written."""
    if not number:
        return ""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif number.lstrip().startswith("+86") or (
        digits.startswith("86") and len(digits) == 13
    ):
        digits = digits[2:]
    elif number.lstrip().startswith("+") or digits.startswith("00"):
        return number  # a foreign number: as written
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if digits.startswith("0") and len(digits) in (10, 11, 12):
        area = 3 if digits[1] in "12" else 4
        rest = digits[area:]
        if len(rest) == 8:
            return f"{digits[:area]} {rest[:4]} {rest[4:]}"
        return f"{digits[:area]} {rest[:3]} {rest[3:]}"
    return number


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
            "format_phone_cn": format_phone_cn,
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
    def _format_datetime(self, value):
        """A UTC datetime in the reader's time zone (the company's if none):
        2026年11月25日 星期三 14:30."""
        if not value:
            return ""
        tz = business_tz(self.env)
        if self.env.user.tz in pytz.all_timezones_set:
            tz = pytz.timezone(self.env.user.tz)
        local = pytz.utc.localize(value).astimezone(tz)
        return f"{self._format_date(local.date())} {local:%H:%M}"
