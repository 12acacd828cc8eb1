from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Days between the closing of a ticket and its revisit.
REVISIT_DELAY_DAYS = 3
# Scores up to this one are low and alert the customer's account manager.
LOW_SCORE = 2


class AfterSalesRevisit(models.Model):
    _name = "after_sales.revisit"
    _description = "Customer Revisit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_scheduled desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="restrict",
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        ondelete="set null",
        index=True,
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="restrict",
        index=True,
        tracking=True,
    )
    account_manager_id = fields.Many2one(
        related="partner_id.user_id", string="Account Manager"
    )
    grade_id = fields.Many2one(
        "key_account.grade",
        string="Customer Grade",
        ondelete="set null",
        index=True,
    )
    product_id = fields.Many2one("product.product", ondelete="set null", index=True)
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        ondelete="set null",
        index=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Staff Member",
        ondelete="set null",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
    )
    date_scheduled = fields.Date(
        string="Scheduled Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_done = fields.Date(string="Done On", readonly=True, copy=False)
    method = fields.Selection([("phone", "Phone")], default="phone", required=True)
    score = fields.Integer(
        aggregator="avg",
        tracking=True,
        help="Satisfaction from 1 (very unsatisfied) to 5 (very satisfied); "
        "0 while not rated.",
    )
    comment = fields.Text()
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
        copy=False,
    )
    low_score_notified = fields.Boolean(readonly=True, copy=False)

    @api.constrains("score")
    def _check_score(self):
        for revisit in self:
            if revisit.score and not 1 <= revisit.score <= 5:
                raise ValidationError(
                    self.env._("The satisfaction score goes from 1 to 5.")
                )

    def action_done(self):
        if self.filtered(lambda r: not r.score):
            raise UserError(
                self.env._("Record the satisfaction score before closing a revisit.")
            )
        self.write({"state": "done", "date_done": fields.Date.context_today(self)})
        self._notify_low_score()
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True

    def action_reset(self):
        self.write({"state": "planned", "date_done": False})
        return True

    @api.model
    def _schedule_for_tickets(self, tickets):
        """One planned revisit per closed ticket, never a second one."""
        tickets = tickets.filtered(lambda t: t.stage_id.closed)
        if not tickets:
            return self.browse()
        done = {
            ticket.id
            for [ticket] in self.sudo()
            .with_context(active_test=False)
            ._read_group([("ticket_id", "in", tickets.ids)], ["ticket_id"])
        }
        today = fields.Date.context_today(self)
        vals_list = [
            {
                "ticket_id": ticket.id,
                "company_id": ticket.company_id.id or self.env.company.id,
                "partner_id": ticket.commercial_partner_id.id,
                "grade_id": ticket.as_grade_id.id,
                "product_id": ticket.as_product_id.id,
                "team_id": ticket.team_id.id,
                "user_id": (ticket.user_id or ticket.team_id.user_id).id,
                "date_scheduled": today + timedelta(days=REVISIT_DELAY_DAYS),
            }
            for ticket in tickets
            if ticket.id not in done
            and (ticket.partner_id or ticket.commercial_partner_id)
        ]
        return self.sudo().create(vals_list)

    def _notify_low_score(self):
        """An activity for the account manager of each low-scored customer,
        once per revisit."""
        low = self.filtered(
            lambda r: (
                r.state == "done"
                and r.score
                and r.score <= LOW_SCORE
                and not r.low_score_notified
                and r.partner_id.commercial_partner_id.user_id
            )
        )
        if not low:
            return
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": revisit.id,
                    "activity_type_id": activity_type.id,
                    "user_id": revisit.partner_id.commercial_partner_id.user_id.id,
                    "summary": self.env._("Low satisfaction score"),
                    "note": self.env._(
                        "%(customer)s rated the service %(score)s out of 5: "
                        "%(comment)s",
                        customer=revisit.partner_id.display_name,
                        score=revisit.score,
                        comment=revisit.comment or "",
                    ),
                    "date_deadline": today,
                }
                for revisit in low
            ]
        )
        low.sudo().write({"low_score_notified": True})
