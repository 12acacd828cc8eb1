from datetime import date

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import TicketCommon

# 2026-11-20 is a Friday.
FRIDAY_17 = "2026-11-20 17:00:00"


@tagged("post_install", "-at_install")
class TestTicketSla(TicketCommon):
    def _leader_activities(self, ticket):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "in", ticket.ids),
                ("user_id", "=", self.ticket_leader.id),
            ]
        )

    def _open_friday(self, **vals):
        with freeze_time(FRIDAY_17):
            return self._ticket(user_id=self.as_staff.id, **vals)

    def test_grade_deadlines_on_working_calendar(self):
        ticket = self._open_friday(as_channel="phone", as_caller_number="13800000000")
        self.assertEqual(ticket.as_grade_id, self.grade_sla)
        self.assertEqual(str(ticket.as_sla_start), FRIDAY_17)
        # 4 working hours from Friday 17:00: the Monday morning.
        self.assertEqual(str(ticket.as_response_deadline), "2026-11-23 12:00:00")
        # 16 working hours: Monday and Tuesday.
        self.assertEqual(str(ticket.as_resolution_deadline), "2026-11-24 17:00:00")
        # 80 % of 4 h = 3 h 12 min.
        self.assertEqual(str(ticket.as_response_warn_date), "2026-11-23 11:12:00")
        with freeze_time("2026-11-23 10:00:00"):
            ticket.invalidate_recordset(["as_sla_deadline", "as_sla_remaining_hours"])
            self.assertEqual(ticket.as_sla_deadline, ticket.as_response_deadline)
            self.assertAlmostEqual(ticket.as_sla_remaining_hours, 2.0)

    def test_grade_is_kept_when_customer_changes_grade(self):
        ticket = self._open_friday()
        self.customer_a.write({"ka_grade_id": self.grade_c.id})
        self.assertEqual(ticket.as_grade_id, self.grade_sla)

    def test_category_overrides_grade(self):
        category = self.env["helpdesk.ticket.category"].create(
            {"name": "紧急故障", "as_response_hours": 2.0, "as_resolution_hours": 8.0}
        )
        half = self.env["helpdesk.ticket.category"].create(
            {"name": "咨询", "as_response_hours": 1.0}
        )
        ticket = self._open_friday(category_id=category.id)
        self.assertEqual(str(ticket.as_response_deadline), "2026-11-23 10:00:00")
        self.assertEqual(str(ticket.as_resolution_deadline), "2026-11-23 17:00:00")
        ticket = self._open_friday(category_id=half.id)
        self.assertEqual(str(ticket.as_response_deadline), "2026-11-23 09:00:00")
        # No resolution hours on the category: the grade's 16 h.
        self.assertEqual(str(ticket.as_resolution_deadline), "2026-11-24 17:00:00")

    def test_first_response_by_stage(self):
        ticket = self._open_friday()
        with freeze_time("2026-11-23 11:00:00"):
            ticket.stage_id = self.stage_progress
        self.assertEqual(str(ticket.as_first_response_date), "2026-11-23 11:00:00")
        self.assertFalse(ticket.as_response_breached)
        with freeze_time("2026-11-25 09:00:00"):
            ticket.stage_id = self.stage_done
        self.assertTrue(ticket.as_resolution_breached)
        self.assertFalse(ticket.as_sla_deadline)

    def test_ticket_opened_in_progress_is_responded(self):
        ticket = self._open_friday(stage_id=self.stage_progress.id)
        self.assertEqual(str(ticket.as_first_response_date), FRIDAY_17)
        self.assertFalse(ticket.as_response_breached)
        self.assertEqual(ticket.as_sla_deadline, ticket.as_resolution_deadline)

    def test_late_first_response_by_staff_message(self):
        ticket = self._open_friday()
        with freeze_time("2026-11-23 13:30:00"):
            ticket.with_user(self.as_staff).message_post(
                body="您好，我们正在处理。",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(str(ticket.as_first_response_date), "2026-11-23 13:30:00")
        self.assertTrue(ticket.as_response_breached)
        self.assertEqual(ticket.stage_id, self.stage_new)

    def test_internal_note_is_not_a_response(self):
        ticket = self._open_friday()
        with freeze_time("2026-11-23 09:00:00"):
            ticket.with_user(self.as_staff).message_post(
                body="内部备注", message_type="comment", subtype_xmlid="mail.mt_note"
            )
        self.assertFalse(ticket.as_first_response_date)

    def test_breach_escalates_exactly_once(self):
        ticket = self._open_friday()
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time("2026-11-23 12:30:00"):
            Ticket._cron_sla_escalate()
            Ticket._cron_sla_escalate()
        self.assertTrue(ticket.as_response_breached)
        self.assertTrue(ticket.as_response_warned)
        self.assertFalse(ticket.as_resolution_breached)
        activities = self._leader_activities(ticket)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.summary, "First response overdue")
        with freeze_time("2026-11-24 17:30:00"):
            Ticket._cron_sla_escalate()
            Ticket._cron_sla_escalate()
        self.assertTrue(ticket.as_resolution_breached)
        self.assertEqual(len(self._leader_activities(ticket)), 2)

    def test_escalation_due_on_the_business_day(self):
        """The escalation runs during the day on the UTC clock of the
        deadlines; the leader's activity is due on the company's business
        day: at 16:30 UTC on Monday it is already Tuesday in China."""
        self.env.company.partner_id.tz = False  # China by default
        ticket = self._open_friday()
        cron_user = new_test_user(self.env, login="as_sla_cron_no_tz", tz=False)
        cron_user.tz = False
        with freeze_time("2026-11-23 16:30:00"):
            self.env["helpdesk.ticket"].with_user(cron_user).sudo()._cron_sla_escalate()
        activities = self._leader_activities(ticket)
        self.assertTrue(activities)
        self.assertEqual(set(activities.mapped("date_deadline")), {date(2026, 11, 24)})

    def test_near_breach_then_breach(self):
        ticket = self._open_friday()
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time("2026-11-23 11:00:00"):
            Ticket._cron_sla_escalate()
        self.assertFalse(self._leader_activities(ticket))
        with freeze_time("2026-11-23 11:30:00"):
            Ticket._cron_sla_escalate()
            Ticket._cron_sla_escalate()
        self.assertTrue(ticket.as_response_warned)
        self.assertFalse(ticket.as_response_breached)
        activities = self._leader_activities(ticket)
        self.assertEqual(activities.mapped("summary"), ["First response due soon"])
        with freeze_time("2026-11-23 12:01:00"):
            Ticket._cron_sla_escalate()
            Ticket._cron_sla_escalate()
        self.assertTrue(ticket.as_response_breached)
        self.assertEqual(len(self._leader_activities(ticket)), 2)

    def test_answered_or_closed_tickets_do_not_escalate(self):
        answered = self._open_friday()
        closed = self._open_friday()
        with freeze_time("2026-11-23 09:00:00"):
            answered.stage_id = self.stage_progress
            closed.stage_id = self.stage_done
        with freeze_time("2026-11-23 12:30:00"):
            self.env["helpdesk.ticket"]._cron_sla_escalate()
        self.assertFalse(self._leader_activities(answered | closed))
        self.assertFalse(answered.as_response_breached)

    def test_team_calendar_defaults_to_company(self):
        team = self.env["helpdesk.ticket.team"].create({"name": "默认日历组"})
        self.assertEqual(team.as_calendar_id, self.env.company.resource_calendar_id)

    def test_channels_agree_with_helpdesk_mgmt(self):
        """The intake channel and helpdesk_mgmt's channel fill each other."""
        phone = self._ticket(as_channel="phone", as_caller_number="13800000000")
        self.assertEqual(
            phone.channel_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone"),
        )
        # as helpdesk_mgmt's mail gateway and portal form create them
        mailed, web = self._ticket(
            channel_id=self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email").id
        ) | self._ticket(
            channel_id=self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web").id
        )
        self.assertEqual((mailed.as_channel, web.as_channel), ("email", "portal"))
        wechat = self._ticket(as_channel="wechat")
        self.assertEqual(
            wechat.channel_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_other"),
        )
        self.assertEqual(wechat.as_channel, "wechat")
