from odoo import fields, models


class ContractLine(models.Model):
    _name = "contract.line"
    _inherit = ["contract.line", "key_account.input.mixin"]

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
        extended = self.filtered(
            lambda line: (
                before.get(line.id)
                and line.date_end
                and line.date_end > before[line.id]
            )
        )
        if not extended:
            return
        # one search for all the extended lines (the contract module's
        # renewal writes many at once), then one renewal per new end date
        authorizations = (
            self.env["after_sales.authorization"]
            .sudo()
            .search(
                [
                    ("contract_line_id", "in", extended.ids),
                    ("state", "in", ("active", "expired")),
                    ("date_end", "!=", False),
                ]
            )
            .filtered(lambda auth: auth.date_end < auth.contract_line_id.date_end)
        )
        for date_end, group in authorizations.grouped(
            lambda auth: auth.contract_line_id.date_end
        ).items():
            group._renew(date_end=date_end)
