from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    sf_is_key_project = fields.Boolean(
        string="Key Project",
        tracking=True,
        index=True,
        help="Key projects are followed in their own pipeline, with their "
        "decision chain, competitors and milestones.",
    )
    sf_decision_maker_ids = fields.One2many(
        "sales_followup.decision.maker", "lead_id", string="Decision Chain"
    )
    sf_competitor_ids = fields.One2many(
        "sales_followup.competitor", "lead_id", string="Competitors"
    )
    sf_milestone_ids = fields.One2many(
        "sales_followup.milestone", "lead_id", string="Milestones"
    )
