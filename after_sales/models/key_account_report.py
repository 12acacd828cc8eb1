from odoo import fields, models
from odoo.tools import SQL


class KeyAccountReport(models.Model):
    """Satisfaction in the customer analysis: one row per customer and month
    of its rated revisits, beside key_account's rows of revenue and orders."""

    _inherit = "key_account.report"

    satisfaction = fields.Float(
        readonly=True,
        aggregator="avg",
        digits=(3, 2),
        help="Average score (1-5) of the revisits done.",
    )
    revisit_count = fields.Integer(string="Rated Revisits", readonly=True)

    # the columns of the revisit rows; the others (revenue, margin... and
    # those other addons add) are empty on them
    _AS_REVISIT_COLUMNS = {
        "date": "date_trunc('month', r.date_done)::date",
        "partner_id": "p.id",
        "company_id": "r.company_id",
        "currency_id": "c.currency_id",
        "grade_id": "p.ka_grade_id",
        "industry_id": "p.industry_id",
        "state_id": "p.state_id",
        "user_id": "p.user_id",
        "team_id": "p.team_id",
        "rfm_segment": "f.ka_rfm_segment",
        "satisfaction": "AVG(r.score)::float8",
        "revisit_count": "COUNT(*)::int",
    }

    @property
    def _table_query(self):
        base = super()._table_query
        columns = [
            name
            for name, field in self._fields.items()
            if name != "id"
            and field.store
            and field.column_type
            and name not in ("satisfaction", "revisit_count")
        ]
        # the base rows, their columns in a known order, without satisfaction
        base_select = SQL(", ").join(
            SQL("b.%s", SQL.identifier(name)) for name in columns
        )
        revisit_select = SQL(", ").join(
            SQL(self._AS_REVISIT_COLUMNS[name])
            if name in self._AS_REVISIT_COLUMNS
            else SQL("NULL::%s", SQL(self._fields[name].column_type[1]))
            for name in columns
        )
        grouped = SQL(", ").join(
            SQL(self._AS_REVISIT_COLUMNS[name])
            for name in columns
            if name in self._AS_REVISIT_COLUMNS
        )
        names = SQL(", ").join(SQL.identifier(name) for name in columns)
        return SQL(
            """
            SELECT ROW_NUMBER() OVER () AS id, u.* FROM (
                SELECT %(base_select)s, NULL::float8 AS satisfaction,
                       0 AS revisit_count
                  FROM (%(base)s) b
                UNION ALL
                SELECT %(revisit_select)s,
                       AVG(r.score)::float8, COUNT(*)::int
                  FROM after_sales_revisit r
                  JOIN res_partner rp ON rp.id = r.partner_id
                  JOIN res_partner p ON p.id = rp.commercial_partner_id
                  JOIN res_company c ON c.id = r.company_id
                  LEFT JOIN key_account_partner_figures f ON f.id = p.ka_figures_id
                 WHERE r.state = 'done' AND r.score > 0
                 GROUP BY %(grouped)s
            ) u (%(names)s, satisfaction, revisit_count)
            """,
            base_select=base_select,
            base=base,
            revisit_select=revisit_select,
            grouped=grouped,
            names=names,
        )
