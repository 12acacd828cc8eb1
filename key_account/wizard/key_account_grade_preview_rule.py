from odoo import fields, models


class KeyAccountGradePreviewRule(models.TransientModel):
    """A draft grade rule of a what-if preview: a copy of a live rule (or a
    new one) that the nightly grading never reads."""

    _name = "key_account.grade.preview.rule"
    _description = "Draft Grade Rule"
    _order = "sequence, id"

    preview_id = fields.Many2one(
        "key_account.grade.preview", required=True, ondelete="cascade", index=True
    )
    rule_id = fields.Many2one(
        "key_account.grade.rule",
        string="Live Rule",
        ondelete="set null",
        readonly=True,
        help="The live rule this draft replaces when applied (empty: a new rule).",
    )
    sequence = fields.Integer(string="Priority", default=10)
    name = fields.Char(required=True)
    grade_id = fields.Many2one("key_account.grade", required=True, ondelete="cascade")
    domain = fields.Char(string="Conditions", default="[]", required=True)
    active = fields.Boolean(default=True)
