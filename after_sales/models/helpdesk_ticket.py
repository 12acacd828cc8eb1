from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from odoo.addons.key_account.lib.input_check import check_input

from ..lib.access import check_system_fields, has_role, without_system_defaults

# Share of the allowed working time after which a ticket is escalated as a
# near-breach.
NEAR_BREACH_RATIO = 0.8
# the moments the SLA planning sets
SLA_DEADLINES = (
    "as_response_deadline",
    "as_response_warn_date",
    "as_resolution_deadline",
    "as_resolution_warn_date",
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    as_channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "E-mail"),
            ("portal", "Portal"),
            ("wechat", "WeChat"),
            ("visit", "Visit"),
        ],
        string="Intake Channel",
        tracking=True,
    )
    as_caller_number = fields.Char(string="Caller Number")
    as_call_time = fields.Datetime(string="Call Time")
    as_grade_id = fields.Many2one(
        "key_account.grade",
        string="Customer Grade",
        ondelete="restrict",
        index=True,
        readonly=True,
        tracking=True,
        # our internal grade of the customer: not shown to the portal
        groups="base.group_user",
        help="Grade of the customer when the ticket was opened (or given to "
        "that customer); it sets the SLA.",
    )
    as_product_id = fields.Many2one(
        "product.product", string="Product", ondelete="set null", index=True
    )
    as_authorization_id = fields.Many2one(
        "after_sales.authorization",
        string="Authorization",
        ondelete="set null",
        index=True,
        domain="[('partner_id', '=', commercial_partner_id)]",
    )
    as_contract_id = fields.Many2one(
        "contract.contract",
        string="Contract",
        ondelete="set null",
        index=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    as_lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        ondelete="set null",
        index=True,
        domain="[('product_id', '=?', as_product_id)]",
    )
    as_sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        ondelete="set null",
        index=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    as_root_cause = fields.Text(string="Root Cause")
    as_solution = fields.Text(string="Solution")
    as_sla_start = fields.Datetime(string="SLA Start", readonly=True, copy=False)
    as_response_deadline = fields.Datetime(
        string="First Response Deadline", readonly=True, copy=False, index=True
    )
    as_resolution_deadline = fields.Datetime(
        string="Resolution Deadline", readonly=True, copy=False, index=True
    )
    as_response_warn_date = fields.Datetime(
        string="First Response Warning", readonly=True, copy=False, index=True
    )
    as_resolution_warn_date = fields.Datetime(
        string="Resolution Warning", readonly=True, copy=False, index=True
    )
    as_first_response_date = fields.Datetime(
        string="First Response", readonly=True, copy=False
    )
    as_response_breached = fields.Boolean(
        string="First Response Overdue", readonly=True, copy=False
    )
    as_resolution_breached = fields.Boolean(
        string="Resolution Overdue", readonly=True, copy=False
    )
    as_response_warned = fields.Boolean(
        string="First Response Near-breach Escalated", readonly=True, copy=False
    )
    as_resolution_warned = fields.Boolean(
        string="Resolution Near-breach Escalated", readonly=True, copy=False
    )
    as_revisit_ids = fields.One2many(
        "after_sales.revisit", "ticket_id", string="Revisits"
    )
    as_repair_ids = fields.One2many(
        "repair.order",
        "as_ticket_id",
        string="Repair Orders",
        groups="stock.group_stock_user",
    )
    as_repair_count = fields.Integer(
        string="Repair Order Count",
        compute="_compute_as_repair_count",
        groups="stock.group_stock_user",
    )
    as_repair_state = fields.Selection(
        lambda self: self.env["repair.order"]._fields["state"].selection,
        string="Repair Status",
        compute="_compute_as_repair_count",
        groups="stock.group_stock_user",
        help="Status of the latest repair order of the ticket.",
    )
    as_sla_deadline = fields.Datetime(
        string="SLA Deadline",
        compute="_compute_as_sla_deadline",
        help="The next deadline of the ticket: first response, then resolution.",
    )
    as_sla_remaining_hours = fields.Float(
        string="SLA Remaining (hours)",
        compute="_compute_as_sla_deadline",
        help="Hours left until the next deadline; negative when overdue.",
    )
    as_sla_paused = fields.Boolean(
        string="Paused for the Holiday",
        compute="_compute_as_sla_deadline",
        help="Today is a statutory holiday of the ticket's working calendar: "
        "the SLA clock stands still until the next working day.",
    )

    @api.depends(
        "as_response_deadline",
        "as_resolution_deadline",
        "as_first_response_date",
        "stage_id.closed",
    )
    def _compute_as_sla_deadline(self):
        now = fields.Datetime.now()
        Year = self.env["key_account.cn.holiday.year"]
        today_holiday = {}  # company -> today is a statutory holiday
        for ticket in self:
            if ticket.stage_id.closed:
                deadline = False
            elif not ticket.as_first_response_date:
                deadline = ticket.as_response_deadline
            else:
                deadline = ticket.as_resolution_deadline
            ticket.as_sla_deadline = deadline
            ticket.as_sla_remaining_hours = (
                (deadline - now).total_seconds() / 3600 if deadline else 0.0
            )
            paused = False
            if deadline and deadline > now:
                company = ticket.company_id or self.env.company
                if company not in today_holiday:
                    today = company._ka_today()
                    today_holiday[company] = today in Year._ka_year_days(today.year)[0]
                paused = today_holiday[company] and bool(
                    ticket._as_sla_calendar().ka_cn_holidays
                )
            ticket.as_sla_paused = paused

    @api.depends("as_repair_ids.state")
    def _compute_as_repair_count(self):
        for ticket in self:
            repairs = ticket.as_repair_ids
            ticket.as_repair_count = len(repairs)
            ticket.as_repair_state = repairs.sorted("id")[-1:].state

    @api.constrains("as_authorization_id", "commercial_partner_id")
    def _check_as_authorization_id(self):
        for ticket in self:
            auth = ticket.as_authorization_id
            if auth and auth.partner_id != ticket.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Authorization %(auth)s does not belong to %(partner)s.",
                        auth=auth.display_name,
                        partner=ticket.commercial_partner_id.display_name,
                    )
                )

    # helpdesk_mgmt's own channel records (set by its mail gateway and portal)
    # for our intake channels: each fills the other when a ticket is created.
    _AS_CHANNEL_XMLIDS = {
        "phone": "helpdesk_mgmt.helpdesk_ticket_channel_phone",
        "email": "helpdesk_mgmt.helpdesk_ticket_channel_email",
        "portal": "helpdesk_mgmt.helpdesk_ticket_channel_web",
        "wechat": "helpdesk_mgmt.helpdesk_ticket_channel_other",
        "visit": "helpdesk_mgmt.helpdesk_ticket_channel_other",
    }

    def _as_channel_ids(self):
        """{intake channel: helpdesk_mgmt channel id}."""
        channel_ids = {}
        for code, xmlid in self._AS_CHANNEL_XMLIDS.items():
            channel = self.env.ref(xmlid, raise_if_not_found=False)
            if channel:
                channel_ids[code] = channel.id
        return channel_ids

    def _as_fill_channel_from_helpdesk(self):
        """Tickets helpdesk_mgmt gave a channel (its mail gateway, its portal
        form) get the matching intake channel: one write per channel."""
        code_by_channel = {
            channel_id: code
            for code, channel_id in self._as_channel_ids().items()
            if code not in ("wechat", "visit")
        }
        by_code = {}
        for ticket in self:
            code = code_by_channel.get(ticket.channel_id.id)
            if code and not ticket.as_channel:
                by_code.setdefault(code, []).append(ticket.id)
        for code, ids in by_code.items():
            self.browse(ids).as_channel = code

    def _as_system_fields(self):
        """The customer's grade (taken from the customer, never chosen: it
        sets the SLA) and the SLA figures: planned at creation, stamped when
        the ticket is answered and closed, flagged by the escalation; refused
        in a user's create and write."""
        return {
            "as_grade_id",
            "as_sla_start",
            "as_response_deadline",
            "as_resolution_deadline",
            "as_response_warn_date",
            "as_resolution_warn_date",
            "as_first_response_date",
            "as_response_breached",
            "as_resolution_breached",
            "as_response_warned",
            "as_resolution_warned",
        }

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        check_system_fields(self, vals_list, creating=True)
        channel_ids = self._as_channel_ids()
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            # the intake channel also sets helpdesk_mgmt's (its reports, filters)
            if vals.get("as_channel") in channel_ids and not vals.get("channel_id"):
                vals["channel_id"] = channel_ids[vals["as_channel"]]
        tickets = (
            super(HelpdeskTicket, without_system_defaults(self))
            .create(vals_list)
            .with_env(self.env)
        )
        tickets._as_fill_channel_from_helpdesk()
        # Tickets created without an explicit assignee; helpdesk_mgmt's "auto
        # assign" option may have given them to their creator, the feedback
        # staff assignment below takes precedence when a member matches.
        unassigned = self.browse(
            [
                ticket.id
                for ticket, vals in zip(tickets, vals_list, strict=True)
                if not vals.get("user_id") and ticket.team_id
            ]
        )
        now = fields.Datetime.now()
        tickets._as_set_customer_grade()
        tickets._as_plan_sla(now)
        # A ticket opened directly in a working stage (a call answered on the
        # spot) is responded to at creation.
        tickets._as_track_sla_events()
        unassigned._as_auto_assign()
        self.env["after_sales.revisit"]._schedule_for_tickets(tickets)
        return tickets

    def _as_set_customer_grade(self, moved_ids=()):
        """The tickets without a grade, and those of ``moved_ids`` (given to
        another customer), take their customer's grade, one write per grade
        (as the system: the grade is a system field). Returns the tickets
        whose grade changed."""
        changed = self.browse()
        tickets = self.sudo().filtered(lambda t: not t.as_grade_id or t.id in moved_ids)
        for grade, group in tickets.grouped(
            lambda t: t.commercial_partner_id.ka_grade_id
        ).items():
            group = group.filtered(lambda t, g=grade: t.as_grade_id != g)
            if group:
                group.as_grade_id = grade
                changed |= group
        return changed.with_env(self.env)

    def write(self, vals):
        check_input(self, [vals])
        check_system_fields(self, [vals])
        customers = {}
        if "partner_id" in vals:
            customers = {t.id: t.commercial_partner_id for t in self.sudo()}
        res = super().write(vals)
        if "partner_id" in vals:
            # a customer picked after the call (unknown number), or another
            # customer: its grade, and the SLA of that grade counted from the
            # ticket's start
            moved_ids = {
                t.id for t in self.sudo() if t.commercial_partner_id != customers[t.id]
            }
            for ticket in self._as_set_customer_grade(moved_ids):
                ticket._as_plan_sla(ticket.as_sla_start or ticket.create_date)
        if vals.get("stage_id"):
            self._as_track_sla_events()
            self.env["after_sales.revisit"]._schedule_for_tickets(self)
        return res

    def _as_check_repair_user(self):
        if not has_role(self.env, "stock.group_stock_user"):
            raise AccessError(
                self.env._("Only inventory users can handle the repairs of a ticket.")
            )
        self.check_access("read")

    def action_as_create_repair(self):
        """A repair order for the ticket's customer, product and serial
        number; the parts are added on the repair form."""
        self._as_check_repair_user()
        self.ensure_one()
        repair = self.env["repair.order"].create(
            {
                "as_ticket_id": self.id,
                "company_id": self.company_id.id or self.env.company.id,
                "partner_id": self.partner_id.id,
                "product_id": self.as_product_id.id,
                "lot_id": self.as_lot_id.id,
                "internal_notes": self.description,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "repair.order",
            "res_id": repair.id,
            "view_mode": "form",
        }

    def action_as_view_repairs(self):
        self._as_check_repair_user()
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "repair.action_repair_order_tree"
        )
        action["domain"] = [("as_ticket_id", "=", self.id)]
        action["context"] = {"default_as_ticket_id": self.id}
        return action

    def _message_post_after_hook(self, message, msg_vals):
        # A public reply of an internal user counts as the first response.
        author = message.author_id
        if (
            message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and author
            and author.user_ids
            and not author.user_ids[0].share
        ):
            self.filtered(lambda t: not t.as_first_response_date)._as_set_responded(
                message.date or fields.Datetime.now()
            )
        return super()._message_post_after_hook(message, msg_vals)

    def _as_sla_hours(self):
        """(response hours, resolution hours): the category's when set, else
        the grade's."""
        self.ensure_one()
        categ, grade = self.category_id, self.as_grade_id
        return (
            categ.as_response_hours or grade.ticket_response_hours,
            categ.as_resolution_hours or grade.ticket_resolution_hours,
        )

    def _as_sla_calendar(self):
        self.ensure_one()
        if self.team_id:
            return self.team_id._as_calendar()
        return self.company_id.resource_calendar_id

    def _as_sla_rows(self, open_only=False):
        """[(id, sla start, team, company, category, grade)] of the tickets,
        read in one query (the batch may hold every open ticket)."""
        self.flush_recordset(
            ["as_sla_start", "team_id", "company_id", "category_id", "as_grade_id"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT t.id, t.as_sla_start, t.team_id, t.company_id,
                          t.category_id, t.as_grade_id
                     FROM helpdesk_ticket t
                     LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                    WHERE t.id = ANY(%s) %s""",
                self.ids,
                SQL("AND t.as_sla_start IS NOT NULL AND NOT COALESCE(s.closed, FALSE)")
                if open_only
                else SQL(),
            )
        )
        return self.env.cr.fetchall()

    def _as_sla_plan_values(self, rows, start=None):
        """{ticket id: SLA vals} of the tickets of ``rows`` (see _as_sla_rows),
        counted from ``start`` or from each ticket's SLA start: working hours
        on the ticket's calendar (its team's, else its company's; plain hours
        without one), the Chinese holidays and make-up days included. The
        hours come from the category, else the grade, once per pair; one
        interval computation per calendar for the whole batch
        (resource.calendar._ka_plan_hours_batch)."""
        hours_of, calendar_of = {}, {}
        Category = self.env["helpdesk.ticket.category"].sudo()
        Grade = self.env["key_account.grade"].sudo()
        Team = self.env["helpdesk.ticket.team"].sudo()
        Company = self.env["res.company"].sudo()
        by_calendar, values = {}, {}
        for ticket_id, sla_start, team_id, company_id, categ_id, grade_id in rows:
            begin = start or sla_start
            values[ticket_id] = {"as_sla_start": begin}
            key = (categ_id, grade_id)
            if key not in hours_of:
                categ, grade = Category.browse(categ_id), Grade.browse(grade_id)
                hours_of[key] = (
                    categ.as_response_hours or grade.ticket_response_hours,
                    categ.as_resolution_hours or grade.ticket_resolution_hours,
                )
            response, resolution = hours_of[key]
            key = (team_id, company_id)
            if key not in calendar_of:
                calendar_of[key] = (
                    Team.browse(team_id)._as_calendar()
                    if team_id
                    else Company.browse(company_id).resource_calendar_id
                )
            requests = by_calendar.setdefault(calendar_of[key], [])
            for hours, deadline, warn in (
                (response, "as_response_deadline", "as_response_warn_date"),
                (resolution, "as_resolution_deadline", "as_resolution_warn_date"),
            ):
                if hours:
                    requests.append((ticket_id, deadline, begin, hours))
                    requests.append((ticket_id, warn, begin, hours * NEAR_BREACH_RATIO))
        for calendar, requests in by_calendar.items():
            if calendar:
                planned = calendar._ka_plan_hours_batch(
                    [(begin, hours) for _id, _field, begin, hours in requests]
                )
            else:
                planned = [
                    begin + timedelta(hours=hours)
                    for _id, _field, begin, hours in requests
                ]
            for (ticket_id, field, _begin, _hours), moment in zip(
                requests, planned, strict=True
            ):
                values[ticket_id][field] = moment
        return values

    def _as_plan_sla(self, start):
        """Plan the SLA of the tickets from ``start``; a target without hours
        (category and grade) has no deadline."""
        values = self._as_sla_plan_values(self._as_sla_rows(), start)
        unplanned = dict.fromkeys(SLA_DEADLINES, False)
        for ticket in self:
            ticket.sudo().write({**unplanned, **values[ticket.id]})

    def _as_replan_sla(self):
        """Count the SLA deadlines of the open tickets among ``self`` again
        from their start (the holiday calendar changed). Set-wise: one read,
        one planning per calendar, one UPDATE of the tickets whose deadlines
        move; the flags already raised (warned, breached) stay. Returns the
        number of tickets re-planned."""
        values = self._as_sla_plan_values(self._as_sla_rows(open_only=True))
        if not values:
            return 0
        columns = (
            "as_response_deadline",
            "as_response_warn_date",
            "as_resolution_deadline",
            "as_resolution_warn_date",
        )
        ids = list(values)
        arrays = [[values[i].get(col) or None for i in ids] for col in columns]
        self.env.flush_all()
        # the columns of our own figures, one statement for the batch; a
        # ticket without hours for a target keeps its value (COALESCE)
        self.env.cr.execute(
            SQL(
                """UPDATE helpdesk_ticket t
                  SET as_response_deadline = COALESCE(v.rd, t.as_response_deadline),
                      as_response_warn_date = COALESCE(v.rw, t.as_response_warn_date),
                      as_resolution_deadline
                          = COALESCE(v.sd, t.as_resolution_deadline),
                      as_resolution_warn_date
                          = COALESCE(v.sw, t.as_resolution_warn_date)
                     FROM unnest(%s::int[], %s::timestamp[], %s::timestamp[],
                                 %s::timestamp[], %s::timestamp[])
                          AS v(id, rd, rw, sd, sw)
                    WHERE t.id = v.id
                      AND (v.rd != t.as_response_deadline
                           OR v.rw != t.as_response_warn_date
                           OR v.sd != t.as_resolution_deadline
                           OR v.sw != t.as_resolution_warn_date
                           OR (v.rd IS NOT NULL
                               AND t.as_response_deadline IS NULL)
                           OR (v.sd IS NOT NULL
                               AND t.as_resolution_deadline IS NULL))""",
                ids,
                *arrays,
            )
        )
        self.browse(ids).invalidate_recordset(list(columns))
        return len(ids)

    @api.model
    def _as_replan_open_sla(self, date_from=None):
        """Re-plan the open tickets whose deadlines may fall on or after
        ``date_from`` (all open tickets without it)."""
        domain = [("stage_id.closed", "=", False), ("as_sla_start", "!=", False)]
        if date_from:
            domain += [
                "|",
                ("as_resolution_deadline", ">=", date_from),
                ("as_response_deadline", ">=", date_from),
            ]
        return self.sudo().search(domain)._as_replan_sla()

    def _as_track_sla_events(self):
        """First response: the ticket leaves an unattended (new) stage.
        Resolution: it reaches a closed stage."""
        now = fields.Datetime.now()
        self.filtered(
            lambda t: not t.as_first_response_date and not t.stage_id.unattended
        )._as_set_responded(now)
        late = self.filtered(
            lambda t: (
                t.stage_id.closed
                and t.as_resolution_deadline
                and not t.as_resolution_breached
                and (t.closed_date or now) > t.as_resolution_deadline
            )
        )
        if late:
            late.sudo().write({"as_resolution_breached": True})

    def _as_set_responded(self, when):
        if not self:
            return
        self.sudo().write({"as_first_response_date": when})
        late = self.filtered(
            lambda t: t.as_response_deadline and when > t.as_response_deadline
        )
        if late:
            late.sudo().write({"as_response_breached": True})

    def _as_auto_assign(self):
        """Give each ticket to the least-loaded matching member of its team."""
        staff = (
            self.env["after_sales.feedback.staff"]
            .sudo()
            .search([("team_id", "in", self.team_id.ids)])
        )
        if not staff:
            return
        # Concurrent assignments in a team must count each other's tickets:
        # touching the staff rows makes a concurrent transaction wait for this
        # one, then fail with a serialization error and run again on a fresh
        # snapshot (the RPC layer retries it) instead of counting stale loads.
        self.env.cr.execute(
            SQL(
                "UPDATE after_sales_feedback_staff SET write_date = write_date"
                " WHERE id IN (SELECT id FROM after_sales_feedback_staff"
                " WHERE id = ANY(%s) ORDER BY id FOR UPDATE)",
                staff.ids,
            )
        )
        loads = staff._open_loads(staff.team_id, staff.user_id)
        assignee_ids = {}
        for ticket in self:
            candidates = staff.filtered(
                lambda s, t=ticket: (
                    s.team_id == t.team_id
                    and s.user_id in t.team_id.user_ids
                    and s._matches(t)
                )
            )
            if not candidates:
                continue
            best = min(
                candidates,
                key=lambda s: (loads.get((s.team_id.id, s.user_id.id), 0), s.sequence),
            )
            key = (best.team_id.id, best.user_id.id)
            loads[key] = loads.get(key, 0) + 1
            assignee_ids.setdefault(best.user_id, []).append(ticket.id)
        for user, ticket_ids in assignee_ids.items():  # one write per assignee
            self.browse(ticket_ids).user_id = user

    @api.model
    def _cron_sla_escalate(self):
        """Escalate breaches and near-breaches to the team leader, once each.

        A frequent cron of its own (the deadlines fall during the working
        day), not a step of the nightly pipeline. The deadlines are moments
        (UTC); the activities are due on the business day of the ticket's
        company."""
        now = fields.Datetime.now()
        open_domain = [
            ("stage_id.closed", "=", False),
            ("team_id.user_id", "!=", False),
        ]
        no_response = [("as_first_response_date", "=", False)]
        tickets = self.search(
            open_domain
            + [
                "|",
                "|",
                "&",
                "&",
                ("as_response_warned", "=", False),
                ("as_response_warn_date", "<=", now),
                *no_response,
                "&",
                "&",
                ("as_response_breached", "=", False),
                ("as_response_deadline", "<=", now),
                *no_response,
                "|",
                "&",
                ("as_resolution_warned", "=", False),
                ("as_resolution_warn_date", "<=", now),
                "&",
                ("as_resolution_breached", "=", False),
                ("as_resolution_deadline", "<=", now),
            ]
        )
        if not tickets:
            return
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        activities, updates = [], {}
        summaries = {
            ("response", True): self.env._("First response overdue"),
            ("resolution", True): self.env._("Resolution overdue"),
            ("response", False): self.env._("First response due soon"),
            ("resolution", False): self.env._("Resolution due soon"),
        }
        # due on the company's business day, the next working day on a
        # holiday or weekend (nobody acts before)
        days = {
            company: company._ka_add_working_days(company._ka_today(), 0)
            for company in tickets.company_id | self.env.company
        }
        for ticket in tickets:
            flags, ticket_summaries = [], []
            for kind, deadline, warn in (
                ("response", ticket.as_response_deadline, ticket.as_response_warn_date),
                (
                    "resolution",
                    ticket.as_resolution_deadline,
                    ticket.as_resolution_warn_date,
                ),
            ):
                if kind == "response" and ticket.as_first_response_date:
                    continue
                breached = ticket[f"as_{kind}_breached"]
                warned = ticket[f"as_{kind}_warned"]
                if deadline and deadline <= now and not breached:
                    flags += [f"as_{kind}_breached", f"as_{kind}_warned"]
                    ticket_summaries.append(summaries[kind, True])
                elif warn and warn <= now and not warned and not breached:
                    flags.append(f"as_{kind}_warned")
                    ticket_summaries.append(summaries[kind, False])
            if not flags:
                continue
            updates.setdefault(tuple(sorted(flags)), []).append(ticket.id)
            # one activity per ticket and run; the deadlines are on the ticket
            activities.append(
                {
                    "res_model_id": model_id,
                    "res_id": ticket.id,
                    "activity_type_id": activity_type.id,
                    "user_id": ticket.team_id.user_id.id,
                    "summary": "; ".join(ticket_summaries),
                    "date_deadline": days[ticket.company_id or self.env.company],
                }
            )
        for keys, ids in updates.items():
            self.browse(ids).sudo().write(dict.fromkeys(keys, True))
        if activities:
            # No e-mail per activity (a catch-up run makes thousands): the
            # leaders find them in their activities, like the expiry reminders.
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(activities)
