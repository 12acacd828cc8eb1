from odoo import api, fields, models


class KeyAccountWarning(models.Model):
    """预警: a customer that matches a warning rule."""

    _name = "key_account.warning"
    _description = "Customer Warning"
    _order = "state, date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True
    )
    rule_id = fields.Many2one(
        "key_account.warning.rule", required=True, ondelete="cascade"
    )
    warning_type = fields.Selection(related="rule_id.warning_type", store=True)
    severity = fields.Selection(related="rule_id.severity", store=True)
    user_id = fields.Many2one(
        "res.users", string="Account Manager", ondelete="set null", index=True
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", ondelete="set null")
    date = fields.Date(required=True, default=fields.Date.context_today)
    value = fields.Float(
        string="Observed Value",
        help="Days without order, revenue change in %, probability alive or overdue "
        "amount, as the rule measures it.",
    )
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], default="open", required=True
    )
    closed_date = fields.Date()
    activity_id = fields.Many2one("mail.activity", ondelete="set null")

    _sql_constraints = [
        (
            "open_unique",
            "EXCLUDE (partner_id WITH =, rule_id WITH =) WHERE (state = 'open')",
            "This customer already has an open warning of this rule.",
        ),
    ]

    @api.depends("partner_id", "rule_id")
    def _compute_display_name(self):
        for warning in self:
            warning.display_name = (
                f"{warning.partner_id.display_name} - {warning.rule_id.name}"
            )

    @api.model
    def _raise_warnings(self, rule, partner_ids, values, today):
        partners = self.env["res.partner"].browse(partner_ids)
        warnings = self.create(
            [
                {
                    "partner_id": partner.id,
                    "rule_id": rule.id,
                    "user_id": partner.user_id.id,
                    "team_id": partner.team_id.id,
                    "date": today,
                    "value": float(values.get(partner.id) or 0),
                }
                for partner in partners
            ]
        )
        with_user = warnings.filtered("user_id")
        if rule.activity_type_id and with_user:
            model_id = self.env["ir.model"]._get_id("res.partner")
            activities = (
                self.env["mail.activity"]
                .sudo()
                .with_context(mail_activity_quick_update=True)
                .create(
                    [
                        {
                            "res_model_id": model_id,
                            "res_id": warning.partner_id.id,
                            "user_id": warning.user_id.id,
                            "activity_type_id": rule.activity_type_id.id,
                            "date_deadline": today,
                            "summary": self.env._("Warning: %(rule)s", rule=rule.name),
                        }
                        for warning in with_user
                    ]
                )
            )
            # one UPDATE for the whole batch, not one per warning
            self.env.cr.execute(
                "UPDATE key_account_warning w SET activity_id = v.activity "
                "FROM unnest(%s::int[], %s::int[]) AS v(warning, activity) "
                "WHERE w.id = v.warning",
                (with_user.ids, activities.ids),
            )
            warnings.invalidate_recordset(["activity_id"])
        return warnings

    def _close(self):
        self.write({"state": "closed", "closed_date": fields.Date.context_today(self)})
        self.activity_id.sudo().unlink()
