from odoo import api, models
from odoo.tools import SQL


class KeyAccountPool(models.AbstractModel):
    """The public pool keeps the customers after-sales is still serving."""

    _inherit = "key_account.pool"

    @api.model
    def _ka_pool_protected_ids(self, company, candidate_ids, today):
        """key_account's reasons, plus: a running sales contract, an active
        authorization, or an open ticket of the customer in ``company`` on
        ``today``. One query for the three."""
        protected = super()._ka_pool_protected_ids(company, candidate_ids, today)
        if not candidate_ids:
            return protected
        self.env.cr.execute(
            SQL(
                """
            SELECT pid, kind, COUNT(*) FROM (
                SELECT COALESCE(c.commercial_partner_id, c.partner_id) AS pid,
                       'contract' AS kind
                  FROM contract_contract c
                 WHERE c.active AND c.contract_type = 'sale'
                   AND c.company_id = %(company)s
                   AND COALESCE(c.commercial_partner_id, c.partner_id) = ANY(%(ids)s)
                   AND (c.date_start IS NULL OR c.date_start <= %(today)s)
                   AND (c.date_end IS NULL OR c.date_end >= %(today)s)
                UNION ALL
                SELECT p.commercial_partner_id, 'authorization'
                  FROM after_sales_authorization a
                  JOIN res_partner p ON p.id = a.partner_id
                 WHERE a.state = 'active' AND a.company_id = %(company)s
                   AND p.commercial_partner_id = ANY(%(ids)s)
                   AND a.date_start <= %(today)s
                   AND (a.date_end IS NULL OR a.date_end >= %(today)s)
                UNION ALL
                SELECT t.commercial_partner_id, 'ticket'
                  FROM helpdesk_ticket t
                  LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                 WHERE t.company_id = %(company)s
                   AND t.commercial_partner_id = ANY(%(ids)s)
                   AND NOT COALESCE(s.closed, FALSE)
            ) serving
             GROUP BY pid, kind
             ORDER BY pid, kind
            """,
                company=company.id,
                ids=list(candidate_ids),
                today=today,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return protected
        env = self._ka_lang_env(company).env
        labels = {
            "contract": lambda n: env._("%(count)s running contract(s)", count=n),
            "authorization": lambda n: env._(
                "%(count)s active authorization(s)", count=n
            ),
            "ticket": lambda n: env._("%(count)s open ticket(s)", count=n),
        }
        for pid, kind, count in rows:
            reason = labels[kind](count)
            protected[pid] = (
                f"{protected[pid]}; {reason}" if protected.get(pid) else reason
            )
        return protected
