from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

SIGNAL_TYPES = ("growth", "upgrade", "new_category", "figure")
# figures a generic threshold rule may test: numbers of the figures table
FIGURE_TYPES = ("integer", "float", "monetary")


class KeyAccountWarningRule(models.Model):
    """Value signals (价值信号) beside the warnings: the same rules, run by
    the same nightly step, raise a thank/encourage (感谢/鼓励) activity for
    the account manager when a customer grows, moves up a grade, buys a new
    product category or passes a figure's threshold; once per open signal,
    closed when the customer no longer matches."""

    _inherit = "key_account.warning.rule"

    direction = fields.Selection(
        [("warning", "Warning"), ("signal", "Value Signal")],
        required=True,
        default="warning",
        help="A warning spots trouble; a value signal spots a customer to thank "
        "or encourage.",
    )
    warning_type = fields.Selection(
        selection_add=[
            ("growth", "Revenue Up by X %"),
            ("upgrade", "Grade Upgraded"),
            ("new_category", "First Order in a New Product Category"),
            ("figure", "Figure Reaches a Threshold"),
        ],
        ondelete={kind: "cascade" for kind in SIGNAL_TYPES},
    )
    figure_field_id = fields.Many2one(
        "ir.model.fields",
        string="Figure",
        ondelete="cascade",
        domain=[
            ("model", "=", "key_account.partner.figures"),
            ("ttype", "in", FIGURE_TYPES),
            ("store", "=", True),
        ],
        help="Figure threshold: the customer figure compared with the threshold "
        "(at least).",
    )

    @api.constrains("warning_type", "days", "threshold", "figure_field_id")
    def _check_signal_parameters(self):
        for rule in self.filtered(lambda r: r.warning_type in SIGNAL_TYPES):
            kind = rule.warning_type
            if kind in ("upgrade", "new_category") and rule.days <= 0:
                raise ValidationError(
                    self.env._("Rule %(rule)s needs a number of days.", rule=rule.name)
                )
            if kind == "growth" and rule.threshold <= 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s needs a positive percentage.", rule=rule.name
                    )
                )
            if kind == "figure" and (
                not rule.figure_field_id
                or rule.figure_field_id.model != "key_account.partner.figures"
                or rule.figure_field_id.ttype not in FIGURE_TYPES
                or not rule.figure_field_id.store
            ):
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s needs a numeric customer figure.",
                        rule=rule.name,
                    )
                )

    @api.onchange("direction")
    def _onchange_direction(self):
        if self.direction == "signal":
            self.activity_type_id = self.env.ref(
                "key_account.mail_activity_type_thanks", raise_if_not_found=False
            )

    def _activity_summary(self):
        if self.direction == "signal":
            return self.env._("Thank / encourage: %(rule)s", rule=self.name)
        return super()._activity_summary()

    def _matching_sql(self, company, today):
        self.ensure_one()
        kind = self.warning_type
        if kind not in SIGNAL_TYPES:
            return super()._matching_sql(company, today)
        customers = self.env["key_account.measure"]._customer_sql(company, "p")
        if kind == "growth":
            return SQL(
                "SELECT p.id, f.ka_revenue_change_pct FROM res_partner p "
                "JOIN key_account_partner_figures f ON f.partner_id = p.id "
                "WHERE %(customers)s AND f.ka_revenue_prev_12m > 0 "
                "AND f.ka_revenue_change_pct >= %(pct)s",
                customers=customers,
                pct=abs(self.threshold),
            )
        if kind == "upgrade":
            return SQL(
                "SELECT p.id, %(today)s - MAX(h.effective_date) FROM res_partner p "
                "JOIN key_account_grade_history h ON h.partner_id = p.id "
                "WHERE %(customers)s AND h.direction = 'up' "
                "AND h.effective_date >= %(since)s GROUP BY p.id",
                today=today,
                customers=customers,
                since=today - timedelta(days=self.days),
            )
        if kind == "new_category":
            # a category first bought in the last N days by a customer who
            # had bought before. The scan starts from the window's orders
            # (sale_order's date index) and reads the earlier lines of their
            # customers only: not the whole order history every night.
            since = company._ka_day_start_utc(today - timedelta(days=self.days - 1))
            return SQL(
                """
                WITH recent AS MATERIALIZED (
                    SELECT DISTINCT cp.commercial_partner_id AS pid, pt.categ_id
                      FROM sale_order o
                      JOIN sale_order_line l ON l.order_id = o.id
                      JOIN res_partner cp ON cp.id = o.partner_id
                      JOIN product_product pp ON pp.id = l.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE o.state = 'sale' AND o.company_id = %(company)s
                       AND o.date_order >= %(since)s AND o.date_order < %(end)s
                       AND l.display_type IS NULL
                ), earlier AS MATERIALIZED (
                    -- the confirmed orders before the window of those customers
                    SELECT o.id, c.commercial_partner_id AS pid
                      FROM res_partner c
                      JOIN sale_order o ON o.partner_id = c.id
                     WHERE c.commercial_partner_id IN (SELECT pid FROM recent)
                       AND o.state = 'sale' AND o.company_id = %(company)s
                       AND o.date_order < %(since)s
                ), bought AS (
                    SELECT DISTINCT e.pid, pt.categ_id
                      FROM earlier e
                      JOIN sale_order_line l ON l.order_id = e.id
                      JOIN product_product pp ON pp.id = l.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE l.display_type IS NULL
                )
                SELECT p.id, COUNT(*) FROM recent n
                  JOIN res_partner p ON p.id = n.pid
                 WHERE %(customers)s
                   AND EXISTS (SELECT 1 FROM bought b WHERE b.pid = n.pid)
                   AND NOT EXISTS (
                       SELECT 1 FROM bought b
                        WHERE b.pid = n.pid
                          AND b.categ_id IS NOT DISTINCT FROM n.categ_id)
                 GROUP BY p.id
                """,
                company=company.id,
                end=company._ka_day_start_utc(today + timedelta(days=1)),
                since=since,
                customers=customers,
            )
        column = SQL.identifier("f", self.figure_field_id.name)
        return SQL(
            "SELECT p.id, %(column)s FROM res_partner p "
            "JOIN key_account_partner_figures f ON f.partner_id = p.id "
            "WHERE %(customers)s AND %(column)s >= %(threshold)s",
            column=column,
            customers=customers,
            threshold=self.threshold,
        )
