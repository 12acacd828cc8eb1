from odoo import fields, models
from odoo.exceptions import AccessError


class KeyAccountGradePreviewCell(models.TransientModel):
    """A cell of the what-if matrix: the customers a draft rule set would
    move from one grade to another."""

    _name = "key_account.grade.preview.cell"
    _description = "Grade Move of a What-if Preview"
    _order = "moved desc, count desc, id"

    preview_id = fields.Many2one(
        "key_account.grade.preview", required=True, ondelete="cascade", index=True
    )
    from_grade_id = fields.Many2one(
        "key_account.grade", ondelete="cascade", readonly=True
    )
    to_grade_id = fields.Many2one(
        "key_account.grade", ondelete="cascade", readonly=True
    )
    moved = fields.Boolean(readonly=True)
    direction = fields.Selection(
        [
            ("new", "First Grade"),
            ("up", "Upgrade"),
            ("down", "Downgrade"),
            ("same", "Unchanged"),
        ],
        readonly=True,
    )
    count = fields.Integer(string="Customers", readonly=True)
    partner_ids_data = fields.Json(string="Customer Ids", readonly=True)

    def action_open_partners(self):
        """The customers of the cell (moves only), in a list."""
        self.ensure_one()
        if not self.env.user.has_group("key_account.key_account_group_manager"):
            raise AccessError(
                self.env._("Only key-account managers can preview grade rules.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "From %(old)s to %(new)s",
                old=self.from_grade_id.name or self.env._("No Grade"),
                new=self.to_grade_id.name or self.env._("No Grade"),
            ),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.partner_ids_data or [])],
            "context": {"create": False},
        }
