from odoo import api, fields, models
from odoo.tools import SQL


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
    date = fields.Date(required=True, default=lambda self: self.env.company._ka_today())
    value = fields.Float(
        string="Observed Value",
        help="Days without order, revenue change in %, probability alive or overdue "
        "amount, as the rule measures it.",
    )
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], default="open", required=True
    )
    closed_date = fields.Date()
    activity_id = fields.Many2one(
        "mail.activity",
        ondelete="set null",
        # every activity deleted anywhere looks its warnings up
        index="btree_not_null",
    )

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
        """Open warnings of ``rule`` for ``partner_ids`` and one activity each
        for their account managers: the activities first, then one INSERT of
        the warnings linked to them, whatever the number."""
        if not partner_ids:
            return self.browse()
        now = fields.Datetime.now()
        uid = self.env.uid
        self.env.flush_all()
        partner_ids = list(partner_ids)
        activity_of = {}
        if rule.activity_type_id:
            self.env.cr.execute(
                "SELECT id, user_id FROM res_partner "
                "WHERE id = ANY(%s) AND user_id IS NOT NULL ORDER BY id",
                (partner_ids,),
            )
            rows = self.env.cr.fetchall()
            summary = rule._activity_summary()
            activities = self.env["mail.activity"]._ka_create_for_partners(
                [
                    (pid, user, rule.activity_type_id.id, today, summary)
                    for pid, user in rows
                ]
            )
            activity_of = dict(
                zip((pid for pid, _user in rows), activities.ids, strict=True)
            )
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO key_account_warning
                   (partner_id, rule_id, user_id, team_id, warning_type, severity,
                    state, date, value, activity_id,
                    create_uid, create_date, write_uid, write_date)
            SELECT p.id, %(rule)s, p.user_id, p.team_id, %(kind)s, %(severity)s,
                   'open', %(today)s, COALESCE(v.value, 0), v.activity,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(pids)s::int[], %(values)s::float8[], %(activities)s::int[])
                   AS v(pid, value, activity)
              JOIN res_partner p ON p.id = v.pid
            RETURNING id
            """,
                rule=rule.id,
                kind=rule.warning_type,
                severity=rule.severity,
                today=today,
                uid=uid,
                now=now,
                pids=partner_ids,
                values=[
                    float(values[pid]) if values.get(pid) is not None else None
                    for pid in partner_ids
                ],
                activities=[activity_of.get(pid) for pid in partner_ids],
            )
        )
        warnings = self.browse([row[0] for row in self.env.cr.fetchall()])
        self.invalidate_model()
        return warnings

    def _close(self, today=None):
        today = today or self.env.company._ka_today()
        self.write({"state": "closed", "closed_date": today})
        self.activity_id.sudo().unlink()
