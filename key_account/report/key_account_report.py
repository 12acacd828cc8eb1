from odoo import fields, models
from odoo.tools import SQL


class KeyAccountReport(models.Model):
    """Key-account analysis: revenue (posted invoices) and margin (confirmed
    orders) per month, customer, grade, industry, province and manager."""

    _name = "key_account.report"
    _description = "Key-Account Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "partner_id"

    date = fields.Date(readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, ondelete="set null"
    )
    grade_id = fields.Many2one("key_account.grade", readonly=True, ondelete="set null")
    industry_id = fields.Many2one(
        "res.partner.industry", readonly=True, ondelete="set null"
    )
    state_id = fields.Many2one(
        "res.country.state", string="Province", readonly=True, ondelete="set null"
    )
    user_id = fields.Many2one(
        "res.users", string="Account Manager", readonly=True, ondelete="set null"
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", readonly=True, ondelete="set null"
    )
    rfm_segment = fields.Selection(
        selection=lambda self: (
            self.env["res.partner"]
            ._fields["ka_rfm_segment"]
            ._description_selection(self.env)
        ),
        string="RFM Segment",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True, ondelete="set null")
    currency_id = fields.Many2one("res.currency", readonly=True, ondelete="set null")
    revenue = fields.Monetary(readonly=True, currency_field="currency_id")
    margin = fields.Monetary(readonly=True, currency_field="currency_id")
    order_count = fields.Integer(string="Orders", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT ROW_NUMBER() OVER () AS id, x.*, p.ka_grade_id AS grade_id,
                   p.industry_id, p.state_id, p.user_id, p.team_id,
                   f.ka_rfm_segment AS rfm_segment
              FROM (
                SELECT date_trunc('month', r.date)::date AS date,
                       r.partner_id AS partner_id,
                       r.company_id, c.currency_id,
                       SUM(r.amount) AS revenue,
                       0::numeric AS margin, 0 AS order_count
                  FROM %(revenue)s r
                  JOIN res_company c ON c.id = r.company_id
                 GROUP BY 1, 2, 3, 4
                UNION ALL
                SELECT date_trunc('month', o.date_order)::date,
                       cp.commercial_partner_id, o.company_id, c.currency_id,
                       0, SUM(o.margin / COALESCE(NULLIF(o.currency_rate, 0), 1)),
                       COUNT(*)
                  FROM sale_order o
                  JOIN res_partner cp ON cp.id = o.partner_id
                  JOIN res_company c ON c.id = o.company_id
                 WHERE o.state = 'sale'
                 GROUP BY 1, 2, 3, 4
              ) x
              JOIN res_partner p ON p.id = x.partner_id
              LEFT JOIN key_account_partner_figures f ON f.id = p.ka_figures_id
            """,
            revenue=self.env["key_account.measure"]._revenue_lines_sql(
                None, None, None
            ),
        )
