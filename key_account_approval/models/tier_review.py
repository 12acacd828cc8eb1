from odoo import api, models
from odoo.exceptions import AccessError

# what only the reviewer's own approval or rejection writes
DECISION_FIELDS = {"done_by", "reviewed_date"}
DECIDED = ("approved", "rejected")
# what ties a review to its document: never moved by a user
ANCHOR_FIELDS = {"model", "res_id", "definition_id", "sequence"}


class TierReview(models.Model):
    """The OCA lets every internal user write reviews (access rights only):
    an approval could be forged over RPC. Here a review is approved or
    rejected only by one of its reviewers, is created undecided, and never
    moves to another document. Reviews that go (a restarted validation) take
    their approval activities with them."""

    _inherit = "tier.review"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if vals.get("status") in DECIDED or DECISION_FIELDS & set(vals):
                    raise AccessError(
                        self.env._("A review is created waiting for its reviewers.")
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if ANCHOR_FIELDS & set(vals):
                raise AccessError(
                    self.env._("A review cannot be moved to another document.")
                )
            if vals.get("status") in DECIDED or DECISION_FIELDS & set(vals):
                foreign = self.filtered(lambda r: self.env.user not in r.reviewer_ids)
                if foreign:
                    raise AccessError(
                        self.env._("Only its reviewers approve or reject a review.")
                    )
        return super().write(vals)

    def unlink(self):
        types = [
            self.env.ref(xmlid, raise_if_not_found=False)
            for xmlid in (
                "key_account_approval.mail_activity_type_approval",
                "key_account_approval.mail_activity_type_contract_approval",
            )
        ]
        type_ids = [t.id for t in types if t]
        if type_ids:
            by_model = {}
            for review in self:
                by_model.setdefault(review.model, set()).add(review.res_id)
            for model, ids in by_model.items():
                self.env["mail.activity"].sudo().search(
                    [
                        ("res_model", "=", model),
                        ("res_id", "in", list(ids)),
                        ("activity_type_id", "in", type_ids),
                    ]
                ).unlink()
        return super().unlink()
