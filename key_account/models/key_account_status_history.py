from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

# more rule changes in one night than this are kept in the status history only,
# without a note in each customer's chatter (the first night of a large base)
CHATTER_MAX = 2000


class KeyAccountStatusHistory(models.Model):
    """客户状态异动: every change of a customer's lifecycle status, by the
    nightly lifecycle rules or by hand (with the churn reason)."""

    _name = "key_account.status.history"
    _description = "Customer Status Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        "res.company",
        ondelete="cascade",
        index=True,
        help="The company whose customer it is (its figures' company).",
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    effective_date = fields.Date(
        string="Business Day",
        required=True,
        index=True,
        help="The company's business day of the change.",
    )
    old_status = fields.Selection(
        selection="_selection_status", string="Previous Status"
    )
    new_status = fields.Selection(
        selection="_selection_status",
        required=True,
        index=True,
    )
    source = fields.Selection(
        [("rule", "Lifecycle Rules"), ("user", "By Hand")],
        string="Changed Through",
        required=True,
        default="user",
    )
    user_id = fields.Many2one(
        "res.users", string="Changed By", ondelete="set null", index=True
    )
    reason_id = fields.Many2one(
        "key_account.churn.reason", string="Churn Reason", ondelete="restrict"
    )
    competitor_id = fields.Many2one(
        "res.partner",
        string="Lost to Competitor",
        ondelete="set null",
        help="流失方向: the competitor the customer went to.",
    )
    note = fields.Char()
    # the customer as it was at the change, for the churn analysis
    manager_id = fields.Many2one(
        "res.users", string="Account Manager", ondelete="set null", index=True
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", ondelete="set null")
    grade_id = fields.Many2one("key_account.grade", ondelete="set null")
    industry_id = fields.Many2one("res.partner.industry", ondelete="set null")
    state_id = fields.Many2one(
        "res.country.state", string="Province", ondelete="set null"
    )
    count = fields.Integer(string="Customers", default=1, aggregator="sum")

    @api.model
    def _selection_status(self):
        return (
            self.env["res.partner"]
            ._fields["ka_status"]
            ._description_selection(self.env)
        )

    @api.model
    def _snapshot_columns(self):
        """The columns copied from the customer's row (alias p) at the change."""
        return SQL(
            "p.user_id, p.team_id, p.ka_grade_id, p.industry_id, p.state_id, %s",
            self.env["key_account.measure"]._figures_company_sql("p"),
        )

    @api.model
    def _insert_sql(self):
        return SQL(
            """INSERT INTO key_account_status_history
                   (partner_id, old_status, new_status, source, user_id, reason_id,
                    competitor_id, note, effective_date, date,
                    manager_id, team_id, grade_id, industry_id, state_id, company_id,
                    count, create_uid, create_date, write_uid, write_date)"""
        )

    def _post_chatter(self):
        """A note on each customer's chatter for these changes by the rules:
        one batch of messages. A customer's first status (potential to new or
        active) and nights with more than CHATTER_MAX changes stay in the
        status history only."""
        if not self or len(self) > CHATTER_MAX:
            return
        self.env.cr.execute(
            "SELECT partner_id, old_status, new_status FROM key_account_status_history "
            "WHERE id = ANY(%s) AND COALESCE(old_status, 'potential') != 'potential'",
            (self.ids,),
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        labels = dict(self._selection_status())
        bodies = {
            pid: Markup("<p>%s</p>")
            % self.env._(
                "Status: %(old)s → %(new)s (lifecycle rules)",
                old=labels.get(old, old),
                new=labels.get(new, new),
            )
            for pid, old, new in rows
        }
        self.env["res.partner"].browse(list(bodies)).sudo()._message_log_batch(
            bodies, author_id=self.env.ref("base.partner_root").id
        )

    @api.model
    def _apply_rules(self, company, today, partner_ids=None, reopen=False):
        """The lifecycle rules over the customers of ``company`` on its
        business day ``today``, set-wise: one statement computes every
        customer's status, updates the changed ones and records the changes.

        * no confirmed order: potential;
        * an order: new while the first order is younger than the company's
          new-customer period, then active;
        * no order for N days (the grade's dormant days, else the company's):
          dormant; for M days (lost days): lost;
        * a lost customer (by the rules or by hand) stays lost until it
          orders after the day it was lost; invalid is never touched.

        ``partner_ids``: only these customers. ``reopen`` (the status wizard's
        "back to the rules"): the rules' status even for lost and invalid
        customers, recorded as a change by hand. Returns the changes.
        """
        company = company.sudo()
        self.env.flush_all()
        measure = self.env["key_account.measure"]
        conditions = [measure._customer_sql(company, "p")]
        if partner_ids is not None:
            conditions.append(SQL("p.id = ANY(%s)", list(partner_ids)))
        if not reopen:
            conditions.append(SQL("COALESCE(p.ka_status, 'potential') != 'invalid'"))
        sticky = SQL("FALSE") if reopen else SQL("c.old = 'lost'")
        self.env.cr.execute(
            SQL(
                """
            WITH cur AS (
                SELECT p.id, p.ka_status AS old,
                       COALESCE(p.ka_status_date, %(today)s) AS since,
                       f.ka_first_order_date AS first_order,
                       f.ka_last_order_date AS last_order,
                       COALESCE(NULLIF(g.dormant_days, 0), %(dormant)s) AS dormant_days,
                       COALESCE(NULLIF(g.lost_days, 0), %(lost)s) AS lost_days
                  FROM res_partner p
                  LEFT JOIN key_account_partner_figures f ON f.id = p.ka_figures_id
                  LEFT JOIN key_account_grade g ON g.id = p.ka_grade_id
                 WHERE %(where)s
            ), target AS (
                SELECT c.id, c.old,
                       CASE
                           WHEN %(sticky)s
                                AND (c.last_order IS NULL OR c.last_order <= c.since)
                               THEN 'lost'
                           WHEN c.last_order IS NULL THEN 'potential'
                           WHEN %(today)s - c.last_order >= c.lost_days THEN 'lost'
                           WHEN %(today)s - c.last_order >= c.dormant_days
                               THEN 'dormant'
                           WHEN %(today)s - c.first_order < %(new_days)s THEN 'new'
                           ELSE 'active'
                       END AS new
                  FROM cur c
            ), changed AS (
                UPDATE res_partner p
                   SET ka_status = t.new, ka_status_date = %(today)s,
                       -- the churn reason belongs to a lost customer only
                       ka_churn_reason_id = CASE WHEN t.new = 'lost'
                           THEN p.ka_churn_reason_id END,
                       ka_churn_competitor_id = CASE WHEN t.new = 'lost'
                           THEN p.ka_churn_competitor_id END
                  FROM target t
                 WHERE p.id = t.id AND p.ka_status IS DISTINCT FROM t.new
             RETURNING p.id, t.old, t.new, p.user_id, p.team_id, p.ka_grade_id,
                       p.industry_id, p.state_id, p.company_id
            )
            %(insert)s
            SELECT p.id, p.old, p.new, %(source)s, %(user)s, NULL, NULL, NULL,
                   %(today)s, %(now)s, %(snapshot)s, 1,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM changed p
            RETURNING id
            """,
                today=today,
                dormant=company.ka_dormant_days or 180,
                lost=company.ka_lost_days or 365,
                new_days=company.ka_new_days or 0,
                where=SQL(" AND ").join(conditions),
                sticky=sticky,
                snapshot=self._snapshot_columns(),
                insert=self._insert_sql(),
                source="user" if reopen else "rule",
                user=self.env.uid if reopen else None,
                now=fields.Datetime.now(),
                uid=self.env.uid,
            )
        )
        changes = self.browse([row[0] for row in self.env.cr.fetchall()])
        if changes:
            self.env["res.partner"].invalidate_model(
                [
                    "ka_status",
                    "ka_status_date",
                    "ka_churn_reason_id",
                    "ka_churn_competitor_id",
                    "ka_status_history_ids",
                ]
            )
            if not reopen:
                changes._post_chatter()
        return changes
