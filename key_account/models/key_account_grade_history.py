from odoo import api, fields, models


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
        """changes: (partner id, old grade id, new grade id, rule id) tuples."""
        if not changes:
            return self
        reason = reason or self.env._("Grade rules")
        return self.create(
            [
                {
                    "partner_id": pid,
                    "old_grade_id": old,
                    "new_grade_id": new,
                    "rule_id": rule,
                    "user_id": self.env.uid,
                    "reason": reason,
                }
                for pid, old, new, rule in changes
            ]
        )
