from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL


class KeyAccountInstalment(models.Model):
    """回款计划 on a contract: an instalment belongs to a confirmed order
    (key_account) or to a sales contract. The nightly matching counts a
    contract's collections from the paid share of its posted invoices and
    refunds (OCA contract: invoice lines keep their contract line). A
    contract's instalments are planned as amounts.

    A contract's instalment credits the contract's salesperson of the day
    it is planned (``contract.contract._as_salesperson``), as the contract's
    invoices credit the salesperson of the day they are made. A new account
    manager of the customer (hand-over, pool) takes over only the plan still
    to be invoiced (``_as_move_open_contract_plans``)."""

    _inherit = "key_account.instalment"

    contract_id = fields.Many2one(
        "contract.contract",
        ondelete="cascade",
        index="btree_not_null",
        check_company=True,
    )

    def _as_check_contract_planner(self, lines_or_vals):
        """Accountants keep the receivable plans of contracts: the account
        manager the plan is for may read it (the own-record rule lets a
        salesperson write their orders' plans), never change or delete it,
        since its amounts are the plan of their collections KPI."""
        if self.env.su or self.env.user.has_group("account.group_account_manager"):
            return
        if lines_or_vals:
            raise AccessError(
                self.env._(
                    "Only accounting managers can change the receivable plan of "
                    "a contract."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._as_check_contract_planner(
            [vals for vals in vals_list if vals.get("contract_id")]
        )
        return super().create(vals_list)

    def write(self, vals):
        self._as_check_contract_planner(
            self.filtered("contract_id") or vals.get("contract_id")
        )
        return super().write(vals)

    def unlink(self):
        self._as_check_contract_planner(self.filtered("contract_id"))
        return super().unlink()

    @api.model
    def _ka_document_fields(self):
        return super()._ka_document_fields() + ["contract_id"]

    # Not on the customer's account manager and team, nor on the contract's
    # responsible: the salesperson and team are those of the day the
    # instalment is planned; later changes move only the plan still to be
    # invoiced (_as_move_open_contract_plans), never the past.
    @api.depends(
        "contract_id.company_id",
        "contract_id.currency_id",
        "contract_id.partner_id.commercial_partner_id",
    )
    def _compute_document_links(self):
        res = super()._compute_document_links()
        for line in self.filtered("contract_id"):
            contract = line.contract_id
            customer = contract.partner_id.commercial_partner_id
            line.company_id = contract.company_id
            line.currency_id = contract.currency_id
            line.partner_id = customer
            # whom the contract's invoices credit
            line.user_id = contract._as_salesperson()
            line.team_id = customer.team_id
        return res

    @api.constrains("contract_id", "amount_type")
    def _check_contract_plan(self):
        self._check_document()
        for line in self.filtered("contract_id"):
            if line.contract_id.contract_type != "sale":
                raise ValidationError(
                    self.env._(
                        "A receivable plan belongs to a sales contract; "
                        "%(contract)s is a purchase contract.",
                        contract=line.contract_id.display_name,
                    )
                )
            if line.amount_type != "amount":
                raise ValidationError(
                    self.env._(
                        "The instalments of contract %(contract)s are planned as "
                        "amounts, not as a percent.",
                        contract=line.contract_id.display_name,
                    )
                )

    def _ka_document_name(self):
        if self.contract_id:
            return self.contract_id.display_name
        return super()._ka_document_name()

    @api.model
    def _plan_key_sql(self, alias):
        # orders keep their id as key, contracts the negative of theirs
        return SQL(
            "COALESCE(%s, -%s)",
            SQL.identifier(alias, "order_id"),
            SQL.identifier(alias, "contract_id"),
        )

    @api.model
    def _collected_sql(self, company):
        """Also the contracts of ``company`` with a plan: the paid share of
        the lines of their posted invoices and refunds."""
        return SQL(
            """%s
            UNION ALL
            SELECT -cl.contract_id AS plan_key,
                   SUM(
                       CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                       * aml.price_total
                       * CASE WHEN am.amount_total = 0 THEN 0
                              ELSE 1 - am.amount_residual / am.amount_total END
                   ) AS collected
              FROM account_move_line aml
              JOIN contract_line cl ON cl.id = aml.contract_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE cl.contract_id IN (
                       SELECT DISTINCT i.contract_id FROM key_account_instalment i
                        WHERE i.company_id = %s AND i.contract_id IS NOT NULL)
               AND am.state = 'posted'
               AND am.move_type IN ('out_invoice', 'out_refund')
             GROUP BY cl.contract_id
            """,
            super()._collected_sql(company),
            company.id,
        )

    @api.model
    def _as_move_open_contract_plans(self, contracts):
        """Give the open plan of ``contracts`` to their salesperson of today
        (``contract.contract._as_salesperson``) and the customer's team: the
        customer changed account manager (hand-over, pool) or the contract
        its responsible. Returns the instalments moved.

        An instalment moves only when all of it is still to come:

        * it is due after the company's today (one due today or before is in
          a period that has begun, or is over);
        * nothing of it is collected (state planned);
        * the contract's invoices made so far (posted or draft, refunds
          deducted, with taxes, as the matching counts them) do not reach it,
          first due first invoiced. Those invoices credit the salesperson
          they were made for, and their collections are matched against
          these first instalments: the plan stays with the same salesperson
          as the collections.

        The rest (the past, and what is already invoiced) keeps the
        salesperson it was credited to. Set-wise: one query per company, one
        write per salesperson and team."""
        contracts = contracts.sudo().filtered(lambda c: c.contract_type == "sale")
        if not contracts:
            return self.browse()
        self.env.flush_all()
        moved = self.browse()
        for company, group in contracts.grouped("company_id").items():
            self.env.cr.execute(
                SQL(
                    """
                WITH invoiced AS (
                    SELECT cl.contract_id,
                           SUM(CASE WHEN am.move_type = 'out_refund' THEN -1
                                    ELSE 1 END * aml.price_total) AS amount
                      FROM account_move_line aml
                      JOIN contract_line cl ON cl.id = aml.contract_line_id
                      JOIN account_move am ON am.id = aml.move_id
                     WHERE cl.contract_id = ANY(%(contracts)s)
                       AND am.state != 'cancel'
                       AND am.move_type IN ('out_invoice', 'out_refund')
                     GROUP BY cl.contract_id
                ), plan AS (
                    SELECT i.id, i.contract_id, i.date, i.state, i.paid_amount,
                           COALESCE(SUM(i.amount) OVER (
                               PARTITION BY i.contract_id
                               ORDER BY i.date, i.sequence, i.id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                               0) AS before
                      FROM key_account_instalment i
                     WHERE i.contract_id = ANY(%(contracts)s)
                )
                SELECT p.id
                  FROM plan p
                  LEFT JOIN invoiced v ON v.contract_id = p.contract_id
                 WHERE p.date > %(today)s
                   AND p.state = 'planned'
                   AND COALESCE(p.paid_amount, 0) = 0
                   AND p.before >= COALESCE(v.amount, 0)
                """,
                    contracts=group.ids,
                    today=company._ka_today(),
                )
            )
            moved |= self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        changed = self.browse()
        for (user, team), lines in moved.grouped(
            lambda i: (
                i.contract_id._as_salesperson(),
                i.contract_id.partner_id.commercial_partner_id.team_id,
            )
        ).items():
            lines = lines.filtered(
                lambda i, u=user, t=team: i.user_id != u or i.team_id != t
            )
            if lines:
                # the system's write: the salesperson is a system field
                lines.write({"user_id": user.id, "team_id": team.id})
                changed |= lines
        return changed.with_env(self.env)
