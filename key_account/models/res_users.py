from odoo import api, fields, models

OLD_TEAMS = "user.crm_team_ids.ids"
NEW_TEAMS = "user.ka_team_ids.ids"


class ResUsers(models.Model):
    _inherit = "res.users"

    ka_led_team_ids = fields.One2many(
        "crm.team", "user_id", string="Teams Led", readonly=True
    )
    ka_team_ids = fields.Many2many(
        "crm.team",
        string="Teams Led or Joined",
        compute="_compute_ka_team_ids",
        help="The sales teams whose customers a team leader works on: those "
        "the user is a member of and those the user leads.",
    )

    @api.depends("crm_team_ids", "ka_led_team_ids")
    def _compute_ka_team_ids(self):
        for user in self:
            user.ka_team_ids = user.sudo().crm_team_ids | user.sudo().ka_led_team_ids

    @api.model
    def _ka_rules_to_led_teams(self, module):
        """Migration of an addon's record rules (kept as installed: they are
        noupdate): "the leader's teams" were the teams the user is a member of;
        they are the teams the user leads too."""
        ids = (
            self.env["ir.model.data"]
            .sudo()
            .search([("module", "=", module), ("model", "=", "ir.rule")])
            .mapped("res_id")
        )
        for rule in self.env["ir.rule"].sudo().browse(ids).exists():
            if OLD_TEAMS in (rule.domain_force or ""):
                rule.domain_force = rule.domain_force.replace(OLD_TEAMS, NEW_TEAMS)
