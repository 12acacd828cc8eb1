from odoo import api, fields, models
from odoo.tools import float_compare


class SaleOrder(models.Model):
    """Quotations over the limits of the customer's grade (discount of a line,
    untaxed amount) need the approval of the team leader (OCA
    ``sale_tier_validation``: the tier definitions of this addon test
    ``ka_over_limit``). The reviewers get an approval activity; approving or
    rejecting closes it."""

    _name = "sale.order"
    _inherit = ["sale.order", "key_account.approval.mixin"]

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

    def _ka_approval_summary(self):
        return self.env._("Approve quotation %(name)s", name=self.name)

    def _ka_approval_note(self):
        return self.ka_over_limit_reason

    def _validate_tier(self, tiers=False):
        res = super()._validate_tier(tiers)
        self._ka_close_approval_activities(self.env._("Approved"))
        return res

    def _rejected_tier(self, tiers=False):
        res = super()._rejected_tier(tiers)
        self._ka_close_approval_activities(self.env._("Rejected"))
        return res
