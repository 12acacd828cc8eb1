from odoo import fields, models
from odoo.tools import SQL


class KeyAccountParetoReport(models.Model):
    """80/20: customers ranked by revenue of the last 12 months, with the
    cumulative share of revenue they bring."""

    _name = "key_account.pareto.report"
    _description = "Revenue Concentration (80/20)"
    _auto = False
    _order = "rank"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, ondelete="set null"
    )
    grade_id = fields.Many2one("key_account.grade", readonly=True, ondelete="set null")
    user_id = fields.Many2one(
        "res.users", string="Account Manager", readonly=True, ondelete="set null"
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", readonly=True, ondelete="set null"
    )
    company_id = fields.Many2one("res.company", readonly=True, ondelete="set null")
    revenue = fields.Float(string="Revenue (12 Months)", readonly=True)
    rank = fields.Integer(readonly=True)
    customer_share = fields.Float(
        string="Share of Customers (%)",
        readonly=True,
        aggregator="max",
        help="Share of the customers ranked up to this one.",
    )
    cumulative_share = fields.Float(
        string="Cumulative Revenue Share (%)", readonly=True, aggregator="max"
    )
    pareto_class = fields.Selection(
        [
            ("top", "Top: First 80 % of Revenue"),
            ("middle", "Middle: Next 15 %"),
            ("tail", "Tail: Last 5 %"),
        ],
        string="Class",
        readonly=True,
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH base AS (
                SELECT p.id, p.ka_grade_id, p.user_id, p.team_id,
                       f.ka_revenue_12m, %(company)s AS figures_company_id
                  FROM res_partner p
                  JOIN key_account_partner_figures f ON f.id = p.ka_figures_id
                 WHERE p.is_company AND p.active AND p.parent_id IS NULL
                   AND f.ka_revenue_12m > 0
            ), ranked AS (
                -- each company's customers among themselves, in its currency
                SELECT p.id AS partner_id, p.ka_grade_id AS grade_id,
                       p.user_id, p.team_id, p.figures_company_id AS company_id,
                       p.ka_revenue_12m AS revenue,
                       ROW_NUMBER() OVER w_rank AS rank,
                       COUNT(*) OVER w_all AS total_count,
                       SUM(p.ka_revenue_12m) OVER w_all AS total,
                       SUM(p.ka_revenue_12m) OVER w_rank AS running
                  FROM base p
                WINDOW w_all AS (PARTITION BY p.figures_company_id),
                       w_rank AS (PARTITION BY p.figures_company_id
                                  ORDER BY p.ka_revenue_12m DESC, p.id)
            )
            SELECT partner_id AS id, partner_id, grade_id, user_id, team_id,
                   company_id,
                   revenue, rank,
                   ROUND(100.0 * rank / total_count, 2) AS customer_share,
                   ROUND(100.0 * running / total, 2) AS cumulative_share,
                   CASE WHEN running - revenue < 0.80 * total THEN 'top'
                        WHEN running - revenue < 0.95 * total THEN 'middle'
                        ELSE 'tail' END AS pareto_class
              FROM ranked
            """,
            company=self.env["key_account.measure"]._figures_company_sql("p"),
        )
