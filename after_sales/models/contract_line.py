from odoo import fields, models


class ContractLine(models.Model):
    _inherit = "contract.line"

    as_authorization_ids = fields.One2many(
        "after_sales.authorization", "contract_line_id", string="Authorizations"
    )

    def write(self, vals):
        if not vals.get("date_end"):
            return super().write(vals)
        before = {line.id: line.date_end for line in self}
        result = super().write(vals)
        self._as_extend_authorizations(before)
        return result

    def _as_extend_authorizations(self, before):
        """Renewing the contract (a later end date) renews its authorizations.

        The live authorizations of each extended line get a new key expiring
        on the line's new end date; the old keys stay on record, revoked.
        """
        Authorization = self.env["after_sales.authorization"].sudo()
        for line in self:
            old_end = before.get(line.id)
            if not old_end or not line.date_end or line.date_end <= old_end:
                continue
            authorizations = Authorization.search(
                [
                    ("contract_line_id", "=", line.id),
                    ("state", "in", ("active", "expired")),
                    ("date_end", "!=", False),
                    ("date_end", "<", line.date_end),
                ]
            )
            if authorizations:
                authorizations._renew(date_end=line.date_end)
