from odoo import fields, models


class ResPartner(models.Model):
    """The service figures of a customer (computed each night by the
    ``service_figures`` step into its row of figures): read, search and
    group like stored fields, usable in grade rules; never written by users
    (figure fields are system fields)."""

    _inherit = "res.partner"

    as_ticket_count_12m = fields.Integer(
        string="Tickets (12 Months)", related="ka_figures_id.as_ticket_count_12m"
    )
    as_complaint_count_12m = fields.Integer(
        string="Complaints (12 Months)",
        related="ka_figures_id.as_complaint_count_12m",
    )
    as_sla_breach_count_12m = fields.Integer(
        string="SLA Breaches (12 Months)",
        related="ka_figures_id.as_sla_breach_count_12m",
    )
    as_revisit_count_12m = fields.Integer(
        string="Rated Revisits (12 Months)",
        related="ka_figures_id.as_revisit_count_12m",
    )
    as_satisfaction = fields.Float(
        string="Satisfaction", related="ka_figures_id.as_satisfaction"
    )
