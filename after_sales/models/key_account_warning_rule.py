from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class KeyAccountWarningRule(models.Model):
    """Warnings on the service figures: SLA breaches, low satisfaction."""

    _inherit = "key_account.warning.rule"

    warning_type = fields.Selection(
        selection_add=[
            ("as_sla_breaches", "SLA Breaches in 12 Months From N"),
            ("as_complaints", "Complaints in 12 Months From N"),
            ("as_low_satisfaction", "Satisfaction Below a Score"),
        ],
        ondelete={
            "as_sla_breaches": "cascade",
            "as_complaints": "cascade",
            "as_low_satisfaction": "cascade",
        },
    )

    @api.constrains("warning_type", "days", "threshold")
    def _check_parameters(self):
        result = super()._check_parameters()
        for rule in self:
            kind = rule.warning_type
            if kind in ("as_sla_breaches", "as_complaints") and rule.threshold < 1:
                raise ValidationError(
                    self.env._(
                        "Warning rule %(rule)s needs a number of tickets (1 or more).",
                        rule=rule.name,
                    )
                )
            if kind == "as_low_satisfaction" and not 1 < rule.threshold <= 5:
                raise ValidationError(
                    self.env._(
                        "Warning rule %(rule)s needs a score above 1 and up to 5.",
                        rule=rule.name,
                    )
                )
        return result

    def _matching_sql(self, company, today):
        columns = {
            "as_sla_breaches": ("as_sla_breach_count_12m", ">="),
            "as_complaints": ("as_complaint_count_12m", ">="),
            "as_low_satisfaction": ("as_satisfaction", "<"),
        }
        if self.warning_type not in columns:
            return super()._matching_sql(company, today)
        column, operator = columns[self.warning_type]
        condition = SQL(
            "f.%s %s %s", SQL.identifier(column), SQL(operator), self.threshold
        )
        if self.warning_type == "as_low_satisfaction":
            # customers without a rated revisit have no satisfaction
            condition = SQL("%s AND f.as_revisit_count_12m > 0", condition)
        return SQL(
            "SELECT p.id, f.%(column)s FROM res_partner p "
            "JOIN key_account_partner_figures f ON f.partner_id = p.id "
            "WHERE %(customers)s AND %(condition)s",
            column=SQL.identifier(column),
            customers=self.env["key_account.measure"]._customer_sql(company, "p"),
            condition=condition,
        )
