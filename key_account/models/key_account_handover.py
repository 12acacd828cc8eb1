from odoo import fields, models


class KeyAccountHandover(models.Model):
    """客户交接: the record of a hand-over from one salesperson to another."""

    _name = "key_account.handover"
    _description = "Customer Hand-over"
    _order = "date desc, id desc"

    from_user_id = fields.Many2one(
        "res.users", string="From", required=True, ondelete="restrict", index=True
    )
    to_user_id = fields.Many2one(
        "res.users", string="To", required=True, ondelete="restrict", index=True
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    done_by_id = fields.Many2one(
        "res.users",
        ondelete="set null",
        default=lambda self: self.env.user,
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "key_account_handover_partner_rel",
        "handover_id",
        "partner_id",
        string="Customers",
    )
    partner_count = fields.Integer(string="Customers Moved")
    lead_count = fields.Integer(string="Opportunities Moved")
    order_count = fields.Integer(string="Quotations Moved")
    activity_count = fields.Integer(string="Activities Moved")
    share_count = fields.Integer(string="Shares Moved")
    warning_count = fields.Integer(string="Open Warnings Moved")
    note = fields.Text()
