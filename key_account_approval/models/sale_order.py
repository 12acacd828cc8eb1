from odoo import api, fields, models
from odoo.tools import float_compare


class SaleOrder(models.Model):
    """Quotations over the limits of the customer's grade (discount of a line,
    untaxed amount) need the approval of the team leader (OCA
    ``sale_tier_validation``: the tier definitions of this addon test
    ``ka_over_limit``). The reviewers get an approval activity; approving or
    rejecting closes it."""

    _inherit = "sale.order"

    ka_over_limit = fields.Boolean(
        string="Over the Grade's Limits",
        compute="_compute_ka_over_limit",
        help="A discount or an amount above the limits of the customer's grade: "
        "the quotation needs the team leader's approval.",
    )
    ka_over_limit_reason = fields.Char(
        string="Why Approval Is Needed", compute="_compute_ka_over_limit"
    )
    ka_team_leader_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        related="team_id.user_id",
        help="The reviewer of quotations over the limits.",
    )

    @api.depends(
        "order_line.discount",
        "amount_untaxed",
        "currency_id",
        "company_id",
        "date_order",
        "partner_id.commercial_partner_id.ka_grade_id.approval_max_discount",
        "partner_id.commercial_partner_id.ka_grade_id.approval_max_amount",
    )
    def _compute_ka_over_limit(self):
        for order in self:
            grade = order.partner_id.commercial_partner_id.ka_grade_id
            reasons = []
            if grade.approval_max_discount:
                top = max(order.order_line.mapped("discount"), default=0.0)
                if float_compare(top, grade.approval_max_discount, 2) > 0:
                    reasons.append(
                        self.env._(
                            "discount %(discount)s%% above the limit of grade "
                            "%(grade)s (%(limit)s%%)",
                            discount=round(top, 2),
                            grade=grade.display_name,
                            limit=round(grade.approval_max_discount, 2),
                        )
                    )
            if grade.approval_max_amount:
                company = order.company_id or self.env.company
                amount = order.currency_id._convert(
                    order.amount_untaxed,
                    company.currency_id,
                    company,
                    order.date_order or fields.Datetime.now(),
                )
                if (
                    company.currency_id.compare_amounts(
                        amount, grade.approval_max_amount
                    )
                    > 0
                ):
                    reasons.append(
                        self.env._(
                            "amount %(amount)s above the limit of grade %(grade)s "
                            "(%(limit)s)",
                            amount=company.currency_id.round(amount),
                            grade=grade.display_name,
                            limit=grade.approval_max_amount,
                        )
                    )
            order.ka_over_limit = bool(reasons)
            order.ka_over_limit_reason = "; ".join(reasons) or False

    # ------------------------------------------------------------------
    # the reviewers' activities
    # ------------------------------------------------------------------
    def _notify_review_requested(self, tier_reviews):
        res = super()._notify_review_requested(tier_reviews)
        self._ka_schedule_approval_activities(tier_reviews)
        return res

    def _ka_approval_activity_type(self):
        return self.env.ref("key_account_approval.mail_activity_type_approval")

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
        orders = self.browse(reviews.mapped("res_id")).sudo()
        names = {order.id: order.name for order in orders}
        vals_list = []
        seen = set()
        for review in reviews:
            for reviewer in review.reviewer_ids:
                key = (review.res_id, reviewer.id)
                if key in seen:
                    continue
                seen.add(key)
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": review.res_id,
                        "activity_type_id": activity_type.id,
                        "user_id": reviewer.id,
                        "date_deadline": self.env.company._ka_today(),
                        "summary": self.env._(
                            "Approve quotation %(name)s", name=names[review.res_id]
                        ),
                        "note": self.env["sale.order"]
                        .browse(review.res_id)
                        .sudo()
                        .ka_over_limit_reason,
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

    def _validate_tier(self, tiers=False):
        res = super()._validate_tier(tiers)
        self._ka_close_approval_activities(self.env._("Approved"))
        return res

    def _rejected_tier(self, tiers=False):
        res = super()._rejected_tier(tiers)
        self._ka_close_approval_activities(self.env._("Rejected"))
        return res
