"""The customers' figures move from res_partner to the narrow table
key_account_partner_figures: copy them, link every company partner to its
row, then drop the old columns (and their indexes, which every write of a
partner kept up to date)."""

from odoo.tools import SQL

COLUMNS = [
    "ka_revenue_12m",
    "ka_revenue_prev_12m",
    "ka_revenue_change_pct",
    "ka_margin_12m",
    "ka_order_count",
    "ka_first_order_date",
    "ka_last_order_date",
    "ka_receivable",
    "ka_overdue",
    "ka_rfm_recency",
    "ka_rfm_frequency",
    "ka_rfm_monetary",
    "ka_rfm_segment",
    "ka_p_alive",
    "ka_expected_purchases",
    "ka_clv",
    "ka_last_followup_date",
]


def migrate(cr, version):
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name = ANY(%s)",
        [COLUMNS],
    )
    present = [row[0] for row in cr.fetchall()]
    names = SQL("").join(SQL(", %s", SQL.identifier(name)) for name in present)
    cr.execute(
        SQL(
            """
        INSERT INTO key_account_partner_figures
               (partner_id, create_uid, write_uid, create_date, write_date%s)
        SELECT p.id, 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'%s
          FROM res_partner p
         WHERE p.is_company AND p.ka_figures_id IS NULL
        ON CONFLICT (partner_id) DO NOTHING
        """,
            names,
            names,
        )
    )
    cr.execute(
        """
        UPDATE res_partner p SET ka_figures_id = f.id
          FROM key_account_partner_figures f
         WHERE f.partner_id = p.id AND p.ka_figures_id IS NULL
        """
    )
    for name in present:
        cr.execute(
            SQL(
                "ALTER TABLE res_partner DROP COLUMN IF EXISTS %s", SQL.identifier(name)
            )
        )
