from datetime import datetime, time

import pytz

from odoo import api, fields, models

# the business clock of a company without a time zone of its own
DEFAULT_TZ = "Asia/Shanghai"


class ResCompany(models.Model):
    """The business clock (业务日): what "today" is for a company.

    Every nightly step, reminder and report of the key-account addons asks its
    company for the day, never the server (UTC) or the cron user's time zone:
    at 23:30 Beijing time it is still the same business day in Shanghai while
    UTC is 15:30 and a cron user without time zone would say the same, and at
    00:30 Beijing time (16:30 UTC the day before) the business day has turned.
    """

    _inherit = "res.company"

    ka_figures_date = fields.Date(
        string="Key-Account Figures Date",
        readonly=True,
        copy=False,
        help="The business day the nightly pipeline last computed this company's "
        "customer figures for.",
    )

    ka_clv_model = fields.Json(
        string="Key-Account CLV Model",
        readonly=True,
        copy=False,
        help="The BG/NBD and Gamma-Gamma parameters of the last weekly fit of "
        "the customer-lifetime-value models, and its day.",
    )

    def _ka_tz(self):
        """The company's time zone: its address's, else China Standard Time."""
        self.ensure_one()
        name = self.partner_id.tz
        if name and name in pytz.all_timezones_set:
            return pytz.timezone(name)
        return pytz.timezone(DEFAULT_TZ)

    def _ka_now(self):
        """The current moment in the company's time zone (aware)."""
        self.ensure_one()
        return datetime.now(pytz.utc).astimezone(self._ka_tz())

    def _ka_today(self):
        """The company's business day."""
        return self._ka_now().date()

    def _ka_day_start_utc(self, day):
        """Midnight at the start of ``day`` in the company's time zone, as the
        naive UTC datetime Odoo stores."""
        self.ensure_one()
        local = self._ka_tz().localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _ka_local_date_sql(self):
        """The time-zone name to turn a stored UTC timestamp into the company's
        business day in SQL: ``(col AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date``."""
        self.ensure_one()
        return self._ka_tz().zone

    @api.model
    def _ka_main_company(self):
        """The company whose figures a customer shared by every company (no
        company set) carries: the first company created."""
        return self.sudo().search([], order="id", limit=1)
