import logging
from datetime import timedelta

import numpy as np

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import clv

_logger = logging.getLogger(__name__)

# minimum number of repeat buyers before the CLV models are fitted
CLV_MIN_REPEAT_CUSTOMERS = 20
# customers the CLV models are fitted on (a random sample beyond it): the
# models have 4 and 3 parameters, which 10,000 customers estimate well
CLV_FIT_SAMPLE = 10000
# rows changed in the figures table after which its statistics are refreshed
ANALYZE_ROWS = 5000
# days between two fits of the CLV models; in between, only the customers who
# bought since the fit are scored again, with the fitted parameters
CLV_REFIT_DAYS = 7


class KeyAccountRefresh(models.AbstractModel):
    """The nightly refresh of the key-account figures, done set-wise.

    Every step is a handful of SQL statements over all customers at once:
    the number of queries does not grow with the number of customers.
    Each step can run again at any time and gives the same result.
    """

    _name = "key_account.refresh"
    _description = "Key-Account Figures Refresh"

    @api.model
    def action_refresh_all(self):
        """The button of the customer list: the whole nightly pipeline, for
        key-account managers (the pipeline checks)."""
        return self.env["key_account.pipeline"].action_run()

    # ------------------------------------------------------------------
    # figures from posted invoices, confirmed orders and receivables
    # ------------------------------------------------------------------
    @api.model
    def _refresh_figures(self, company, today):
        """The value figures of the customers of ``company``, from its own
        documents only, in its currency (orders in another currency are
        converted at the order's rate), on its business day ``today``."""
        self.env.flush_all()
        measure = self.env["key_account.measure"]
        self._ensure_figures(company)
        d12 = today - timedelta(days=365)
        d24 = today - timedelta(days=730)
        tz = company._ka_tz().zone
        self.env.cr.execute(
            SQL(
                """
            WITH customers AS (
                SELECT p.id FROM res_partner p WHERE %(customer)s
            ), inv AS (
                SELECT r.partner_id AS pid,
                       SUM(r.amount) FILTER (WHERE r.date > %(d12)s) AS rev12,
                       SUM(r.amount) FILTER (WHERE r.date <= %(d12)s) AS rev_prev,
                       MAX(r.date) AS last_invoice,
                       COUNT(*) FILTER (
                           WHERE r.move_type = 'out_invoice'
                             AND r.date > %(d12)s) AS invoices12
                  FROM %(revenue)s r
                 GROUP BY r.partner_id
            ), so AS (
                SELECT p.commercial_partner_id AS pid,
                       COUNT(*) AS orders,
                       -- the day of the first and last order: the time zone
                       -- applied to the two moments, not to every order
                       (MIN(o.date_order) AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                           AS first_order,
                       (MAX(o.date_order) AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                           AS last_order,
                       SUM(o.margin / COALESCE(NULLIF(o.currency_rate, 0), 1))
                           FILTER (WHERE o.date_order >= %(d12_utc)s) AS margin12
                  FROM sale_order o
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.state = 'sale' AND o.company_id = %(company)s
                   AND o.date_order < %(end_utc)s
                 GROUP BY p.commercial_partner_id
            ), ar AS (
                SELECT l.partner_id AS pid,
                       SUM(l.amount_residual) AS receivable,
                       SUM(l.amount_residual)
                           FILTER (WHERE l.date_maturity < %(today)s) AS overdue
                  FROM account_move_line l
                 WHERE l.parent_state = 'posted'
                   AND l.company_id = %(company)s
                   AND l.account_id = ANY(%(receivable_accounts)s)
                   AND l.reconciled IS NOT TRUE
                 GROUP BY l.partner_id
            ), new AS (
                SELECT c.id,
                       COALESCE(inv.rev12, 0) AS rev12,
                       COALESCE(inv.rev_prev, 0) AS rev_prev,
                       CASE WHEN COALESCE(inv.rev_prev, 0) > 0
                            THEN ROUND(
                                (100 * (COALESCE(inv.rev12, 0) - inv.rev_prev)
                                 / inv.rev_prev)::numeric, 2)::float8
                            ELSE 0 END AS change_pct,
                       inv.last_invoice,
                       COALESCE(inv.invoices12, 0) AS invoices12,
                       COALESCE(so.margin12, 0) AS margin12,
                       COALESCE(so.orders, 0) AS orders,
                       so.first_order, so.last_order,
                       COALESCE(ar.receivable, 0) AS receivable,
                       COALESCE(ar.overdue, 0) AS overdue
                  FROM customers c
                  LEFT JOIN inv ON inv.pid = c.id
                  LEFT JOIN so ON so.pid = c.id
                  LEFT JOIN ar ON ar.pid = c.id
            )
            UPDATE key_account_partner_figures p
               SET ka_revenue_12m = n.rev12,
                   ka_revenue_prev_12m = n.rev_prev,
                   ka_revenue_change_pct = n.change_pct,
                   ka_last_invoice_date = n.last_invoice,
                   ka_invoice_count_12m = n.invoices12,
                   ka_margin_12m = n.margin12,
                   ka_order_count = n.orders,
                   ka_first_order_date = n.first_order,
                   ka_last_order_date = n.last_order,
                   ka_receivable = n.receivable,
                   ka_overdue = n.overdue
              FROM new n
             WHERE p.partner_id = n.id
               -- only the customers whose figures changed: no new row version
               -- (and index entries) for the others
               AND (p.ka_revenue_12m, p.ka_revenue_prev_12m, p.ka_revenue_change_pct,
                    p.ka_last_invoice_date, p.ka_invoice_count_12m,
                    p.ka_margin_12m, p.ka_order_count, p.ka_first_order_date,
                    p.ka_last_order_date, p.ka_receivable, p.ka_overdue)
                   IS DISTINCT FROM
                   (n.rev12, n.rev_prev, n.change_pct, n.last_invoice, n.invoices12,
                    n.margin12, n.orders, n.first_order, n.last_order,
                    n.receivable, n.overdue)
            """,
                customer=measure._customer_sql(company, "p"),
                revenue=measure._revenue_lines_sql(
                    company, d24 + timedelta(days=1), today
                ),
                company=company.id,
                tz=tz,
                d12=d12,
                d12_utc=company._ka_day_start_utc(d12 + timedelta(days=1)),
                end_utc=company._ka_day_start_utc(today + timedelta(days=1)),
                today=today,
                # the accounts as values, so that PostgreSQL uses account's
                # index of the open items (a join scanned the 1,000,000 lines)
                receivable_accounts=self.env["account.account"]
                .sudo()
                .search([("account_type", "=", "asset_receivable")])
                .ids
                or [0],
            )
        )
        changed = self.env.cr.rowcount
        _logger.info("key_account: figures refreshed, %s customers changed", changed)
        if company.ka_figures_date != today:
            company.sudo().ka_figures_date = today
        self._invalidate_figures(changed)
        return changed

    @api.model
    def _invalidate_figures(self, changed=0):
        """After an UPDATE of the figures table: its cache and the
        partners' related figures; after many changed rows, fresh planner
        statistics (the first night fills columns PostgreSQL saw empty, and
        the warnings' and pool's joins would be planned for 1 row)."""
        if changed >= ANALYZE_ROWS:
            self.env.cr.execute("ANALYZE key_account_partner_figures")
        self.env["key_account.partner.figures"].invalidate_model()
        partners = self.env["res.partner"]
        partners.invalidate_model(list(partners._ka_figure_fields()))

    @api.model
    def _ensure_figures(self, company):
        """Customers without their row of figures get one (partners created
        before the module was installed, or by SQL): one query when none is
        missing."""
        self.env.cr.execute(
            SQL(
                "SELECT p.id FROM res_partner p WHERE %s AND p.ka_figures_id IS NULL",
                self.env["key_account.measure"]._customer_sql(company, "p"),
            )
        )
        missing = [row[0] for row in self.env.cr.fetchall()]
        if missing:
            self.env["key_account.partner.figures"].sudo()._ensure_for(missing)

    # ------------------------------------------------------------------
    # RFM: quintile scores over the customers who bought in 24 months
    # ------------------------------------------------------------------
    @api.model
    def _refresh_rfm(self, company, today):
        """Quintile scores among the customers of ``company`` who bought from
        it in 24 months, from the figures of the night (the step runs after
        them): last invoice, invoices and revenue in 12 months; one read of
        the narrow figures table, not of the invoices again."""
        self.env.flush_all()
        measure = self.env["key_account.measure"]
        self.env.cr.execute(
            SQL(
                """
            WITH cust AS MATERIALIZED (
                -- the customers' figures, read once
                SELECT f.id AS fid,
                       f.ka_last_invoice_date AS last_date,
                       f.ka_invoice_count_12m AS freq,
                       f.ka_revenue_12m AS money,
                       f.ka_rfm_recency AS old_r,
                       f.ka_rfm_frequency AS old_f,
                       f.ka_rfm_monetary AS old_m
                  FROM key_account_partner_figures f
                  JOIN res_partner p ON p.id = f.partner_id
                 WHERE %(customer)s
            ), scored AS (
                -- quintiles by rank among those who bought in 24 months:
                -- customers tied on a value share the lowest quintile of the
                -- tie (with CUME_DIST, the many customers without revenue in
                -- 12 months shared the highest and all scored M = 3)
                SELECT fid, old_r, old_f, old_m,
                       LEAST(5, 1 + FLOOR(5 * PERCENT_RANK() OVER (
                           ORDER BY last_date)))::int AS r,
                       LEAST(5, 1 + FLOOR(5 * PERCENT_RANK() OVER (
                           ORDER BY freq)))::int AS f,
                       LEAST(5, 1 + FLOOR(5 * PERCENT_RANK() OVER (
                           ORDER BY COALESCE(money, 0))))::int AS m
                  FROM cust
                 WHERE last_date IS NOT NULL
            ), s AS (
                -- only the customers whose scores change: the scored ones,
                -- and those who no longer bought in 24 months
                SELECT fid, r, f, m
                  FROM scored
                 WHERE (old_r, old_f, old_m) IS DISTINCT FROM (r, f, m)
                 UNION ALL
                SELECT fid, NULL, NULL, NULL
                  FROM cust
                 WHERE last_date IS NULL
                   AND (old_r IS NOT NULL OR old_f IS NOT NULL OR old_m IS NOT NULL)
            )
            UPDATE key_account_partner_figures p
               SET ka_rfm_recency = s.r,
                   ka_rfm_frequency = s.f,
                   ka_rfm_monetary = s.m,
                   ka_rfm_segment = CASE
                       WHEN s.r IS NULL THEN NULL
                       WHEN s.m >= 3 THEN CASE
                           WHEN s.r >= 3 AND s.f >= 3 THEN 'important_value'
                           WHEN s.r >= 3 THEN 'important_develop'
                           WHEN s.f >= 3 THEN 'important_keep'
                           ELSE 'important_retain' END
                       ELSE CASE
                           WHEN s.r >= 3 AND s.f >= 3 THEN 'general_value'
                           WHEN s.r >= 3 THEN 'general_develop'
                           WHEN s.f >= 3 THEN 'general_keep'
                           ELSE 'general_retain' END
                       END
              FROM s
             WHERE p.id = s.fid
            """,
                customer=measure._customer_sql(company, "p"),
            )
        )
        changed = self.env.cr.rowcount
        self._invalidate_figures(changed)
        return changed

    # ------------------------------------------------------------------
    # CLV: BG/NBD + Gamma-Gamma fitted on the whole customer base
    # ------------------------------------------------------------------
    @api.model
    def _clv_summary(self, company, today, since=None):
        """Per customer: repeat purchase days, recency and age in weeks, and the
        average value of the repeat purchase days (as in Fader-Hardie); with
        ``since``, only of the customers who bought after that day."""
        self.env.cr.execute(
            SQL(
                """
            WITH days AS (
                SELECT r.partner_id AS pid, r.date AS d,
                       SUM(r.amount) AS amount,
                       ROW_NUMBER() OVER (PARTITION BY r.partner_id
                                          ORDER BY r.date) AS rn
                  FROM %(revenue)s r
                  JOIN res_partner p ON p.id = r.partner_id
                 WHERE r.move_type = 'out_invoice' AND %(customer)s AND %(buyers)s
                 GROUP BY r.partner_id, r.date
            )
            SELECT pid,
                   COUNT(*) - 1 AS frequency,
                   (MAX(d) - MIN(d)) / 7.0 AS recency,
                   (%(today)s - MIN(d)) / 7.0 AS age,
                   COALESCE(AVG(amount) FILTER (WHERE rn > 1), 0) AS monetary
              FROM days
             GROUP BY pid
            HAVING %(since)s::date IS NULL OR MAX(d) >= %(since)s::date
            """,
                today=today,
                since=since,
                revenue=self.env["key_account.measure"]._revenue_lines_sql(
                    company, None, today
                ),
                customer=self.env["key_account.measure"]._customer_sql(company, "p"),
                # with ``since``, the whole history of the recent buyers only
                # (not a window over every customer's invoices)
                buyers=SQL(
                    "r.partner_id IN (SELECT b.partner_id FROM %s b)",
                    self.env["key_account.measure"]._revenue_lines_sql(
                        company, since, today
                    ),
                )
                if since
                else SQL("TRUE"),
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return None
        ids, freq, rec, age, money = (np.array(col) for col in zip(*rows, strict=True))
        return (
            ids.astype(int),
            freq.astype(float),
            rec.astype(float),
            age.astype(float),
            money.astype(float),
        )

    @api.model
    def _refresh_clv(self, company, today):
        """BG/NBD and Gamma-Gamma, fitted once a week (``CLV_REFIT_DAYS``) on
        the customers of ``company``, and every customer scored; on the other
        nights only the customers who bought since the fit are scored again,
        with the fitted parameters: a night without purchases writes nothing."""
        fitted = company.sudo().ka_clv_model or {}
        fit_day = fitted.get("date") and fields.Date.to_date(fitted["date"])
        refit = (
            not fit_day
            or today < fit_day
            or (today - fit_day).days >= CLV_REFIT_DAYS
            or "bg" not in fitted
        )
        summary = self._clv_summary(company, today, since=None if refit else fit_day)
        if summary is None:
            return 0
        ids, freq, rec, age, money = summary
        # a purchase on the day of the refresh has no age yet
        age = np.maximum(age, rec)
        repeat = (freq > 0) & (money > 0)
        if refit:
            models_ = self._fit_clv(freq, rec, age, money, repeat)
            if models_ is None:
                return 0
            bg, gg = models_
            company.sudo().ka_clv_model = {
                "date": fields.Date.to_string(today),
                "bg": bg,
                "gg": gg,
            }
        else:
            bg, gg = fitted["bg"], fitted["gg"]
        params = self.env["ir.config_parameter"].sudo()
        horizon_days = int(params.get_param("key_account.clv_horizon_days", 365))
        discount = float(params.get_param("key_account.clv_monthly_discount", 0.01))
        p_alive = clv.probability_alive(bg, freq, rec, age)
        p_purchase = clv.probability_purchase_within(bg, 90 / 7.0, freq, rec, age)
        expected = clv.expected_purchases(bg, horizon_days / 7.0, freq, rec, age)
        # customers without repeat purchases get the population's mean order value
        money_for_clv = np.where(repeat, money, 0.0)
        value = clv.customer_lifetime_value(
            bg,
            gg,
            freq,
            rec,
            age,
            money_for_clv,
            horizon=horizon_days / 30.0,
            discount_rate=discount,
        )
        self.env.cr.execute(
            """
            UPDATE key_account_partner_figures p
               SET ka_p_alive = v.p_alive,
                   ka_expected_purchases = v.expected,
                   ka_clv = v.clv,
                   ka_p_purchase_90d = v.p_purchase
              FROM unnest(%s::int[], %s::float8[], %s::float8[], %s::float8[],
                          %s::float8[])
                   AS v(id, p_alive, expected, clv, p_purchase)
             WHERE p.partner_id = v.id
               AND (p.ka_p_alive, p.ka_expected_purchases, p.ka_clv,
                    p.ka_p_purchase_90d)
                   IS DISTINCT FROM (v.p_alive, v.expected, v.clv, v.p_purchase)
            """,
            (
                ids.tolist(),
                # rounded as shown: the customers' ages grow every night, and
                # unrounded values would rewrite every buyer's row every night
                np.round(p_alive, 3).tolist(),
                np.round(expected, 2).tolist(),
                np.round(value, 0).tolist(),
                np.round(p_purchase, 3).tolist(),
            ),
        )
        changed = self.env.cr.rowcount
        self._invalidate_figures(changed)
        _logger.info(
            "key_account: CLV of %s customers (BG/NBD %s, GG %s)", len(ids), bg, gg
        )
        return changed

    @api.model
    def _fit_clv(self, freq, rec, age, money, repeat):
        """The two models fitted on (a random sample of) the customers, or
        None when the data cannot carry them (the CLV figures then keep their
        values; grades and warnings still run)."""
        if repeat.sum() < CLV_MIN_REPEAT_CUSTOMERS:
            _logger.info(
                "key_account: %s repeat customers, too few to fit the CLV models",
                int(repeat.sum()),
            )
            return None
        # a random sample of the customer base estimates the parameters as
        # well as the whole base, in a fraction of the time
        rng = np.random.default_rng(0)
        fit = np.arange(len(freq))
        if len(fit) > CLV_FIT_SAMPLE:
            fit = np.sort(rng.choice(fit, CLV_FIT_SAMPLE, replace=False))
        fit_repeat = fit[repeat[fit]]
        try:
            bg = clv.fit_bgnbd(freq[fit], rec[fit], age[fit])
            gg = clv.fit_gamma_gamma(freq[fit_repeat], money[fit_repeat])
        except clv.CLVInputError as error:
            _logger.warning("key_account: CLV models not fitted: %s", error)
            return None
        return bg, gg
