from odoo import api, fields, models


class AfterSalesFeedbackStaff(models.Model):
    _name = "after_sales.feedback.staff"
    _inherit = ["key_account.input.mixin"]
    _description = "Feedback Staff"
    _order = "team_id, sequence, id"
    _rec_name = "user_id"

    sequence = fields.Integer(default=10)
    user_id = fields.Many2one(
        "res.users",
        string="Staff Member",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("share", "=", False)],
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        required=True,
        ondelete="cascade",
        index=True,
    )
    product_categ_ids = fields.Many2many(
        "product.category",
        string="Skills",
        help="Product categories this member handles (with their "
        "sub-categories); empty means tickets without a product only.",
    )
    state_ids = fields.Many2many(
        "res.country.state",
        string="Regions",
        help="Provinces of the customers this member serves; empty means all.",
    )
    active = fields.Boolean(default=True)
    open_ticket_count = fields.Integer(
        string="Open Tickets", compute="_compute_open_ticket_count"
    )

    _sql_constraints = [
        (
            "user_team_uniq",
            "unique(user_id, team_id)",
            "A staff member is listed once per team.",
        )
    ]

    @api.depends("user_id", "team_id")
    def _compute_open_ticket_count(self):
        loads = self._open_loads(self.team_id, self.user_id)
        for staff in self:
            staff.open_ticket_count = loads.get((staff.team_id.id, staff.user_id.id), 0)

    @api.model
    def _open_loads(self, teams, users):
        """Open tickets per (team, user), in one grouped query."""
        groups = (
            self.env["helpdesk.ticket"]
            .sudo()
            ._read_group(
                [
                    ("team_id", "in", teams.ids),
                    ("user_id", "in", users.ids),
                    ("stage_id.closed", "=", False),
                ],
                ["team_id", "user_id"],
                ["__count"],
            )
        )
        return {(team.id, user.id): count for team, user, count in groups}

    def _matches(self, ticket):
        self.ensure_one()
        categ = ticket.as_product_id.categ_id
        if categ:
            if not self.product_categ_ids:
                return False
            skill_ids = set(self.product_categ_ids.ids)
            if not skill_ids & {int(i) for i in categ.parent_path.split("/") if i}:
                return False
        state = ticket.commercial_partner_id.state_id
        return not self.state_ids or state in self.state_ids
