from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class KeyAccountPartnerFigures(models.Model):
    """The customer's service figures beside its other nightly figures:
    tickets, complaints and SLA breaches in 12 months, satisfaction (the
    average score of its revisits in 12 months)."""

    _inherit = "key_account.partner.figures"

    as_ticket_count_12m = fields.Integer(string="Tickets (12 Months)", readonly=True)
    as_complaint_count_12m = fields.Integer(
        string="Complaints (12 Months)", readonly=True
    )
    as_sla_breach_count_12m = fields.Integer(
        string="SLA Breaches (12 Months)",
        readonly=True,
        help="Tickets opened in 12 months whose first response or resolution "
        "came after the SLA deadline.",
    )
    as_revisit_count_12m = fields.Integer(
        string="Rated Revisits (12 Months)", readonly=True
    )
    as_satisfaction = fields.Float(
        string="Satisfaction",
        readonly=True,
        digits=(3, 2),
        help="Average score (1-5) of the customer's revisits done in 12 months; "
        "0 without a rated revisit.",
    )

    @api.model
    def _as_refresh_service_figures(self, company, today):
        """The service figures of the customers of ``company`` on its
        business day ``today``: one UPDATE of the rows that change."""
        self.env.flush_all()
        measure = self.env["key_account.measure"]
        self.env["key_account.refresh"]._ensure_figures(company)
        start = today - timedelta(days=365)
        self.env.cr.execute(
            SQL(
                """
            WITH tickets AS (
                SELECT t.commercial_partner_id AS pid,
                       COUNT(*) AS tickets,
                       COUNT(*) FILTER (WHERE c.as_is_complaint) AS complaints,
                       COUNT(*) FILTER (WHERE t.as_response_breached
                                          OR t.as_resolution_breached) AS breaches
                  FROM helpdesk_ticket t
                  LEFT JOIN helpdesk_ticket_category c ON c.id = t.category_id
                 WHERE t.company_id = %(company)s
                   AND t.create_date >= %(start_utc)s AND t.create_date < %(end_utc)s
                 GROUP BY t.commercial_partner_id
            ), revisits AS (
                SELECT p.commercial_partner_id AS pid,
                       COUNT(*) AS rated,
                       ROUND(AVG(r.score)::numeric, 2)::float8 AS score
                  FROM after_sales_revisit r
                  JOIN res_partner p ON p.id = r.partner_id
                 WHERE r.company_id = %(company)s AND r.state = 'done'
                   AND r.score > 0
                   AND r.date_done > %(start)s AND r.date_done <= %(today)s
                 GROUP BY p.commercial_partner_id
            ), new AS (
                SELECT p.id,
                       COALESCE(t.tickets, 0) AS tickets,
                       COALESCE(t.complaints, 0) AS complaints,
                       COALESCE(t.breaches, 0) AS breaches,
                       COALESCE(v.rated, 0) AS rated,
                       COALESCE(v.score, 0) AS score
                  FROM res_partner p
                  LEFT JOIN tickets t ON t.pid = p.id
                  LEFT JOIN revisits v ON v.pid = p.id
                 WHERE %(customer)s
            )
            UPDATE key_account_partner_figures f
               SET as_ticket_count_12m = n.tickets,
                   as_complaint_count_12m = n.complaints,
                   as_sla_breach_count_12m = n.breaches,
                   as_revisit_count_12m = n.rated,
                   as_satisfaction = n.score
              FROM new n
             WHERE f.partner_id = n.id
               AND (f.as_ticket_count_12m, f.as_complaint_count_12m,
                    f.as_sla_breach_count_12m, f.as_revisit_count_12m,
                    f.as_satisfaction)
                   IS DISTINCT FROM
                   (n.tickets, n.complaints, n.breaches, n.rated, n.score)
            """,
                company=company.id,
                start=start,
                today=today,
                start_utc=company._ka_day_start_utc(start + timedelta(days=1)),
                end_utc=company._ka_day_start_utc(today + timedelta(days=1)),
                customer=measure._customer_sql(company, "p"),
            )
        )
        changed = self.env.cr.rowcount
        self.env["key_account.refresh"]._invalidate_figures(changed)
        return changed
