from odoo import fields, models
from odoo.tools import SQL

# months shown, the current one included
MONTHS = 24


class KeyAccountChurnRate(models.Model):
    """流失率: per company and month, the customers lost in the month over
    the customers at its start.

    A customer counts at the start of a month when its last status change
    before the month (the status history) left it new, active or dormant;
    churned are those of them whose status became lost in the month (by the
    rules or by hand). The months before the status history began count no
    customers and show no rate."""

    _name = "key_account.churn.rate"
    _description = "Customer Churn Rate"
    _auto = False
    _order = "date desc, company_id"
    _rec_name = "date"

    company_id = fields.Many2one("res.company", readonly=True, ondelete="set null")
    date = fields.Date(string="Month", readonly=True)
    customer_count = fields.Integer(string="Customers at Start", readonly=True)
    churned_count = fields.Integer(string="Lost in the Month", readonly=True)
    churn_rate = fields.Float(
        string="Churn Rate (%)", readonly=True, aggregator="avg", digits=(5, 2)
    )

    @property
    def _table_query(self):
        # the months of the companies the user works for, each up to its own
        # business day
        companies = self.env.user.company_ids.sudo()
        return SQL(
            """
            WITH months AS (
                -- up to each company's business month (its time zone's
                -- today, not the database server's date)
                SELECT c.company_id, m::date AS month
                  FROM unnest(%(companies)s::int[], %(days)s::date[])
                       AS c(company_id, today)
                 CROSS JOIN LATERAL generate_series(
                       date_trunc('month', c.today)
                           - %(span)s * interval '1 month',
                       date_trunc('month', c.today), interval '1 month') m
            ), members AS (
                -- the customers at the start of each month
                SELECT mo.company_id, mo.month, s.partner_id
                  FROM months mo
                  JOIN LATERAL (
                      SELECT DISTINCT ON (h.partner_id) h.partner_id, h.new_status
                        FROM key_account_status_history h
                       WHERE h.company_id = mo.company_id
                         AND h.effective_date < mo.month
                       ORDER BY h.partner_id, h.effective_date DESC, h.id DESC
                  ) s ON s.new_status IN ('new', 'active', 'dormant')
            ), start AS (
                SELECT company_id, month, COUNT(*) AS n
                  FROM members
                 GROUP BY company_id, month
            ), lost AS (
                SELECT DISTINCT h.company_id, h.partner_id,
                       date_trunc('month', h.effective_date)::date AS month
                  FROM key_account_status_history h
                 WHERE h.new_status = 'lost'
            ), churned AS (
                -- of those, the ones lost in the month: a customer that came
                -- and went within the month is not in the rate (it was not
                -- counted at the start), so the rate never passes one hundred percent
                SELECT m.company_id, m.month, COUNT(*) AS n
                  FROM members m
                  JOIN lost l ON l.company_id = m.company_id
                             AND l.partner_id = m.partner_id
                             AND l.month = m.month
                 GROUP BY m.company_id, m.month
            )
            SELECT (mo.company_id * 100000
                    + EXTRACT(YEAR FROM mo.month)::int * 12
                    + EXTRACT(MONTH FROM mo.month)::int) AS id,
                   mo.company_id, mo.month AS date,
                   COALESCE(s.n, 0) AS customer_count,
                   COALESCE(ch.n, 0) AS churned_count,
                   CASE WHEN COALESCE(s.n, 0) > 0
                        THEN ROUND(100.0 * COALESCE(ch.n, 0) / s.n, 2)::float8
                        ELSE 0 END AS churn_rate
              FROM months mo
              LEFT JOIN start s ON s.company_id = mo.company_id AND s.month = mo.month
              LEFT JOIN churned ch
                     ON ch.company_id = mo.company_id AND ch.month = mo.month
            """,
            span=MONTHS - 1,
            companies=companies.ids or [0],
            days=[company._ka_today() for company in companies] or [None],
        )
