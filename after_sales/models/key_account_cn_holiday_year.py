from datetime import datetime, timedelta

from odoo import api, models


class KeyAccountCnHolidayYear(models.Model):
    _inherit = "key_account.cn.holiday.year"

    @api.model
    def _ka_changed(self, years):
        """The open tickets' SLA deadlines follow a corrected holiday
        calendar: those that may fall in the changed years are counted again."""
        res = super()._ka_changed(years)
        if years:
            # a day of margin for the time zones
            since = datetime(min(years), 1, 1) - timedelta(days=1)
            self.env["helpdesk.ticket"]._as_replan_open_sla(since)
        return res
