from odoo import api, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _ka_check_partner_access(self, vals_list):
        """A lead copies its customer's phone, e-mail and address: a user
        may link only a customer they may read (the record rules), or the
        lead would show them a colleague's customer."""
        if self.env.su:
            return
        Partner = self.env["res.partner"]
        # the ORM takes a record as well as an id
        partners = Partner.union(
            *(
                value if isinstance(value, models.BaseModel) else Partner.browse(value)
                for value in (vals.get("partner_id") for vals in vals_list)
                if value
            )
        )
        if partners:
            partners.check_access("read")

    @api.model_create_multi
    def create(self, vals_list):
        self._ka_check_partner_access(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._ka_check_partner_access([vals])
        return super().write(vals)
