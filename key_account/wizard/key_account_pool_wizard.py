from odoo import api, fields, models
from odoo.exceptions import UserError


class KeyAccountPoolWizard(models.TransientModel):
    _name = "key_account.pool.wizard"
    _description = "Release or Assign Customers"

    mode = fields.Selection(
        [("release", "Release to the Pool"), ("assign", "Assign")],
        required=True,
        default="release",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        domain=[("is_company", "=", True)],
    )
    user_id = fields.Many2one(
        "res.users",
        string="New Account Manager",
        ondelete="cascade",
        domain=[("share", "=", False)],
    )
    reason = fields.Char()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if not values.get("partner_ids") and self.env.context.get("active_model") == (
            "res.partner"
        ):
            values["partner_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_confirm(self):
        self.ensure_one()
        pool = self.env["key_account.pool"]
        if self.mode == "release":
            pool._release(self.partner_ids, self.reason)
        else:
            if not self.user_id:
                raise UserError(self.env._("Choose the new account manager."))
            pool._assign(self.partner_ids, self.user_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
