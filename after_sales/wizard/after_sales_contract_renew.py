from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..lib.access import has_role


class AfterSalesContractRenew(models.TransientModel):
    _name = "after_sales.contract.renew"
    _description = "Contract Renewal"
    _order = "id desc"

    contract_id = fields.Many2one(
        "contract.contract", required=True, ondelete="cascade"
    )
    date_start = fields.Date(
        string="New Start",
        required=True,
        compute="_compute_dates",
        store=True,
        readonly=False,
    )
    date_end = fields.Date(
        string="New End",
        required=True,
        compute="_compute_dates",
        store=True,
        readonly=False,
    )

    @api.depends("contract_id.date_start", "contract_id.date_end")
    def _compute_dates(self):
        for wizard in self:
            contract = wizard.contract_id
            old_start, old_end = contract.date_start, contract.date_end
            start = (
                old_end + relativedelta(days=1)
                if old_end
                else (contract.company_id or self.env.company)._ka_today()
            )
            wizard.date_start = start
            # The same length as the old contract, else one year.
            wizard.date_end = (
                start + (old_end - old_start)
                if old_start and old_end and old_end > old_start
                else start + relativedelta(years=1, days=-1)
            )

    def action_renew(self):
        if not has_role(self.env, "account.group_account_manager"):
            raise AccessError(
                self.env._("Only accounting managers can renew contracts.")
            )
        self.ensure_one()
        successor = self.contract_id._as_renew(self.date_start, self.date_end)
        return {
            "type": "ir.actions.act_window",
            "res_model": "contract.contract",
            "res_id": successor.id,
            "view_mode": "form",
        }
