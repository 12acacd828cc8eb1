import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_compare

from ..lib.system_fields import check_system_fields

_logger = logging.getLogger(__name__)

# what the nightly matching writes, never a user
SYSTEM_FIELDS = (
    "paid_amount",
    "residual",
    "state",
    "overdue_notified_date",
    # taken from the order or contract: the record rules read them
    "company_id",
    "currency_id",
    "amount_company",
    "partner_id",
    "user_id",
    "team_id",
)


class KeyAccountInstalment(models.Model):
    """回款计划: one instalment of a receivable plan (date, amount or percent
    of the order, condition) of a confirmed order, or of another document an
    addon adds (``_ka_document_fields``: after_sales' contracts). The nightly
    pipeline matches the collections of each document (the paid part of its
    posted invoices and refunds) against its instalments in date order, marks
    them paid, partly paid or overdue and warns the account manager once per
    overdue instalment."""

    _name = "key_account.instalment"
    _inherit = ["key_account.input.mixin"]
    _description = "Receivable Plan Instalment"
    _order = "order_id, date, sequence, id"
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order",
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    sequence = fields.Integer(default=10)
    # taken from the plan's document (the order, or what an addon adds)
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_document_links",
        store=True,
        index=True,
        precompute=True,
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_document_links",
        store=True,
        precompute=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_document_links",
        store=True,
        index=True,
        precompute=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        compute="_compute_document_links",
        store=True,
        index=True,
        precompute=True,
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_document_links",
        store=True,
        index=True,
        precompute=True,
    )
    date = fields.Date(string="Due Date", required=True, index=True)
    condition = fields.Selection(
        [
            ("signing", "On Signing"),
            ("delivery", "On Delivery"),
            ("acceptance", "On Acceptance"),
            ("warranty", "After the Warranty"),
            ("other", "Other"),
        ],
        required=True,
        default="signing",
    )
    note = fields.Char()
    amount_type = fields.Selection(
        [("amount", "Amount"), ("percent", "Percent of the Order")],
        string="Planned As",
        required=True,
        default="percent",
    )
    percent = fields.Float(digits=(5, 2))
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    amount_company = fields.Monetary(
        string="Amount in Company Currency",
        currency_field="company_currency_id",
        compute="_compute_amount_company",
        store=True,
        help="The amount at the rate of its due date, in the company's "
        "currency: the collections KPI compares it with the collections.",
    )
    paid_amount = fields.Monetary(string="Collected", readonly=True, copy=False)
    residual = fields.Monetary(
        string="To Collect", compute="_compute_residual", store=True, copy=False
    )
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("partial", "Partly Collected"),
            ("paid", "Collected"),
            ("overdue", "Overdue"),
        ],
        default="planned",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    overdue_notified_date = fields.Date(
        string="Overdue Warning Sent", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "amount_positive",
            "CHECK(amount > 0)",
            "An instalment has an amount above zero.",
        ),
        (
            "percent_range",
            "CHECK(percent >= 0 AND percent <= 100)",
            "A percentage is between 0 and 100.",
        ),
    ]

    @api.model
    def _ka_document_fields(self):
        """The fields naming the document of a plan: exactly one is set.
        Extend with ``super() + [...]``."""
        return ["order_id"]

    @api.depends(
        "order_id.company_id",
        "order_id.currency_id",
        "order_id.partner_id.commercial_partner_id",
        "order_id.user_id",
        "order_id.team_id",
    )
    def _compute_document_links(self):
        for line in self:
            order = line.order_id
            if not order:
                # another document's: an addon's override fills them
                line.company_id = line.currency_id = line.partner_id = False
                line.user_id = line.team_id = False
                continue
            line.company_id = order.company_id
            line.currency_id = order.currency_id
            line.partner_id = order.partner_id.commercial_partner_id
            line.user_id = order.user_id
            line.team_id = order.team_id

    @api.depends("amount_type", "percent", "order_id.amount_total")
    def _compute_amount(self):
        for line in self:
            if line.amount_type == "percent" and line.order_id:
                line.amount = line.order_id.currency_id.round(
                    line.order_id.amount_total * line.percent / 100.0
                )

    @api.depends("amount", "currency_id", "company_id", "date")
    def _compute_amount_company(self):
        """One rate per currency, company and day, whatever the number of
        instalments (Odoo's own conversion: ``res.currency``)."""
        rates = {}
        for line in self:
            company = line.company_id
            if (
                not company
                or not line.currency_id
                or line.currency_id == company.currency_id
            ):
                line.amount_company = line.amount
                continue
            day = line.date or fields.Date.context_today(line)
            key = (line.currency_id, company, day)
            if key not in rates:
                rates[key] = line.currency_id._get_conversion_rate(
                    line.currency_id, company.currency_id, company, day
                )
            line.amount_company = company.currency_id.round(line.amount * rates[key])

    @api.depends("amount", "paid_amount")
    def _compute_residual(self):
        for line in self:
            line.residual = line.amount - line.paid_amount

    def _check_document(self):
        names = self._ka_document_fields()
        for line in self:
            if sum(1 for name in names if line[name]) != 1:
                raise ValidationError(
                    self.env._(
                        "An instalment belongs to one confirmed order or one contract."
                    )
                )

    def _ka_document_name(self):
        """The name of the plan's document, in the overdue warning."""
        self.ensure_one()
        return self.order_id.name

    @api.constrains("order_id", "amount")
    def _check_plan(self):
        self._check_document()
        for order in self.order_id:
            if order.state != "sale":
                raise ValidationError(
                    self.env._(
                        "A receivable plan belongs to a confirmed order; %(order)s "
                        "is not confirmed.",
                        order=order.name,
                    )
                )
            planned = sum(order.ka_instalment_ids.mapped("amount"))
            if (
                float_compare(
                    planned,
                    order.amount_total,
                    precision_rounding=order.currency_id.rounding,
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The instalments of %(order)s add up to %(planned)s, more "
                        "than the order's total %(total)s.",
                        order=order.name,
                        planned=planned,
                        total=order.amount_total,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        check_system_fields(self, SYSTEM_FIELDS, vals_list, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        check_system_fields(self, SYSTEM_FIELDS, [vals])
        return super().write(vals)

    # ------------------------------------------------------------------
    # nightly matching (set-wise)
    # ------------------------------------------------------------------
    @api.model
    def _plan_key_sql(self, alias):
        """SQL of the key of an instalment's plan: the document it belongs to,
        one integer per document (addons extend it for their documents)."""
        return SQL.identifier(alias, "order_id")

    @api.model
    def _collected_sql(self, company):
        """Rows (plan_key, collected) of the documents of ``company`` with a
        plan; here the orders: the paid share of each posted invoice (minus
        refunds) spread over the orders its lines come from, in the order's
        currency. Addons add their documents' rows with UNION ALL."""
        return SQL(
            """
            SELECT sol.order_id AS plan_key,
                   SUM(
                       CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                       * aml.price_total
                       * CASE WHEN am.amount_total = 0 THEN 0
                              ELSE 1 - am.amount_residual / am.amount_total END
                   ) AS collected
              FROM sale_order_line sol
              JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE sol.order_id IN (
                       SELECT DISTINCT i.order_id FROM key_account_instalment i
                        WHERE i.company_id = %(company)s)
               AND am.state = 'posted'
               AND am.move_type IN ('out_invoice', 'out_refund')
             GROUP BY sol.order_id
            """,
            company=company.id,
        )

    @api.model
    def _ka_reconvert(self, company):
        """The instalments of ``company`` in another currency, converted
        again at the rates known tonight: a plan is made ahead of its due
        dates, before their rates are entered, and the company amount is
        the due date's rate (the collections forecast and the KPI's planned
        collections read it)."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id FROM key_account_instalment "
            "WHERE company_id = %s AND currency_id != %s",
            (company.id, company.currency_id.id),
        )
        foreign = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        if foreign:
            self.env.add_to_compute(self._fields["amount_company"], foreign)
            foreign.flush_recordset(["amount_company"])

    @api.model
    def _run_matching(self, company, today):
        """Match the collections of ``company``'s orders against their plans
        (first due, first paid), set the states as of ``today``, and warn the
        account managers once per overdue instalment. Idempotent. Returns the
        number of instalments changed plus warnings sent."""
        self._ka_reconvert(company)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            WITH collected AS (%(collected)s),
            planned AS (
                SELECT i.id, i.amount, i.date,
                       COALESCE(c.collected, 0) AS collected,
                       COALESCE(SUM(i.amount) OVER (
                           PARTITION BY %(key)s ORDER BY i.date, i.sequence, i.id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                           AS before
                  FROM key_account_instalment i
                  LEFT JOIN collected c ON c.plan_key = %(key)s
                 WHERE i.company_id = %(company)s
            ),
            matched AS (
                SELECT id, date, amount,
                       ROUND(LEAST(GREATEST(collected - before, 0), amount), 2)
                           AS paid
                  FROM planned
            )
            UPDATE key_account_instalment i
               SET paid_amount = m.paid,
                   residual = m.amount - m.paid,
                   state = CASE WHEN m.paid >= m.amount THEN 'paid'
                                WHEN m.date < %(today)s THEN 'overdue'
                                WHEN m.paid > 0 THEN 'partial'
                                ELSE 'planned' END
              FROM matched m
             WHERE i.id = m.id
               AND (i.paid_amount IS DISTINCT FROM m.paid
                    OR i.residual IS DISTINCT FROM m.amount - m.paid
                    OR i.state IS DISTINCT FROM (
                        CASE WHEN m.paid >= m.amount THEN 'paid'
                             WHEN m.date < %(today)s THEN 'overdue'
                             WHEN m.paid > 0 THEN 'partial'
                             ELSE 'planned' END))
            """,
                collected=self._collected_sql(company),
                key=self._plan_key_sql("i"),
                company=company.id,
                today=today,
            )
        )
        changed = self.env.cr.rowcount
        self.invalidate_model(["paid_amount", "residual", "state"])
        warned = self._warn_overdue(company, today)
        _logger.info(
            "key_account receivables: %s instalments changed, %s overdue warnings",
            changed,
            warned,
        )
        return changed + warned

    @api.model
    def _warn_overdue(self, company, today):
        """One activity for the account manager per overdue instalment, once."""
        self.env.cr.execute(
            SQL(
                """
            SELECT i.id, i.partner_id, COALESCE(p.user_id, i.user_id), o.name,
                   i.date, i.residual
              FROM key_account_instalment i
              LEFT JOIN sale_order o ON o.id = i.order_id
              JOIN res_partner p ON p.id = i.partner_id
             WHERE i.company_id = %s AND i.state = 'overdue'
               AND i.overdue_notified_date IS NULL
               AND COALESCE(p.user_id, i.user_id) IS NOT NULL
             ORDER BY i.id
            """,
                company.id,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return 0
        todo = self.env.ref("mail.mail_activity_data_todo")
        # the orders' names come with the rows, other documents' are read
        names = {row[0]: row[3] for row in rows if row[3]}
        names.update(
            (line.id, line._ka_document_name())
            for line in self.browse([row[0] for row in rows if not row[3]])
        )
        self.env["mail.activity"]._ka_create_for_partners(
            [
                (
                    pid,
                    uid,
                    todo.id,
                    today,
                    self.env._(
                        "Overdue instalment of %(order)s (due %(date)s): %(amount)s "
                        "to collect",
                        order=names[iid],
                        date=date,
                        amount=residual,
                    ),
                )
                for iid, pid, uid, _order, date, residual in rows
            ]
        )
        self.env.cr.execute(
            SQL(
                "UPDATE key_account_instalment SET overdue_notified_date = %s "
                "WHERE id = ANY(%s)",
                today,
                [row[0] for row in rows],
            )
        )
        self.invalidate_model(["overdue_notified_date"])
        return len(rows)
