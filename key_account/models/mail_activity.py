from odoo import api, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _ka_create_for_partners(self, rows):
        """Create activities on partners for the nightly runs, in one batch.

        rows: (partner id, user id, activity type id, deadline, summary) tuples.
        Through mail's own ``create`` (one batch: the assigned users follow the
        partners, their counters are refreshed), without the e-mail to the
        assigned user (``mail_activity_quick_update``), as superuser: the
        pipeline decided who gets them. Returns the activities in the order of
        the rows.
        """
        if not rows:
            return self.browse()
        model_id = self.env["ir.model"]._get_id("res.partner")
        return (
            self.sudo()
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": pid,
                        "user_id": uid,
                        "activity_type_id": tid,
                        "date_deadline": deadline,
                        "summary": summary,
                        "automated": True,
                    }
                    for pid, uid, tid, deadline, summary in rows
                ]
            )
            .with_env(self.env)
        )
