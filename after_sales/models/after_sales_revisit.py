import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.key_account.lib.input_check import check_input

from ..lib.access import (
    STAFF,
    check_system_fields,
    has_role,
    without_system_defaults,
)

_logger = logging.getLogger(__name__)

# Days between the closing of a ticket and its revisit.
REVISIT_DELAY_DAYS = 3
# periodic revisits one night plans at most (a service desk of five agents,
# forty calls a day each); the others stay due for the next nights
PARAM_CAPACITY = "after_sales.revisit_daily_capacity"
DEFAULT_CAPACITY = 200
# Scores up to this one are low and alert the customer's account manager,
# unless the after_sales.revisit_low_score parameter says otherwise.
LOW_SCORE = 2
# The result of a revisit the customer rated through the rating link.
RATED_RESULT_FIELDS = {"score", "comment", "method"}


class AfterSalesRevisit(models.Model):
    _name = "after_sales.revisit"
    _description = "Customer Revisit"
    _inherit = ["rating.mixin", "mail.thread", "mail.activity.mixin"]
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
        default=lambda self: self.env.company._ka_today(),
        tracking=True,
    )
    date_done = fields.Date(string="Done On", readonly=True, copy=False)
    method = fields.Selection(
        [("phone", "Phone"), ("link", "Rating Link")],
        default="phone",
        required=True,
        help="Phone: the staff member calls and records the score. Rating "
        "link: the customer receives an e-mail and rates by a click.",
    )
    origin = fields.Selection(
        [("ticket", "After a Ticket"), ("periodic", "Periodic")],
        default="ticket",
        required=True,
        readonly=True,
        index=True,
        copy=False,
    )
    rating_request_date = fields.Datetime(
        string="Rating Request Sent", readonly=True, copy=False
    )
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

    def _as_system_fields(self):
        """Fields only the system sets (the state the buttons change, the
        day it was done, its origin, the rating request and the low-score
        alert): refused in a user's create and write."""
        return {
            "state",
            "date_done",
            "origin",
            "rating_request_date",
            "low_score_notified",
        }

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        check_system_fields(
            self,
            vals_list,
            creating=True,
            defaults={"state": "planned", "origin": "ticket"},
        )
        return (
            super(AfterSalesRevisit, without_system_defaults(self))
            .create(vals_list)
            .with_env(self.env)
        )

    def write(self, vals):
        check_input(self, [vals])
        check_system_fields(self, [vals])
        if not self.env.su and RATED_RESULT_FIELDS.intersection(vals):
            rated = self._as_rated_by_customer()
            if rated:
                raise AccessError(
                    self.env._(
                        "%(customer)s rated this revisit through the rating "
                        "link: its score and comment cannot be changed.",
                        customer=rated[:1].partner_id.display_name,
                    )
                )
        return super().write(vals)

    def _as_rated_by_customer(self):
        """The revisits of ``self`` the customer rated through the link."""
        if not self.ids:
            return self.browse()
        groups = (
            self.env["rating.rating"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("consumed", "=", True),
                ],
                ["res_id"],
            )
        )
        return self.browse([res_id for (res_id,) in groups])

    def _as_check_staff(self):
        """Revisit buttons: after-sales staff, on revisits they may write (the
        state is then written as the system)."""
        if not has_role(self.env, STAFF):
            raise AccessError(self.env._("Only after-sales staff can record revisits."))
        self.check_access("write")

    def _as_check_not_rated(self):
        rated = self._as_rated_by_customer()
        if rated:
            raise UserError(
                self.env._(
                    "%(customer)s rated this revisit through the rating link: "
                    "its result stays as the customer gave it.",
                    customer=rated[:1].partner_id.display_name,
                )
            )

    def action_done(self):
        self._as_check_staff()
        self._as_check_not_rated()
        if self.filtered(lambda r: not r.score):
            raise UserError(
                self.env._("Record the satisfaction score before closing a revisit.")
            )
        # done on the business day of each revisit's company
        for company, revisits in self.grouped("company_id").items():
            revisits.sudo().write({"state": "done", "date_done": company._ka_today()})
        self._notify_low_score()
        return True

    def action_cancel(self):
        self._as_check_staff()
        self._as_check_not_rated()
        self.sudo().write({"state": "cancelled"})
        return True

    def action_reset(self):
        self._as_check_staff()
        self._as_check_not_rated()
        self.sudo().write({"state": "planned", "date_done": False})
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
        # the business day of each ticket's company
        days = {
            company: company._ka_today()
            for company in tickets.company_id | self.env.company
        }
        vals_list = [
            {
                "ticket_id": ticket.id,
                "company_id": (ticket.company_id or self.env.company).id,
                "partner_id": ticket.commercial_partner_id.id,
                # the ticket's grade is internal: read as the system
                "grade_id": ticket.sudo().as_grade_id.id,
                "product_id": ticket.as_product_id.id,
                "team_id": ticket.team_id.id,
                "user_id": (ticket.user_id or ticket.team_id.user_id).id,
                "date_scheduled": days[ticket.company_id or self.env.company]
                + timedelta(days=REVISIT_DELAY_DAYS),
            }
            for ticket in tickets
            if ticket.id not in done
            and (ticket.partner_id or ticket.commercial_partner_id)
        ]
        return self.sudo().create(vals_list)

    def _notify_low_score(self):
        """An activity for the account manager of each low-scored customer,
        once per revisit."""
        threshold = self._low_score_threshold()
        low = self.filtered(
            lambda r: (
                r.state == "done"
                and r.score
                and r.score <= threshold
                and not r.low_score_notified
                and r.partner_id.commercial_partner_id.user_id
            )
        )
        if not low:
            return
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
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
                    "date_deadline": revisit.company_id._ka_today(),
                }
                for revisit in low
            ]
        )
        low.sudo().write({"low_score_notified": True})

    @api.model
    def _low_score_threshold(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("after_sales.revisit_low_score", LOW_SCORE)
        )

    # ------------------------------------------------------------------ rating

    def _rating_get_partner(self):
        # the e-mail goes to the customer's company address
        return self.partner_id

    def action_send_rating_request(self):
        """E-mail the customer the rating links of the revisit."""
        self._as_check_staff()
        return self._as_send_rating_request()

    def _as_send_rating_request(self):
        template = self.env.ref("after_sales.mail_template_revisit_rating")
        revisits = self.filtered(lambda r: r.state == "planned" and r.partner_id.email)
        if self - revisits:
            raise UserError(
                self.env._(
                    "Only planned revisits of customers with an e-mail address "
                    "can be rated by link."
                )
            )
        for revisit in revisits:
            revisit.rating_send_request(
                template, lang=revisit.partner_id.lang, force_send=False
            )
        revisits.sudo().write(
            {"method": "link", "rating_request_date": fields.Datetime.now()}
        )
        return True

    @api.private
    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """The customer rated through the link: the revisit is done with the
        rating's score (1, 3 or 5) and comment. Private: the rating controller
        calls it once it found the rating by its token."""
        rating = super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        revisit = self.browse(rating.res_id).exists()
        if revisit and rate:
            vals = {
                "score": max(1, min(5, round(rate))),
                "method": "link",
                "state": "done",
                "date_done": revisit.company_id._ka_today(),
            }
            if feedback:
                vals["comment"] = feedback
            revisit.sudo().write(vals)
            revisit._notify_low_score()
        return rating

    # ------------------------------------------------------------------ periodic

    @api.model
    def _periodic_capacity(self):
        """How many periodic revisits one night plans for a company at most
        (``after_sales.revisit_daily_capacity``, in Settings; 0: no limit)."""
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_CAPACITY)
        if not value:  # not set (False) or emptied: the default
            return DEFAULT_CAPACITY
        try:
            return max(0, int(value))
        except ValueError:
            return DEFAULT_CAPACITY

    @api.model
    def _periodic_candidates(self, company, today):
        """(customer, grade, has e-mail) of the customers of ``company``
        (key_account's definition) due for a periodic revisit on ``today``:
        their grade has a revisit interval and their last revisit (done, or
        planned at any date) is older than it. The higher grades first, then
        the longest without a revisit; at most the daily capacity (the others
        stay due and wait for the next nights). One query."""
        capacity = self._periodic_capacity()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            SELECT p.id, p.ka_grade_id, COALESCE(p.email, '') != '' AS has_email
              FROM res_partner p
              JOIN key_account_grade g ON g.id = p.ka_grade_id
              LEFT JOIN LATERAL (
                    SELECT MAX(COALESCE(r.date_done, r.date_scheduled)) AS day
                      FROM after_sales_revisit r
                     WHERE r.partner_id = p.id
                       AND r.state != 'cancelled'
              ) last ON TRUE
             WHERE %(customer)s
               AND g.active
               AND g.as_revisit_interval_days > 0
               AND (last.day IS NULL
                    OR last.day <= %(today)s::date - g.as_revisit_interval_days)
             ORDER BY g.sequence, g.id, last.day NULLS FIRST, p.id
             %(limit)s
            """,
                customer=self.env["key_account.measure"]._customer_sql(company, "p"),
                today=today,
                limit=SQL("LIMIT %s", capacity) if capacity else SQL(""),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _schedule_periodic(self, company, today):
        """Plan a revisit on ``today`` for every customer of ``company`` due
        one (see ``_periodic_candidates``), in one batch; returns the new
        revisits. Running it again plans nothing more: the new revisits are
        the customers' last ones."""
        rows = self._periodic_candidates(company, today)
        if not rows:
            return self.browse()
        vals_list = [
            {
                "partner_id": partner_id,
                "grade_id": grade_id,
                "company_id": company.id,
                "origin": "periodic",
                "method": "link" if has_email else "phone",
                "date_scheduled": today,
            }
            for partner_id, grade_id, has_email in rows
        ]
        revisits = (
            self.sudo()
            .with_context(
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
            )
            .create(vals_list)
        )
        _logger.info(
            "after_sales: %s periodic revisits planned for %s",
            len(revisits),
            company.name,
        )
        return revisits.with_env(self.env)

    @api.model
    def _send_due_rating_requests(self, company, today):
        """E-mail the rating links of the planned link revisits of
        ``company`` due on ``today`` (or before); each is sent once
        (``rating_request_date``). Returns the revisits mailed."""
        due = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "planned"),
                ("method", "=", "link"),
                ("rating_request_date", "=", False),
                ("date_scheduled", "<=", today),
                ("partner_id.email", "!=", False),
            ]
        )
        if due:
            due._as_send_rating_request()
        return due.with_env(self.env)
