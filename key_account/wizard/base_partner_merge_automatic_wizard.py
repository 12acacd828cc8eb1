from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        # Odoo's merge copies every plain field of the merged contacts onto
        # the one kept, as the user: the system's figures and the grade are
        # not the user's to write (the kept customer's are recomputed by the
        # nightly pipeline); res.partner.write leaves them out under this key
        return super()._update_values(
            src_partners, dst_partner.with_context(ka_merging=True)
        )
