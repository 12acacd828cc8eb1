from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class SalesFollowupMilestone(models.Model):
    _name = "sales_followup.milestone"
    _inherit = ["key_account.input.mixin"]
    _description = "Key Project Milestone"
    _order = "lead_id, planned_date, sequence, id"

    sequence = fields.Integer(default=10)
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="lead_id.company_id", store=True)
    name = fields.Char(string="Milestone", required=True)
    planned_date = fields.Date(required=True)
    done_date = fields.Date()
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        ondelete="set null",
        index=True,
        default=lambda self: self.env.user,
    )
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("late", "Late")],
        compute="_compute_state",
        search="_search_state",
        help="Done once it has a done date; late when its planned date has "
        "passed without one.",
    )

    @api.depends("planned_date", "done_date")
    def _compute_state(self):
        today = self.env.company._ka_today()
        for milestone in self:
            if milestone.done_date:
                milestone.state = "done"
            elif milestone.planned_date and milestone.planned_date < today:
                milestone.state = "late"
            else:
                milestone.state = "planned"

    def _search_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the milestone state."))
        today = self.env.company._ka_today()
        domains = {
            "done": [("done_date", "!=", False)],
            "late": [("done_date", "=", False), ("planned_date", "<", today)],
            "planned": [("done_date", "=", False), ("planned_date", ">=", today)],
        }
        values = [value] if isinstance(value, str) else list(value or [])
        domain = expression.OR([domains[v] for v in values if v in domains])
        if operator in ("=", "in"):
            return domain
        return ["!", *domain] if domain else []
