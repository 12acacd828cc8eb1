from odoo import models


class KeyAccountHandoverWizard(models.TransientModel):
    _inherit = "key_account.handover.wizard"

    def _ka_handover_more(self, source, target, partners):
        """The planned visits of the customers go to the successor too."""
        vals = super()._ka_handover_more(source, target, partners)
        visits = (
            self.env["sales_followup.visit.plan"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", partners.ids),
                    ("state", "=", "planned"),
                    ("user_id", "=", source.id),
                ]
            )
        )
        visits.write({"user_id": target.id})
        vals["visit_count"] = len(visits)
        return vals
