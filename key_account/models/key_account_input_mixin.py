from odoo import api, models

from ..lib.input_check import check_input


class KeyAccountInputMixin(models.AbstractModel):
    """Models users type into: values the database cannot store (a NUL
    character, an integer out of range, a date that is not one) get a clear
    error in the user's language instead of PostgreSQL's."""

    _name = "key_account.input.mixin"
    _description = "Checked User Input (abstract)"

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_input(self, [vals])
        return super().write(vals)
