from odoo import api, fields, models
from odoo.tools import SQL


class KeyAccountGradeHistory(models.Model):
    """客户级别异动: every change of a customer's grade."""

    _name = "key_account.grade.history"
    _description = "Customer Grade Change"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True
    )
    old_grade_id = fields.Many2one("key_account.grade", ondelete="restrict")
    new_grade_id = fields.Many2one("key_account.grade", ondelete="restrict")
    date = fields.Datetime(default=fields.Datetime.now, required=True, index=True)
    rule_id = fields.Many2one("key_account.grade.rule", ondelete="set null")
    user_id = fields.Many2one(
        "res.users", string="Changed By", ondelete="set null", index=True
    )
    reason = fields.Char()
    direction = fields.Selection(
        [("up", "Upgrade"), ("down", "Downgrade"), ("new", "First Grade")],
        compute="_compute_direction",
        store=True,
    )

    @api.depends("old_grade_id.sequence", "new_grade_id.sequence")
    def _compute_direction(self):
        for change in self:
            old, new = change.old_grade_id, change.new_grade_id
            if not old:
                change.direction = "new"
            elif new and new.sequence < old.sequence:
                change.direction = "up"
            else:
                change.direction = "down"

    @api.model
    def _record_bulk(self, changes, reason=None):
        """changes: (partner id, old grade id, new grade id, rule id) tuples.

        One INSERT for the whole batch, whatever its size: the nightly grading
        of a new customer base writes one row per customer.
        """
        if not changes:
            return self
        reason = reason or self.env._("Grade rules")
        now = fields.Datetime.now()
        pids, olds, news, rules = (list(col) for col in zip(*changes, strict=True))
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO key_account_grade_history
                   (partner_id, old_grade_id, new_grade_id, rule_id, user_id, reason,
                    date, direction, create_uid, create_date, write_uid, write_date)
            SELECT v.pid, v.old, v.new, v.rule, %(uid)s, %(reason)s, %(now)s,
                   CASE WHEN v.old IS NULL THEN 'new'
                        WHEN gn.id IS NOT NULL AND gn.sequence < go.sequence THEN 'up'
                        ELSE 'down' END,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(pids)s::int[], %(olds)s::int[], %(news)s::int[],
                          %(rules)s::int[]) AS v(pid, old, new, rule)
              LEFT JOIN key_account_grade go ON go.id = v.old
              LEFT JOIN key_account_grade gn ON gn.id = v.new
            RETURNING id
            """,
                uid=self.env.uid,
                reason=reason,
                now=now,
                pids=pids,
                olds=[old or None for old in olds],
                news=[new or None for new in news],
                rules=[rule or None for rule in rules],
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["res.partner"].invalidate_model(["ka_grade_history_ids"])
        return self.browse(ids)
