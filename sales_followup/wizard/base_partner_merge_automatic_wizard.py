from odoo import api, models

from ..models.res_partner import SF_SYSTEM_FIELDS


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_values(self, src_partners, dst_partner):
        """Odoo's merge copies every plain field of the merged contacts onto
        the one kept, as the user; the follow-up policy flags are the nightly
        check's and refused to users' writes. The customer kept keeps its
        own flags, those of the others are not copied (the next check sets
        them again)."""
        fnames = sorted(SF_SYSTEM_FIELDS)
        kept = {fname: dst_partner[fname] for fname in fnames}
        (src_partners | dst_partner).sudo().write(dict.fromkeys(fnames, False))
        res = super()._update_values(src_partners, dst_partner)
        dst_partner.sudo().write(kept)
        return res
