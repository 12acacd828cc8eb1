from odoo import api, models
from odoo.tools import SQL


class KeyAccountMeasure(models.AbstractModel):
    _inherit = "key_account.measure"

    @api.model
    def _followup_event_sources(self, company, start_utc, end_utc, tz):
        """A done visit is a follow-up of its customer by its salesperson, on
        the business day of its check-in (of its planned time when it was
        closed without one)."""
        return super()._followup_event_sources(company, start_utc, end_utc, tz) + [
            SQL(
                """SELECT c.commercial_partner_id AS partner_id,
                          v.user_id AS user_id,
                          (COALESCE(v.checkin_date, v.planned_date)
                           AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS date,
                          'visit'::varchar AS kind
                     FROM sales_followup_visit_plan v
                     JOIN res_partner c ON c.id = v.partner_id
                    WHERE v.state = 'done'
                      AND COALESCE(v.checkin_date, v.planned_date) >= %(start)s
                      AND COALESCE(v.checkin_date, v.planned_date) < %(end)s""",
                tz=tz,
                start=start_utc,
                end=end_utc,
            )
        ]
