from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.access import check_key_reader


class ResPartner(models.Model):
    _inherit = "res.partner"

    as_authorization_count = fields.Integer(
        string="Authorizations",
        compute="_compute_as_authorization_count",
        groups="base.group_user",
    )
    as_contract_value = fields.Monetary(
        string="Contract Value (per Year)",
        currency_field="ka_currency_id",
        readonly=True,
        copy=False,
        help="Yearly recurring value of the customer's running sales contracts "
        "(lines started, not ended, not cancelled): 12 times their monthly "
        "recurring amount, untaxed. Recomputed with the key-account figures.",
        groups="base.group_user",
    )
    # the service figures (nightly step service_figures, in the customer's
    # row of figures): read, search and group like stored fields, usable in
    # grade rules, never written by users (figure fields are system fields)
    as_ticket_count_12m = fields.Integer(
        string="Tickets (12 Months)",
        related="ka_figures_id.as_ticket_count_12m",
        groups="base.group_user",
    )
    as_complaint_count_12m = fields.Integer(
        string="Complaints (12 Months)",
        related="ka_figures_id.as_complaint_count_12m",
        groups="base.group_user",
    )
    as_sla_breach_count_12m = fields.Integer(
        string="SLA Breaches (12 Months)",
        related="ka_figures_id.as_sla_breach_count_12m",
        groups="base.group_user",
    )
    as_revisit_count_12m = fields.Integer(
        string="Rated Revisits (12 Months)",
        related="ka_figures_id.as_revisit_count_12m",
        groups="base.group_user",
    )
    as_satisfaction = fields.Float(
        string="Satisfaction",
        related="ka_figures_id.as_satisfaction",
        groups="base.group_user",
    )

    @api.depends_context("uid")
    def _compute_as_authorization_count(self):
        Authorization = self.env["after_sales.authorization"]
        if not Authorization.has_access("read"):
            self.as_authorization_count = 0
            return
        commercial = self.commercial_partner_id
        counts = dict(
            Authorization._read_group(
                [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.as_authorization_count = counts.get(
                partner.commercial_partner_id, 0
            )

    @api.model
    def _ka_system_fields(self):
        # key_account refuses them in a user's create and write: the yearly
        # contract value is set with the figures
        return super()._ka_system_fields() | {"as_contract_value"}

    def write(self, vals):
        res = super().write(vals)
        if {"user_id", "team_id"}.intersection(vals):
            self._as_move_open_contract_plans()
        return res

    def action_as_view_authorizations(self):
        check_key_reader(self)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales.after_sales_authorization_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def _as_move_open_contract_plans(self):
        """The customers among ``self`` changed account manager or team
        (hand-over, pool, by hand): the receivable plans of their sales
        contracts still to be invoiced follow them; the past stays with
        whom it was credited to (key_account.instalment's
        ``_as_move_open_contract_plans``)."""
        customers = self.filtered(lambda p: p.commercial_partner_id == p)
        if not customers:
            return
        Instalment = self.env["key_account.instalment"].sudo()
        contracts = Instalment.search(
            [
                ("partner_id", "in", customers.ids),
                ("contract_id", "!=", False),
                ("state", "=", "planned"),
            ]
        ).contract_id
        Instalment._as_move_open_contract_plans(contracts)

    @api.model
    def _as_refresh_contract_value(self, company, today):
        """Set the yearly contract value of the customers of ``company``
        (key_account's definition) with one UPDATE; returns the rows changed.

        The value of a customer is 12 times the monthly recurring amount
        (contract's ``monthly_recurring``, untaxed) of the lines of its
        running sales contracts of ``company``: contract active, line not
        cancelled, started on ``today`` or before and not ended. Only changed
        rows are written, so a second run changes nothing.
        """
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            WITH val AS (
                SELECT cp.commercial_partner_id AS pid,
                       ROUND(12 * SUM(l.monthly_recurring)::numeric, 2) AS value
                  FROM contract_line l
                  JOIN contract_contract c ON c.id = l.contract_id
                  JOIN res_partner cp ON cp.id = c.partner_id
                 WHERE c.company_id = %(company)s
                   AND c.active
                   AND c.contract_type = 'sale'
                   AND l.display_type IS NULL
                   AND NOT COALESCE(l.is_canceled, FALSE)
                   AND l.date_start <= %(today)s
                   AND (l.date_end IS NULL OR l.date_end >= %(today)s)
                 GROUP BY cp.commercial_partner_id
            ), new AS (
                SELECT p.id, COALESCE(val.value, 0) AS value
                  FROM res_partner p
                  LEFT JOIN val ON val.pid = p.id
                 WHERE %(customer)s
                   AND (val.pid IS NOT NULL OR p.as_contract_value <> 0)
            )
            UPDATE res_partner p
               SET as_contract_value = n.value
              FROM new n
             WHERE p.id = n.id
               AND p.as_contract_value IS DISTINCT FROM n.value
            """,
                company=company.id,
                today=today,
                customer=self.env["key_account.measure"]._customer_sql(company, "p"),
            )
        )
        self.invalidate_model(["as_contract_value"])
        return self.env.cr.rowcount
