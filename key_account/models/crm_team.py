from odoo import api, fields, models

# used for customers without a sales team
POOL_DEFAULTS = {
    "ka_pool_max_customers": 0,
    "ka_pool_reclaim_days": 30,
    "ka_pool_recycle_followup_days": 90,
    "ka_pool_recycle_deal_days": 180,
    "ka_pool_notice_days": 7,
}


class CrmTeam(models.Model):
    _inherit = "crm.team"

    ka_pool_max_customers = fields.Integer(
        string="Max. Customers per Salesperson",
        default=POOL_DEFAULTS["ka_pool_max_customers"],
        help="How many customers a salesperson of this team may hold; 0 means "
        "no limit. Claims beyond it are refused.",
    )
    ka_pool_reclaim_days = fields.Integer(
        string="No Re-claim Within (Days)",
        default=POOL_DEFAULTS["ka_pool_reclaim_days"],
        help="A salesperson cannot claim again a customer they released within "
        "this many days.",
    )
    ka_pool_recycle_followup_days = fields.Integer(
        string="Recycle Without Follow-up (Days)",
        default=POOL_DEFAULTS["ka_pool_recycle_followup_days"],
        help="A customer goes back to the pool when it had no follow-up for this "
        "many working days (statutory holidays off, make-up days worked; calendar "
        "days when the system parameter key_account.pool_calendar_days is set); "
        "0 disables the rule.",
    )
    ka_pool_recycle_deal_days = fields.Integer(
        string="Recycle Without Deal (Days)",
        default=POOL_DEFAULTS["ka_pool_recycle_deal_days"],
        help="A customer goes back to the pool when it had no confirmed order "
        "for this many working days (calendar days when the system parameter "
        "key_account.pool_calendar_days is set); 0 disables the rule.",
    )
    ka_pool_notice_days = fields.Integer(
        string="Notice Before Recycling (Days)",
        default=POOL_DEFAULTS["ka_pool_notice_days"],
        help="The account manager gets an activity this many working days "
        "(or calendar days, as the limits) before the customer goes back to the "
        "pool.",
    )

    _sql_constraints = [
        (
            "ka_pool_positive",
            (
                "CHECK(ka_pool_max_customers >= 0 AND ka_pool_reclaim_days >= 0 "
                "AND ka_pool_recycle_followup_days >= 0 "
                "AND ka_pool_recycle_deal_days >= 0 AND ka_pool_notice_days >= 0)"
            ),
            "The public pool settings cannot be negative.",
        ),
    ]

    @api.model
    def _ka_pool_config(self, team):
        """The pool settings of ``team``, or the defaults without a team."""
        if not team:
            return dict(POOL_DEFAULTS)
        return {key: team[key] for key in POOL_DEFAULTS}

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        if any(vals.get("user_id") for vals in vals_list):
            self.env["crm.team.member"]._ka_team_access_changed()
        return teams

    def write(self, vals):
        result = super().write(vals)
        if {"user_id", "active", "company_id"} & set(vals):
            # a new leader reads the team's customers at once
            self.env["crm.team.member"]._ka_team_access_changed()
        return result
