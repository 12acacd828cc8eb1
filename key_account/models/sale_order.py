from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ka_instalment_ids = fields.One2many(
        "key_account.instalment", "order_id", string="Receivable Plan", copy=False
    )
    ka_instalment_residual = fields.Monetary(
        string="Planned, Not Collected",
        compute="_compute_ka_instalment_residual",
        currency_field="currency_id",
    )

    @api.depends("ka_instalment_ids.residual")
    def _compute_ka_instalment_residual(self):
        for order in self:
            order.ka_instalment_residual = sum(
                order.ka_instalment_ids.mapped("residual")
            )
