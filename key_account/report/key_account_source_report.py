from odoo import api, fields, models
from odoo.tools import SQL


class KeyAccountSourceReport(models.Model):
    """客户来源分析: the customers by source (客户来源), with their revenue
    of 12 months and the win rate of their opportunities (won over won and
    lost), one row per customer to group by source, channel, grade, team or
    account manager."""

    _name = "key_account.source.report"
    _description = "Customers by Source"
    _auto = False
    _order = "revenue_12m desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, ondelete="set null"
    )
    source = fields.Selection(
        selection=lambda self: (
            self.env["res.partner"]
            ._fields["ka_source"]
            ._description_selection(self.env)
        ),
        readonly=True,
    )
    customer_type = fields.Selection(
        selection=lambda self: (
            self.env["res.partner"]
            ._fields["ka_customer_type"]
            ._description_selection(self.env)
        ),
        readonly=True,
    )
    status = fields.Selection(
        selection=lambda self: (
            self.env["res.partner"]
            ._fields["ka_status"]
            ._description_selection(self.env)
        ),
        string="Lifecycle Status",
        readonly=True,
    )
    grade_id = fields.Many2one("key_account.grade", readonly=True, ondelete="set null")
    user_id = fields.Many2one(
        "res.users", string="Account Manager", readonly=True, ondelete="set null"
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", readonly=True, ondelete="set null"
    )
    company_id = fields.Many2one("res.company", readonly=True, ondelete="set null")
    customer_count = fields.Integer(string="Customers", readonly=True)
    revenue_12m = fields.Float(string="Revenue (12 Months)", readonly=True)
    won_count = fields.Integer(string="Won Opportunities", readonly=True)
    lost_count = fields.Integer(string="Lost Opportunities", readonly=True)
    win_rate = fields.Float(
        string="Win Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Won opportunities over won and lost ones, of the group's customers.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH leads AS (
                SELECT c.commercial_partner_id AS pid,
                       COUNT(*) FILTER (WHERE l.active AND s.is_won) AS won,
                       COUNT(*) FILTER (WHERE NOT l.active AND l.probability = 0)
                           AS lost
                  FROM crm_lead l
                  JOIN res_partner c ON c.id = l.partner_id
                  LEFT JOIN crm_stage s ON s.id = l.stage_id
                 WHERE l.type = 'opportunity'
                 GROUP BY c.commercial_partner_id
            )
            SELECT p.id, p.id AS partner_id, p.ka_source AS source,
                   p.ka_customer_type AS customer_type, p.ka_status AS status,
                   p.ka_grade_id AS grade_id, p.user_id, p.team_id,
                   %(company)s AS company_id,
                   1 AS customer_count,
                   COALESCE(f.ka_revenue_12m, 0) AS revenue_12m,
                   COALESCE(ld.won, 0) AS won_count,
                   COALESCE(ld.lost, 0) AS lost_count,
                   CASE WHEN COALESCE(ld.won, 0) + COALESCE(ld.lost, 0) > 0
                        THEN ROUND(100.0 * ld.won / (ld.won + ld.lost), 2)::float8
                        ELSE 0 END AS win_rate
              FROM res_partner p
              LEFT JOIN key_account_partner_figures f ON f.id = p.ka_figures_id
              LEFT JOIN leads ld ON ld.pid = p.id
             WHERE p.is_company AND p.active AND p.parent_id IS NULL
               AND COALESCE(p.ka_customer_type, '') NOT IN ('competitor', 'supplier')
               AND p.id NOT IN (SELECT partner_id FROM res_company
                                 WHERE partner_id IS NOT NULL)
            """,
            company=self.env["key_account.measure"]._figures_company_sql("p"),
        )

    @api.model
    def _win_rate(self, won, lost):
        return round(100.0 * won / (won + lost), 2) if won + lost else 0.0

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """The win rate of a group is its won over its won and lost
        opportunities, not the mean of its customers' rates."""
        wanted = any(spec.split(":")[0] == "win_rate" for spec in fields)
        if wanted:
            names = {spec.split(":")[0] for spec in fields}
            fields = [
                *fields,
                *(
                    f"{name}:sum"
                    for name in ("won_count", "lost_count")
                    if name not in names
                ),
            ]
        rows = super().read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        if wanted:
            for row in rows:
                row["win_rate"] = self._win_rate(
                    row.get("won_count") or 0, row.get("lost_count") or 0
                )
        return rows
