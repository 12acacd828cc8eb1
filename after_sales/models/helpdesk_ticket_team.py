from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    as_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        ondelete="restrict",
        default=lambda self: self.env.company.resource_calendar_id,
        help="Working calendar on which the SLA deadlines of the team's tickets "
        "are counted; the company's calendar when empty.",
    )
    as_staff_ids = fields.One2many(
        "after_sales.feedback.staff", "team_id", string="Feedback Staff"
    )

    def _as_calendar(self):
        self.ensure_one()
        return (
            self.as_calendar_id
            or (self.company_id or self.env.company).resource_calendar_id
        )
