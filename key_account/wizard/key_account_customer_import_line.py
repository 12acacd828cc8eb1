from odoo import fields, models


class KeyAccountCustomerImportLine(models.TransientModel):
    _name = "key_account.customer.import.line"
    _description = "Rejected Import Row"
    _order = "row, id"

    import_id = fields.Many2one(
        "key_account.customer.import", required=True, ondelete="cascade", index=True
    )
    row = fields.Integer(required=True, help="The row number in the file (titles = 1).")
    column = fields.Char()
    value = fields.Char()
    reason = fields.Char(required=True)
