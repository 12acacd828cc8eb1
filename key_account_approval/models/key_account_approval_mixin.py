from odoo import fields, models


class KeyAccountApprovalMixin(models.AbstractModel):
    """The reviewers' approval activities of a document under the OCA's tier
    validation (quotations, contracts): one activity per reviewer of each new
    review, done when the reviewer decides, gone when nothing is left for its
    reviewer. The document model calls these from its own
    ``_notify_review_requested``, ``_validate_tier`` and ``_rejected_tier``."""

    _name = "key_account.approval.mixin"
    _description = "Key Account Approval Activities (abstract)"

    def _ka_approval_activity_type(self):
        raise NotImplementedError

    def _ka_approval_summary(self):
        """The activity's summary for one document."""
        raise NotImplementedError

    def _ka_approval_note(self):
        """Why the document waits, shown in the activity."""
        return False

    def _ka_schedule_approval_activities(self, tier_reviews):
        """One approval activity per reviewer of each new review, in one
        create; due on the company's business day."""
        reviews = tier_reviews.filtered(
            lambda r: r.model == self._name and r.status in ("waiting", "pending")
        )
        if not reviews:
            return self.env["mail.activity"]
        activity_type = self._ka_approval_activity_type()
        model_id = self.env["ir.model"]._get_id(self._name)
        documents = self.browse(reviews.mapped("res_id")).sudo()
        notes = {document.id: document._ka_approval_note() for document in documents}
        # the summary in each reviewer's language (it is stored text)
        summaries = {}

        def summary_for(res_id, reviewer):
            lang = reviewer.lang or self.env.lang
            if (res_id, lang) not in summaries:
                summaries[res_id, lang] = (
                    documents.browse(res_id)
                    .with_context(lang=lang)
                    ._ka_approval_summary()
                )
            return summaries[res_id, lang]

        company_today = self.env.company._ka_today()
        vals_list = []
        seen = set()
        for review in reviews:
            for reviewer in review.reviewer_ids:
                key = (review.res_id, reviewer.id)
                if key in seen:
                    continue
                seen.add(key)
                summary = summary_for(review.res_id, reviewer)
                note = notes[review.res_id]
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": review.res_id,
                        "activity_type_id": activity_type.id,
                        "user_id": reviewer.id,
                        "date_deadline": min(
                            company_today,
                            fields.Date.context_today(
                                reviewer.with_context(tz=reviewer.tz or "UTC")
                            ),
                        ),
                        "summary": summary,
                        "note": note,
                    }
                )
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    def _ka_close_approval_activities(self, feedback):
        """The current user's approval activities are done; those of reviewers
        who have nothing left to review go."""
        activity_type = self._ka_approval_activity_type()
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        if not activities:
            return
        waiting = self.review_ids.filtered(lambda r: r.status in ("waiting", "pending"))
        still = {(r.res_id, u.id) for r in waiting for u in r.reviewer_ids}
        mine = activities.filtered(lambda a: a.user_id == self.env.user)
        stale = activities.filtered(
            lambda a: (
                a.user_id != self.env.user and (a.res_id, a.user_id.id) not in still
            )
        )
        if stale:
            stale.unlink()
        if mine:
            mine.action_feedback(feedback=feedback)
