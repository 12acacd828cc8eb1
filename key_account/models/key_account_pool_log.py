from odoo import fields, models


class KeyAccountPoolLog(models.Model):
    """Every claim, release, assignment and recycling of a customer."""

    _name = "key_account.pool.log"
    _description = "Public Pool Movement"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True
    )
    action = fields.Selection(
        [
            ("claim", "Claimed"),
            ("release", "Released"),
            ("assign", "Assigned"),
            ("recycle", "Recycled"),
            ("notice", "Recycling Notice"),
            ("kept", "Kept (Protected)"),
        ],
        required=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        ondelete="set null",
        index=True,
        help="The salesperson who got or lost the customer.",
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", ondelete="set null")
    date = fields.Datetime(default=fields.Datetime.now, required=True, index=True)
    reason = fields.Char()
    done_by_id = fields.Many2one(
        "res.users",
        ondelete="set null",
        default=lambda self: self.env.user,
    )
