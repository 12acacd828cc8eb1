import logging
import math
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.key_account.lib.input_check import check_input
from odoo.addons.key_account.lib.system_fields import check_system_fields

_logger = logging.getLogger(__name__)

EARTH_RADIUS_M = 6371008.8
PARAM_RADIUS = "sales_followup.checkin_radius_m"
PARAM_LEAD = "sales_followup.visit_plan_lead_days"
DEFAULT_RADIUS_M = 500.0
DEFAULT_LEAD_DAYS = 7
PARAM_CAPACITY = "sales_followup.visit_plan_daily_capacity"
DEFAULT_DAILY_CAPACITY = 5
PLAN_HOUR = 9  # generated visits are planned at 09:00 local time
# set by the check-in flow, the buttons and the nightly run, never by hand
# (a new visit may come with the status "planned", its default)
SYSTEM_FIELDS = frozenset(
    {
        "state",
        "origin",
        "checkin_date",
        "checkin_latitude",
        "checkin_longitude",
        "checkin_accuracy",
        "checkin_located",
        "checkin_distance",
        "checkin_far",
        "checkout_date",
        "checkout_latitude",
        "checkout_longitude",
        "checkout_accuracy",
        "duration",
    }
)


def haversine_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = math.radians(lat2 - lat1)
    dlmb = math.radians(lon2 - lon1)
    a = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


