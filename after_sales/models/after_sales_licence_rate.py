from datetime import timedelta

from odoo import api, fields, models


class AfterSalesLicenceRate(models.Model):
    _name = "after_sales.licence.rate"
    _description = "Licence Status Request Counter"
    _order = "window_start desc, id desc"
    _log_access = False

    address = fields.Char(required=True, readonly=True)
    window_start = fields.Datetime(required=True, readonly=True, index=True)
    count = fields.Integer(required=True, readonly=True, default=0)

    _sql_constraints = [
        (
            "address_window_unique",
            "UNIQUE(address, window_start)",
            "One counter per address and minute.",
        )
    ]

    @api.model
    def _hit(self, address):
        """Count one request of ``address`` in the current minute; True if allowed."""
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("after_sales.licence_rate_limit", 30)
        )
        window = fields.Datetime.now().replace(second=0, microsecond=0)
        # One atomic upsert: concurrent requests of one address cannot both pass.
        self.env.cr.execute(
            """
            INSERT INTO after_sales_licence_rate (address, window_start, count)
                 VALUES (%s, %s, 1)
            ON CONFLICT (address, window_start)
              DO UPDATE SET count = after_sales_licence_rate.count + 1
              RETURNING count
            """,
            [address or "?", window],
        )
        (count,) = self.env.cr.fetchone()
        return count <= limit

    @api.model
    def _gc_counters(self):
        """Drop the counters of past minutes (called by the nightly cron)."""
        self.env.cr.execute(
            "DELETE FROM after_sales_licence_rate WHERE window_start < %s",
            [fields.Datetime.now() - timedelta(minutes=5)],
        )
