from odoo import api, models


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members._ka_team_access_changed()
        return members

    def write(self, vals):
        result = super().write(vals)
        if {"user_id", "crm_team_id", "active"} & set(vals):
            self._ka_team_access_changed()
        return result

    def unlink(self):
        result = super().unlink()
        self._ka_team_access_changed()
        return result

    def _ka_team_access_changed(self):
        """The record rules of team leaders name the user's teams (members and
        leaders): their cached domains are stale when a team changes."""
        self.env.registry.clear_cache()
