from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class KeyAccountWarningRule(models.Model):
    """预警规则: a condition on the customer figures that raises a warning."""

    _name = "key_account.warning.rule"
    _description = "Customer Warning Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    warning_type = fields.Selection(
        [
            ("no_order", "No Order for N Days"),
            ("revenue_drop", "Revenue Down by X %"),
            ("p_alive", "Probability Alive Below P"),
            ("overdue", "Overdue Receivables Above an Amount"),
            ("downgrade", "Grade Downgraded"),
        ],
        string="Condition",
        required=True,
    )
    days = fields.Integer(
        help="No order: days since the last confirmed order. Downgrade: how many "
        "days a downgrade stays a warning."
    )
    threshold = fields.Float(
        help="Revenue drop: percentage (20 = down 20 % on the previous 12 months). "
        "Probability alive: between 0 and 1. Overdue: amount in the company "
        "currency."
    )
    severity = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        default="medium",
        required=True,
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity",
        ondelete="set null",
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        ),
        help="The activity created for the account manager; none if empty.",
    )
    warning_count = fields.Integer(compute="_compute_warning_count", string="Open")

    @api.constrains("warning_type", "days", "threshold")
    def _check_parameters(self):
        for rule in self:
            kind = rule.warning_type
            if kind in ("no_order", "downgrade") and rule.days <= 0:
                raise ValidationError(
                    self.env._(
                        "Warning rule %(rule)s needs a number of days.", rule=rule.name
                    )
                )
            if kind == "p_alive" and not 0 < rule.threshold < 1:
                raise ValidationError(
                    self.env._(
                        "Warning rule %(rule)s needs a probability between 0 and 1.",
                        rule=rule.name,
                    )
                )
            if kind in ("revenue_drop", "overdue") and rule.threshold <= 0:
                raise ValidationError(
                    self.env._(
                        "Warning rule %(rule)s needs a positive threshold.",
                        rule=rule.name,
                    )
                )

    def _compute_warning_count(self):
        counts = dict(
            self.env["key_account.warning"]._read_group(
                [("rule_id", "in", self.ids), ("state", "=", "open")],
                ["rule_id"],
                ["__count"],
            )
        )
        for rule in self:
            rule.warning_count = counts.get(rule, 0)

    def _activity_summary(self):
        """The summary of the activities of this rule's warnings."""
        self.ensure_one()
        return self.env._("Warning: %(rule)s", rule=self.name)

    def _matching_sql(self, company, today):
        """SQL selecting (partner id, value) of the customers of ``company``
        that match on the business day ``today``.

        The figures are joined by their partner (a unique index), so that
        PostgreSQL can start from the few figures that match and look their
        customers up by key, rather than scan every customer."""
        self.ensure_one()
        customers = self.env["key_account.measure"]._customer_sql(company, "p")
        kind = self.warning_type
        if kind == "no_order":
            return SQL(
                "SELECT p.id, %(today)s - f.ka_last_order_date FROM res_partner p "
                "JOIN key_account_partner_figures f ON f.partner_id = p.id "
                "WHERE %(customers)s AND f.ka_last_order_date < %(limit)s",
                today=today,
                customers=customers,
                limit=today - timedelta(days=self.days),
            )
        if kind == "revenue_drop":
            return SQL(
                "SELECT p.id, f.ka_revenue_change_pct FROM res_partner p "
                "JOIN key_account_partner_figures f ON f.partner_id = p.id "
                "WHERE %(customers)s AND f.ka_revenue_prev_12m > 0 "
                "AND f.ka_revenue_change_pct <= %(pct)s",
                customers=customers,
                pct=-abs(self.threshold),
            )
        if kind == "p_alive":
            return SQL(
                "SELECT p.id, f.ka_p_alive FROM res_partner p "
                "JOIN key_account_partner_figures f ON f.partner_id = p.id "
                "WHERE %(customers)s AND f.ka_p_alive IS NOT NULL "
                "AND f.ka_order_count > 0 AND f.ka_p_alive < %(p)s",
                customers=customers,
                p=self.threshold,
            )
        if kind == "overdue":
            return SQL(
                "SELECT p.id, f.ka_overdue FROM res_partner p "
                "JOIN key_account_partner_figures f ON f.partner_id = p.id "
                "WHERE %(customers)s AND f.ka_overdue > %(amount)s",
                customers=customers,
                amount=self.threshold,
            )
        return SQL(
            "SELECT p.id, %(today)s - MAX(h.effective_date) FROM res_partner p "
            "JOIN key_account_grade_history h ON h.partner_id = p.id "
            "WHERE %(customers)s AND h.direction = 'down' "
            "AND h.effective_date >= %(since)s GROUP BY p.id",
            today=today,
            customers=customers,
            since=today - timedelta(days=self.days),
        )

    @api.model
    def _run_rules(self, company, today):
        """Open the warnings that match and close those that no longer do.

        Per rule: one query for the matches, one for the open warnings, a
        batch insert of the new warnings and of their activities. An open
        warning is never raised twice. Returns (opened, closed).
        """
        Warning = self.env["key_account.warning"].sudo()
        customers = self.env["key_account.measure"]._customer_sql(company, "p")
        self.env.flush_all()
        opened = closed = 0
        rules = self.search([("active", "=", True)])
        if not rules:
            return opened, closed
        # the open warnings of every rule in one query (one scan of the
        # customers, not one per rule)
        self.env.cr.execute(
            SQL(
                "SELECT w.rule_id, w.partner_id, w.id FROM key_account_warning w "
                "JOIN res_partner p ON p.id = w.partner_id "
                "WHERE w.rule_id = ANY(%s) AND w.state = 'open' AND %s",
                rules.ids,
                customers,
            )
        )
        open_warnings = defaultdict(dict)
        for rule_id, partner_id, warning_id in self.env.cr.fetchall():
            open_warnings[rule_id][partner_id] = warning_id
        for rule in rules:
            self.env.cr.execute(rule._matching_sql(company, today))
            matches = dict(self.env.cr.fetchall())
            current = open_warnings[rule.id]
            new_ids = [pid for pid in matches if pid not in current]
            gone = Warning.browse(
                [wid for pid, wid in current.items() if pid not in matches]
            )
            if new_ids:
                Warning._raise_warnings(rule, new_ids, matches, today)
            if gone:
                gone._close(today)
            opened += len(new_ids)
            closed += len(gone)
        return opened, closed