class SalesFollowupVisitPlan(models.Model):
    _name = "sales_followup.visit.plan"
    _description = "Visit Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "planned_date desc, id desc"
    _check_company_auto = True

    @api.model
    def _default_next_step_type_id(self):
        # cached lookup: no query per record when the cron creates plans
        return self.env["ir.model.data"]._xmlid_to_res_id(
            "sales_followup.mail_activity_type_visit", raise_if_not_found=False
        )

    name = fields.Char(string="Subject", compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        check_company=True,
    )
    contact_ids = fields.Many2many(
        "res.partner",
        "sales_followup_visit_plan_contact_rel",
        "plan_id",
        "contact_id",
        string="Contacts to Meet",
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
    )
    purpose = fields.Char(tracking=True)
    planned_date = fields.Datetime(
        string="Planned On",
        required=True,
        index=True,
        tracking=True,
        default=fields.Datetime.now,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        ondelete="set null",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        ondelete="set null",
        index=True,
    )
    grade_id = fields.Many2one(
        "key_account.grade",
        compute="_compute_grade_id",
        store=True,
        readonly=False,
        ondelete="set null",
        index=True,
        help="The customer's grade when the visit was planned.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        ondelete="cascade",
        index=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
            ("missed", "Missed"),
        ],
        default="planned",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    origin = fields.Selection(
        [("manual", "By Hand"), ("auto", "Generated")],
        default="manual",
        required=True,
        readonly=True,
        copy=False,
    )

    # --- visit record (拜访记录): check-in and check-out on the plan itself ---
    checkin_date = fields.Datetime(string="Check-in Time", readonly=True, copy=False)
    checkin_latitude = fields.Float(
        string="Check-in Latitude", digits=(10, 7), readonly=True, copy=False
    )
    checkin_longitude = fields.Float(
        string="Check-in Longitude", digits=(10, 7), readonly=True, copy=False
    )
    checkin_accuracy = fields.Float(
        string="Check-in Accuracy (m)", readonly=True, copy=False
    )
    checkin_located = fields.Boolean(
        string="Check-in Located",
        readonly=True,
        copy=False,
        help="The browser gave the position at check-in.",
    )
    checkin_distance = fields.Float(
        string="Distance to Customer (m)",
        digits=(12, 0),
        readonly=True,
        copy=False,
        help="Distance between the check-in and the customer's stored location "
        "(haversine formula).",
    )
    checkin_far = fields.Boolean(
        string="Far From Customer",
        readonly=True,
        copy=False,
        index=True,
        help="The check-in was farther from the customer than the allowed radius.",
    )
    checkout_date = fields.Datetime(string="Check-out Time", readonly=True, copy=False)
    checkout_latitude = fields.Float(
        string="Check-out Latitude", digits=(10, 7), readonly=True, copy=False
    )
    checkout_longitude = fields.Float(
        string="Check-out Longitude", digits=(10, 7), readonly=True, copy=False
    )
    checkout_accuracy = fields.Float(
        string="Check-out Accuracy (m)", readonly=True, copy=False
    )
    duration = fields.Float(
        string="Duration (hours)",
        compute="_compute_duration",
        store=True,
        help="Time between check-in and check-out.",
    )
    note = fields.Html(string="Notes", copy=False)
    outcome = fields.Selection(
        [
            ("progress", "Progress"),
            ("no_change", "No Change"),
            ("blocked", "Blocked"),
            ("lost", "Lost Opportunity"),
        ],
        tracking=True,
        copy=False,
    )
    next_step = fields.Char(copy=False)
    next_step_date = fields.Date(string="Next Step Due", copy=False)
    next_step_type_id = fields.Many2one(
        "mail.activity.type",
        ondelete="set null",
        default=lambda self: self._default_next_step_type_id(),
    )
    next_step_activity_id = fields.Many2one(
        "mail.activity", ondelete="set null", copy=False, index="btree_not_null"
    )
    partner_latitude = fields.Float(
        related="partner_id.partner_latitude", string="Customer Latitude"
    )
    partner_longitude = fields.Float(
        related="partner_id.partner_longitude", string="Customer Longitude"
    )

    @api.depends("partner_id.name", "purpose")
    def _compute_name(self):
        for plan in self:
            plan.name = " · ".join(filter(None, [plan.partner_id.name, plan.purpose]))

    @api.depends("partner_id")
    def _compute_user_id(self):
        for plan in self:
            plan.user_id = plan.partner_id.user_id or plan.user_id or self.env.user

    @api.depends("partner_id")
    def _compute_team_id(self):
        for plan in self:
            plan.team_id = plan.partner_id.team_id or plan.team_id

    @api.depends("partner_id")
    def _compute_grade_id(self):
        for plan in self:
            plan.grade_id = plan.partner_id.ka_grade_id

    @api.depends("checkin_date", "checkout_date")
    def _compute_duration(self):
        for plan in self:
            if plan.checkin_date and plan.checkout_date:
                delta = plan.checkout_date - plan.checkin_date
                plan.duration = max(delta.total_seconds(), 0) / 3600.0
            else:
                plan.duration = 0.0

    @api.private
    def init(self):
        # at most one open generated plan per customer, whatever the cron does
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS sales_followup_visit_plan_auto_open_uniq
                ON sales_followup_visit_plan (partner_id)
             WHERE state = 'planned' AND origin = 'auto'
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        self._check_system_values(vals_list, creating=True)
        partner_ids = {
            vals["partner_id"] for vals in vals_list if vals.get("partner_id")
        }
        commercial = {
            partner.id: partner.commercial_partner_id.id
            for partner in self.env["res.partner"].browse(partner_ids)
        }
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = commercial[vals["partner_id"]]
        plans = super().create(vals_list)
        plans._check_own_visits()
        plans._check_planned_day()
        return plans

    def write(self, vals):
        check_input(self, [vals])
        self._check_system_values([vals])
        self._check_closed_visits(vals)
        if "user_id" in vals and vals["user_id"] != self.env.uid:
            self.browse()._check_own_visits(vals["user_id"])
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        # the salesperson follows the customer: another customer may change it
        moving = "partner_id" in vals and "user_id" not in vals
        before = {plan: plan.user_id for plan in self} if moving else {}
        res = super().write(vals)
        if moving:
            self.filtered(lambda p: p.user_id != before[p])._check_own_visits()
        if "planned_date" in vals:
            self._check_planned_day()
        return res

    def _check_system_values(self, vals_list, creating=False):
        """The status, the check-in figures and the origin are the system's:
        refused to users (the buttons and the nightly run write them in
        superuser mode, after their own check of the caller, or with SQL).
        A new visit may come with its default status, planned."""
        if self.env.su:
            return
        if creating:
            vals_list = [
                {
                    fname: value
                    for fname, value in vals.items()
                    if fname != "state" or value not in (False, "planned")
                }
                for vals in vals_list
            ]
        states = {vals["state"] for vals in vals_list if "state" in vals}
        if "missed" in states:
            raise AccessError(
                self.env._(
                    "Only the nightly run marks a visit as missed: it cannot be "
                    "set by hand."
                )
            )
        if states:
            raise AccessError(
                self.env._(
                    "A visit is created planned and changes its status only "
                    "with its buttons (Check In and Check Out, Mark Done, "
                    "Cancel, Plan Again): its status cannot be set by hand."
                )
            )
        check_system_fields(self, SYSTEM_FIELDS, vals_list)

    def _check_closed_visits(self, vals):
        """The customer and the date of a visit done, missed or cancelled are
        those of the follow-up it counts as: nobody moves them (the form
        shows them read-only)."""
        if self.env.su or not {"partner_id", "planned_date"} & set(vals):
            return
        if any(plan.state != "planned" for plan in self):
            raise AccessError(
                self.env._(
                    "The customer and the date of a visit that is done, missed "
                    "or cancelled cannot be changed."
                )
            )

    @api.model
    def _is_planner(self):
        """Team leaders and key-account managers (and the system) plan visits
        for anyone of their teams; a salesperson plans their own."""
        return self.env.su or self.env.user.has_group(
            "key_account.key_account_group_leader"
        )

    def _check_own_visits(self, user_id=None):
        """A salesperson's new or reassigned visits (these records, or a
        salesperson ``user_id`` given to visits) are their own."""
        if self._is_planner():
            return
        if (user_id is not None and user_id != self.env.uid) or any(
            plan.user_id != self.env.user for plan in self
        ):
            raise AccessError(
                self.env._(
                    "A salesperson plans visits only for themselves: only a "
                    "team leader or a key-account manager plans a visit for a "
                    "colleague or hands it to one."
                )
            )

    def _check_planned_day(self):
        """A salesperson plans from their business day on: a visit of a past
        day, closed without a check-in, would be a follow-up of that day."""
        if self._is_planner():
            return
        for plan in self:
            company = plan.company_id
            if plan.planned_date < company._ka_day_start_utc(company._ka_today()):
                day = pytz.utc.localize(plan.planned_date).astimezone(company._ka_tz())
                raise AccessError(
                    self.env._(
                        "A visit cannot be planned on a past day (%(date)s): "
                        "only a team leader or a key-account manager records "
                        "a visit after the fact.",
                        date=day.date(),
                    )
                )

    def _check_caller(self):
        """First step of every button: the caller is a salesperson, a team
        leader or a key-account manager, and may write these visits."""
        if not self.env.su and not self.env.user.has_group(
            "key_account.key_account_group_user"
        ):
            raise AccessError(
                self.env._(
                    "Only salespeople, team leaders and key-account managers can "
                    "check in, close or plan visits."
                )
            )
        self.check_access("write")

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def action_check_in(self, latitude=None, longitude=None, accuracy=None):
        """Check in now, with the position the browser gave (if the user agreed)."""
        self._check_caller()
        self.ensure_one()
        latitude, longitude, accuracy = self._as_numbers(latitude, longitude, accuracy)
        if self.state not in ("planned", "missed"):
            raise UserError(
                self.env._("Only a planned or missed visit can be checked in.")
            )
        if self.checkin_date:
            raise UserError(self.env._("This visit is already checked in."))
        located = self._check_position(latitude, longitude)
        vals = {
            "checkin_date": fields.Datetime.now(),
            "checkin_located": located,
            "checkin_latitude": latitude if located else 0.0,
            "checkin_longitude": longitude if located else 0.0,
            "checkin_accuracy": max(accuracy or 0.0, 0.0),
            "checkin_distance": 0.0,
            "checkin_far": False,
        }
        partner = self.partner_id
        if located and (partner.partner_latitude or partner.partner_longitude):
            distance = haversine_m(
                latitude, longitude, partner.partner_latitude, partner.partner_longitude
            )
            vals["checkin_distance"] = distance
            vals["checkin_far"] = distance > self._checkin_radius()
        # the figures are the system's: written in superuser mode, once the
        # caller is checked (the author of the change stays the caller)
        self.sudo().write(vals)
        if self.checkin_far:
            self.message_post(
                body=self.env._(
                    "Checked in %(distance)s m from the customer's location "
                    "(allowed radius: %(radius)s m).",
                    distance=round(self.checkin_distance),
                    radius=round(self._checkin_radius()),
                )
            )
        return True

    def action_check_out(self, latitude=None, longitude=None, accuracy=None):
        """Check out now and close the visit."""
        self._check_caller()
        self.ensure_one()
        latitude, longitude, accuracy = self._as_numbers(latitude, longitude, accuracy)
        if not self.checkin_date:
            raise UserError(self.env._("Check in before checking out."))
        if self.checkout_date:
            raise UserError(self.env._("This visit is already checked out."))
        located = self._check_position(latitude, longitude)
        self.sudo().write(
            {
                "checkout_date": fields.Datetime.now(),
                "checkout_latitude": latitude if located else 0.0,
                "checkout_longitude": longitude if located else 0.0,
                "checkout_accuracy": max(accuracy or 0.0, 0.0),
            }
        )
        return self.action_done()

    def action_set_customer_location(self):
        """The customer had no stored location: take the check-in's."""
        self._check_caller()
        self.ensure_one()
        if not self.checkin_located:
            raise UserError(self.env._("This visit has no check-in position."))
        self.partner_id.write(
            {
                "partner_latitude": self.checkin_latitude,
                "partner_longitude": self.checkin_longitude,
            }
        )
        self.sudo().write({"checkin_distance": 0.0, "checkin_far": False})
        return True

    def action_done(self):
        """Close planned or missed visits (a done one stays done). A visit
        without a check-in counts as a follow-up on its planned day: a user
        cannot close it before that day."""
        self._check_caller()
        plans = self.filtered(lambda p: p.state in ("planned", "missed"))
        if not self.env.su:
            for plan in plans.filtered(lambda p: not p.checkin_date):
                company = plan.company_id
                tomorrow = company._ka_today() + timedelta(days=1)
                if plan.planned_date >= company._ka_day_start_utc(tomorrow):
                    raise UserError(
                        self.env._(
                            "%(visit)s is planned on a later day: check in at "
                            "the customer's, or plan it today, to mark it done.",
                            visit=plan.display_name,
                        )
                    )
        # the status is the system's: written in superuser mode, once the
        # caller is checked (the author of the change stays the caller)
        plans.sudo().write({"state": "done"})
        self._create_next_step_activities()
        return True

    def action_cancel(self):
        self._check_caller()
        self.filtered(lambda p: p.state in ("planned", "missed")).sudo().write(
            {"state": "cancelled"}
        )
        return True

    def action_reset(self):
        """Plan a cancelled or missed visit again (not one already checked in)."""
        self._check_caller()
        self.filtered(
            lambda p: p.state in ("cancelled", "missed") and not p.checkin_date
        ).sudo().write({"state": "planned"})
        return True

    def _create_next_step_activities(self):
        """The next step of a done visit becomes an activity on the customer."""
        plans = self.filtered(
            lambda p: p.state == "done" and p.next_step and not p.next_step_activity_id
        )
        if not plans:
            return
        visit_type = self.env.ref("sales_followup.mail_activity_type_visit")
        model_id = self.env["ir.model"]._get_id("res.partner")
        # the default deadline counts from the business day of the visit's company
        today = {company: company._ka_today() for company in plans.company_id}
        activities = self.env["mail.activity"].create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": plan.partner_id.id,
                    "activity_type_id": (plan.next_step_type_id or visit_type).id,
                    "summary": plan.next_step,
                    "note": plan.note,
                    "date_deadline": plan.next_step_date
                    or today[plan.company_id] + timedelta(days=7),
                    "user_id": (plan.user_id or self.env.user).id,
                }
                for plan in plans
            ]
        )
        for plan, activity in zip(plans, activities, strict=True):
            plan.next_step_activity_id = activity

    @api.model
    def _as_numbers(self, latitude, longitude, accuracy):
        """The browser's values as numbers (the methods are callable by RPC:
        anything may come); a clear error for what is not a number."""
        try:
            return tuple(
                None if value is None or value is False else float(value)
                for value in (latitude, longitude, accuracy)
            )
        except (TypeError, ValueError):
            raise UserError(
                self.env._("The position sent by the browser is not valid.")
            ) from None

    @api.model
    def _check_position(self, latitude, longitude):
        """True when a position was given; refuses impossible coordinates."""
        if latitude is None or longitude is None:
            return False
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # also NaN
            raise UserError(
                self.env._(
                    "%(latitude)s, %(longitude)s is not a position on Earth.",
                    latitude=latitude,
                    longitude=longitude,
                )
            )
        return True

    @api.model
    def _checkin_radius(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(PARAM_RADIUS, DEFAULT_RADIUS_M)
        )
        try:
            return float(value)
        except (TypeError, ValueError):
            return DEFAULT_RADIUS_M

    # ------------------------------------------------------------------
    # nightly generation (a step of key_account's pipeline)
    # ------------------------------------------------------------------
    @api.model
    def _run_generation(self, company, today):
        """Mark the overdue plans of ``company`` missed, then plan a visit for
        every key account of ``company`` that is due, on its business day
        ``today``.

        A key account is a customer of the company (key_account's measure)
        with a grade and an account manager. It is due when it has no open
        (planned) visit and its last done visit plus the grade's interval
        falls within the lead days (never visited: due now). Each account
        manager gets at most the daily capacity of generated visits per
        working day: the due customers are placed in order (most overdue
        first, then by grade and customer) on the working days from today on
        — never on a statutory holiday or a day off, make-up working days
        (调休) included — and those that do not fit within the lead days wait
        for a later night. A visit is planned at 09:00 in the account
        manager's time zone (the company's when the user has none).
        Set-wise: one UPDATE for the missed plans and one INSERT ... SELECT
        over all customers, whatever their number. Run twice, it creates
        nothing the second time, and a unique partial index guards it.
        Returns (plans marked missed, plans created).
        """
        missed = self._mark_missed(company, today)
        params = self.env["ir.config_parameter"].sudo()
        lead = max(0, int(params.get_param(PARAM_LEAD, DEFAULT_LEAD_DAYS)))
        capacity = max(1, int(params.get_param(PARAM_CAPACITY, DEFAULT_DAILY_CAPACITY)))
        horizon = today + timedelta(days=lead)
        # the business days from today to the horizon, each with the working
        # day a visit due on it is planned on (itself, or the next one)
        days = [today + timedelta(days=i) for i in range(lead + 1)]
        to_work = [company._ka_add_working_days(day, 0) for day in days]
        work_days = [day for day in days if company._ka_is_working_day(day)]
        tz = company._ka_tz().zone
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            WITH last_visit AS (
                SELECT partner_id,
                       MAX(COALESCE(checkin_date, planned_date))
                           FILTER (WHERE state = 'done') AS last_date,
                       BOOL_OR(state = 'planned') AS has_open
                  FROM sales_followup_visit_plan
                 WHERE state IN ('planned', 'done')
                 GROUP BY partner_id
            ),
            candidate AS (
                SELECT p.id, p.name, p.user_id, p.team_id, p.ka_grade_id,
                       g.sequence AS grade_sequence,
                       l.has_open,
                       ((l.last_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)
                        + make_interval(days => g.visit_interval_days))::date
                           AS next_day
                  FROM res_partner p
                  JOIN key_account_grade g ON g.id = p.ka_grade_id AND g.active
                  LEFT JOIN last_visit l ON l.partner_id = p.id
                 WHERE %(customer)s AND p.user_id IS NOT NULL
            ),
            due AS (
                SELECT c.id, c.name, c.user_id, c.team_id, c.ka_grade_id,
                       c.grade_sequence,
                       GREATEST(COALESCE(c.next_day, %(today)s), %(today)s)
                           AS target
                  FROM candidate c
                 WHERE NOT COALESCE(c.has_open, FALSE)
                   AND (c.next_day IS NULL OR c.next_day <= %(horizon)s)
            ),
            booked AS (
                -- generated visits already planned in the window use capacity
                SELECT user_id, COUNT(*) AS n
                  FROM sales_followup_visit_plan
                 WHERE company_id = %(company)s AND state = 'planned'
                   AND origin = 'auto' AND planned_date >= %(start_utc)s
                 GROUP BY user_id
            ),
            ranked AS (
                SELECT d.*,
                       (COALESCE(b.n, 0) - 1 + ROW_NUMBER() OVER (
                            PARTITION BY d.user_id
                            ORDER BY d.target, d.grade_sequence, d.id)
                       ) / %(capacity)s AS slot
                  FROM due d
                  LEFT JOIN booked b ON b.user_id = d.user_id
            ),
            placed AS (
                SELECT r.id, r.name, r.user_id, r.team_id, r.ka_grade_id,
                       GREATEST(t.work_day, w.day) AS day
                  FROM ranked r
                  JOIN unnest(%(days)s::date[], %(to_work)s::date[])
                       AS t(day, work_day) ON t.day = r.target
                  JOIN unnest(%(work_days)s::date[]) WITH ORDINALITY
                       AS w(day, idx) ON w.idx = r.slot + 1
            ),
            zones AS (
                SELECT u.id AS user_id, COALESCE(z.name, %(tz)s) AS tz
                  FROM res_users u
                  JOIN res_partner up ON up.id = u.partner_id
                  LEFT JOIN pg_timezone_names z ON z.name = up.tz
                 WHERE u.id IN (SELECT user_id FROM placed)
            )
            INSERT INTO sales_followup_visit_plan (
                name, partner_id, purpose, planned_date, user_id, team_id,
                grade_id, company_id, state, origin, next_step_type_id,
                checkin_located, checkin_far,
                create_uid, write_uid, create_date, write_date)
            SELECT d.name || ' · ' || %(purpose)s, d.id, %(purpose)s,
                   ((d.day + %(hour)s::time) AT TIME ZONE z.tz) AT TIME ZONE 'UTC',
                   d.user_id, d.team_id, d.ka_grade_id,
                   %(company)s, 'planned', 'auto',
                   %(next_type)s, FALSE, FALSE,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM placed d
              JOIN zones z ON z.user_id = d.user_id
             ORDER BY d.id
            ON CONFLICT (partner_id) WHERE state = 'planned' AND origin = 'auto'
            DO NOTHING
            """,
                today=today,
                horizon=horizon,
                tz=tz,
                customer=self.env["key_account.measure"]._customer_sql(company, "p"),
                # the company's language, not the cron user's
                purpose=self.with_context(
                    lang=company.partner_id.lang or self.env.lang
                ).env._("Routine visit"),
                hour=time(PLAN_HOUR, 0),
                company=company.id,
                start_utc=company._ka_day_start_utc(today),
                capacity=capacity,
                days=days,
                to_work=to_work,
                work_days=work_days or [horizon + timedelta(days=1)],
                next_type=self._default_next_step_type_id() or None,
                uid=self.env.uid,
                now=fields.Datetime.now(),
            )
        )
        created = self.env.cr.rowcount
        self.invalidate_model()
        _logger.info(
            "sales_followup: %s, %s plans missed, %s created",
            company.name,
            missed,
            created,
        )
        return missed, created

    @api.model
    def _mark_missed(self, company, today):
        """Planned visits of ``company`` of a day before its business day
        ``today`` that were not done become missed (one UPDATE, without
        tracking messages)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            UPDATE sales_followup_visit_plan
               SET state = 'missed', write_uid = %(uid)s, write_date = %(now)s
             WHERE company_id = %(company)s
               AND state = 'planned' AND planned_date < %(cutoff)s
            """,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                company=company.id,
                cutoff=company._ka_day_start_utc(today),
            )
        )
        missed = self.env.cr.rowcount
        self.invalidate_model(["state", "write_uid", "write_date"])
        return missed

    @api.model
    def get_unusual_days(self, date_from, date_to=None):
        """The days the calendar view greys: the days off of the company's
        working calendar, statutory holidays included and make-up working
        days (调休) not.

        Public because Odoo's calendar view calls it by this name over RPC
        (it cannot be private): the caller must be a key-account user who may
        read visit plans (checked first, before any argument is read)."""
        if not self.env.user.has_group("key_account.key_account_group_user"):
            raise AccessError(
                self.env._("Only key-account users can read the visit calendar.")
            )
        self.check_access("read")
        try:
            first = fields.Date.to_date(date_from)
            last = fields.Date.to_date(date_to or date_from)
        except (TypeError, ValueError):
            first = last = None
        # the calendar view asks for a year at the most
        if not first or not last or last < first or (last - first).days > 400:
            raise UserError(
                self.env._(
                    "The calendar asks for the days off between two dates at "
                    "most 400 days apart, the first not after the second."
                )
            )
        calendar = self.env.company.sudo().resource_calendar_id
        if not calendar:
            return {}
        start = datetime.combine(first, time.min)
        stop = datetime.combine(last, time.max)
        return calendar._get_unusual_days(
            start.replace(tzinfo=pytz.utc), stop.replace(tzinfo=pytz.utc)
        )
