from odoo import fields, models


class HelpdeskTicketCategory(models.Model):
    _inherit = "helpdesk.ticket.category"

    as_response_hours = fields.Float(
        string="First Response Target (hours)",
        help="Working hours allowed for the first response to tickets of this "
        "category; when zero, the target of the customer's grade applies.",
    )
    as_resolution_hours = fields.Float(
        string="Resolution Target (hours)",
        help="Working hours allowed to resolve tickets of this category; when "
        "zero, the target of the customer's grade applies.",
    )
    as_is_complaint = fields.Boolean(
        string="Complaint",
        help="Tickets of this category are complaints: counted in the customer's "
        "complaints.",
    )
