from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL


class KeyAccountMeasure(models.AbstractModel):
    """The business terms every addon counts with, defined once.

    * **customer** of a company (:meth:`_customer_sql`): an active,
      top-level company partner that is not one of our own companies, not
      typed competitor or supplier, and belongs to that company: its own
      company, or the first company for customers shared by all companies.
      Each customer therefore has its figures in exactly one company, in that
      company's currency.
    * **revenue** (:meth:`_revenue_lines_sql`): posted customer invoices minus
      refunds of the company, untaxed, in the company's currency
      (``amount_untaxed_signed``), dated by the invoice date.
    * **follow-up** (:meth:`_followup_events_sql`): a done activity on the
      customer or one of its contacts; other addons add their own kinds
      (a done visit) through :meth:`_followup_event_sources`.

    The methods return SQL to compose: PostgreSQL inlines them in the
    statement that aggregates them, so every figure is one query for all
    customers.
    """

    _name = "key_account.measure"
    _description = "Key-Account Business Terms"

    # ------------------------------------------------------------------
    # customer
    # ------------------------------------------------------------------
    @api.model
    def _figures_company_sql(self, alias="p"):
        """The company whose figures a partner carries (SQL expression)."""
        main = self.env["res.company"]._ka_main_company()
        return SQL(
            "COALESCE(%s, %s)", SQL.identifier(alias, "company_id"), main.id or 0
        )

    @api.model
    def _own_company_partner_ids(self):
        companies = self.env["res.company"].sudo().with_context(active_test=False)
        return companies.search([("partner_id", "!=", False)]).partner_id.ids

    @api.model
    def _customer_sql(self, company, alias="p"):
        """SQL condition: partner ``alias`` is a customer of ``company``.

        Written as plain comparisons of columns (no COALESCE), so that
        PostgreSQL estimates it from the columns' statistics: with COALESCE
        it guessed 0.5 % of the partners, and joined the figures of 100,000
        customers one index probe at a time (``make bench``).
        """

        def col(name):
            return SQL.identifier(alias, name)

        main = self.env["res.company"]._ka_main_company()
        if company == main:
            # a partner without a company carries the main company's figures
            of_company = SQL(
                "(%s = %s OR %s IS NULL)",
                col("company_id"),
                company.id,
                col("company_id"),
            )
        else:
            of_company = SQL("%s = %s", col("company_id"), company.id)
        return SQL(
            "(%s AND %s AND %s IS NULL AND %s AND NOT (%s = ANY(%s))"
            " AND (%s IS NULL OR %s NOT IN ('competitor', 'supplier')))",
            col("is_company"),
            col("active"),
            col("parent_id"),
            of_company,
            col("id"),
            self._own_company_partner_ids() or [0],
            col("ka_customer_type"),
            col("ka_customer_type"),
        )

    @api.model
    def _customer_domain(self, company=None):
        """The same as an ORM domain (company: every company when None)."""
        domain = [
            ("is_company", "=", True),
            ("active", "=", True),
            ("parent_id", "=", False),
            ("id", "not in", self._own_company_partner_ids()),
            ("ka_customer_type", "not in", ["competitor", "supplier"]),
        ]
        if company:
            main = self.env["res.company"]._ka_main_company()
            if company == main:
                domain.append(("company_id", "in", [company.id, False]))
            else:
                domain.append(("company_id", "=", company.id))
        return domain

    # ------------------------------------------------------------------
    # revenue
    # ------------------------------------------------------------------
    @api.model
    def _revenue_lines_sql(self, company, date_from, date_to):
        """The invoices that are revenue of ``company`` (every company when
        None) dated in ``[date_from, date_to]`` (business days, both included;
        None for no bound), one row each: move_id, partner_id (the commercial
        partner), user_id (salesperson), team_id, company_id, date, move_type,
        amount (in the company's currency, refunds negative)."""
        conditions = [
            SQL("m.state = 'posted'"),
            SQL("m.move_type IN ('out_invoice', 'out_refund')"),
        ]
        if company:
            conditions.append(SQL("m.company_id = %s", company.id))
        if date_from:
            conditions.append(SQL("m.invoice_date >= %s", date_from))
        if date_to:
            conditions.append(SQL("m.invoice_date <= %s", date_to))
        return SQL(
            """(SELECT m.id AS move_id, m.commercial_partner_id AS partner_id,
                      m.invoice_user_id AS user_id, m.team_id AS team_id,
                      m.company_id AS company_id,
                      m.invoice_date AS date, m.move_type AS move_type,
                      m.amount_untaxed_signed AS amount
                 FROM account_move m
                WHERE %s)""",
            SQL(" AND ").join(conditions),
        )

    @api.model
    def _revenue_by_partner(self, company, date_from, date_to, partner_ids=None):
        """{commercial partner id: revenue} over the period (one query)."""
        where = (
            SQL("WHERE r.partner_id = ANY(%s)", list(partner_ids))
            if partner_ids
            else SQL()
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT r.partner_id, SUM(r.amount) FROM %s r %s GROUP BY r.partner_id",
                self._revenue_lines_sql(company, date_from, date_to),
                where,
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # collections (回款) and the receivable plans
    # ------------------------------------------------------------------
    @api.model
    def _collections_sql(self, company, date_from, date_to):
        """Money received on the posted customer invoices of ``company``:
        each bank or cash payment reconciled with an invoice, dated by the
        reconciliation (``max_date``, in ``[date_from, date_to]``), one row
        each: user_id (the invoice's salesperson), partner_id (commercial
        partner), company_id, date, amount (in the company's currency)."""
        return SQL(
            """(SELECT inv.invoice_user_id AS user_id,
                      inv.commercial_partner_id AS partner_id,
                      inv.company_id AS company_id,
                      apr.max_date AS date, apr.amount AS amount
                 FROM account_move inv
                 JOIN account_move_line il
                   ON il.move_id = inv.id AND il.display_type = 'payment_term'
                 JOIN account_partial_reconcile apr ON apr.debit_move_id = il.id
                 JOIN account_move_line pl ON pl.id = apr.credit_move_id
                 JOIN account_journal j
                   ON j.id = pl.journal_id AND j.type IN ('bank', 'cash')
                WHERE inv.company_id = %s
                  AND inv.state = 'posted'
                  AND inv.move_type = 'out_invoice'
                  AND apr.max_date BETWEEN %s AND %s)""",
            company.id,
            date_from,
            date_to,
        )

    @api.model
    def _planned_collections_sql(self, company, date_from, date_to):
        """The collections planned for ``[date_from, date_to]``: the
        instalments of the receivable plans (回款计划, of orders and contracts)
        of ``company`` due in the period, whatever was collected since, one
        row each: user_id (the plan's salesperson), partner_id, team_id,
        company_id, date, amount (in the company's currency, at the rate of
        the due date, as the collections)."""
        return SQL(
            """(SELECT i.user_id, i.partner_id, i.team_id, i.company_id,
                      i.date, i.amount_company AS amount
                 FROM key_account_instalment i
                WHERE i.company_id = %s AND i.date BETWEEN %s AND %s)""",
            company.id,
            date_from,
            date_to,
        )

    # ------------------------------------------------------------------
    # follow-ups
    # ------------------------------------------------------------------
    @api.model
    def _followup_event_sources(self, company, start_utc, end_utc, tz):
        """SQL queries of follow-up events, each with the columns
        partner_id (the customer: the commercial partner), user_id, date (the
        business day in ``tz``), kind. Addons add theirs with super()."""
        return [
            SQL(
                """SELECT c.commercial_partner_id AS partner_id,
                          m.create_uid AS user_id,
                          (m.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS date,
                          'activity'::varchar AS kind
                     FROM mail_message m
                     JOIN res_partner c ON c.id = m.res_id
                    WHERE m.model = 'res.partner'
                      AND m.mail_activity_type_id IS NOT NULL
                      AND m.date >= %(start)s AND m.date < %(end)s""",
                tz=tz,
                start=start_utc,
                end=end_utc,
            )
        ]

    @api.model
    def _followup_events_sql(self, company, date_from, date_to):
        """Every follow-up of a customer of ``company`` between two business
        days (both included; ``date_from`` None for no lower bound), as one SQL
        subquery: partner_id, user_id, date, kind."""
        start = company._ka_day_start_utc(date_from) if date_from else "1900-01-01"
        end = company._ka_day_start_utc(date_to + timedelta(days=1))
        sources = self._followup_event_sources(
            company, start, end, company._ka_tz().zone
        )
        return SQL(
            "(SELECT e.* FROM (%s) e JOIN res_partner p ON p.id = e.partner_id"
            " WHERE %s)",
            SQL(" UNION ALL ").join(sources),
            self._customer_sql(company, "p"),
        )
