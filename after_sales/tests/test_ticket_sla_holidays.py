from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import TicketCommon


def _beijing(*args):
    """Naive UTC of a Beijing wall-clock time (UTC+8)."""
    from datetime import timedelta

    return datetime(*args) - timedelta(hours=8)


@tagged("post_install", "-at_install")
class TestTicketSlaHolidays(TicketCommon):
    """SLA deadlines in working time on a Beijing 8-12/13-17 calendar that
    follows the Chinese holidays (2026 from the chinesecalendar package:
    Spring Festival 15-23 February with make-up Saturdays 14 and 28
    February; Mid-Autumn 25-27 September; National Day 1-7 October with
    make-up Sunday 20 September and Saturday 10 October)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.beijing = cls.calendar.copy({"name": "北京售后", "tz": "Asia/Shanghai"})
        cls.beijing.ka_cn_holidays = True
        cls.helpdesk_team.as_calendar_id = cls.beijing

    def _open(self, when, **vals):
        with freeze_time(when):
            return self._ticket(user_id=self.as_staff.id, **vals)

    def test_three_tickets_before_a_holiday(self):
        # 1. Wednesday 30 September 16:00, the eve of National Day
        national = self._open(_beijing(2026, 9, 30, 16, 0))
        # 1 h on the 30th, 3 h on Thursday 8 October
        self.assertEqual(national.as_response_deadline, _beijing(2026, 10, 8, 11, 0))
        # 1 h, 8 h on the 8th, 7 h on Friday 9 October
        self.assertEqual(national.as_resolution_deadline, _beijing(2026, 10, 9, 16, 0))
        # 2. Thursday 24 September 17:30, the eve of Mid-Autumn (25-27)
        mid_autumn = self._open(_beijing(2026, 9, 24, 17, 30))
        self.assertEqual(mid_autumn.as_response_deadline, _beijing(2026, 9, 28, 12, 0))
        self.assertEqual(
            mid_autumn.as_resolution_deadline, _beijing(2026, 9, 29, 17, 0)
        )
        # 3. Friday 13 February 15:00, before the make-up Saturday 14 and the
        # Spring Festival (15-23)
        spring = self._open(_beijing(2026, 2, 13, 15, 0))
        # 2 h on Friday, 2 h on the make-up Saturday
        self.assertEqual(spring.as_response_deadline, _beijing(2026, 2, 14, 10, 0))
        # 2 h, 8 h on Saturday, 6 h on Tuesday 24 February
        self.assertEqual(spring.as_resolution_deadline, _beijing(2026, 2, 24, 15, 0))
        # without the Chinese calendar the first would fall in the holiday
        self.beijing.ka_cn_holidays = False
        plain = self._open(_beijing(2026, 9, 30, 16, 0))
        self.assertEqual(plain.as_response_deadline, _beijing(2026, 10, 1, 11, 0))
        self.assertEqual(plain.as_resolution_deadline, _beijing(2026, 10, 2, 16, 0))

    def test_paused_for_the_holiday(self):
        ticket = self._open(_beijing(2026, 9, 30, 16, 0))
        with freeze_time(_beijing(2026, 10, 3, 10, 0)):
            ticket.invalidate_recordset(["as_sla_paused", "as_sla_deadline"])
            self.assertTrue(ticket.as_sla_paused)
            self.assertEqual(ticket.as_sla_deadline, _beijing(2026, 10, 8, 11, 0))
        with freeze_time(_beijing(2026, 10, 8, 9, 0)):
            ticket.invalidate_recordset(["as_sla_paused"])
            self.assertFalse(ticket.as_sla_paused)
        with freeze_time(_beijing(2026, 10, 3, 10, 0)):
            ticket.stage_id = self.stage_done
            ticket.invalidate_recordset(["as_sla_paused"])
            self.assertFalse(ticket.as_sla_paused)

    def test_corrected_calendar_replans_open_tickets(self):
        spring = self._open(_beijing(2026, 2, 13, 15, 0))
        closed = self._open(_beijing(2026, 2, 13, 15, 0))
        closed.stage_id = self.stage_done
        closed_deadline = closed.as_response_deadline
        # the make-up Saturday 14 February taken out of the calendar
        self.env["key_account.cn.holiday"].search(
            [("date", "=", date(2026, 2, 14))]
        ).unlink()
        # 2 h on Friday 13, then Tuesday 24 February 8-10
        self.assertEqual(spring.as_response_deadline, _beijing(2026, 2, 24, 10, 0))
        self.assertEqual(closed.as_response_deadline, closed_deadline)

    def test_escalation_due_on_the_next_working_day(self):
        ticket = self._open(_beijing(2026, 9, 29, 9, 0))
        self.assertEqual(ticket.as_response_deadline, _beijing(2026, 9, 29, 14, 0))
        with freeze_time(_beijing(2026, 10, 2, 10, 0)):
            self.env["helpdesk.ticket"]._cron_sla_escalate()
        self.assertTrue(ticket.as_response_breached)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(activity.date_deadline, date(2026, 10, 8))

    def test_replan_is_set_wise(self):
        """The same queries for 3 and for 30 open tickets."""
        Ticket = self.env["helpdesk.ticket"]
        small = Ticket.browse(
            [self._open(_beijing(2026, 9, 30, 10, 0)).id for _i in range(3)]
        )
        big = Ticket.browse(
            [self._open(_beijing(2026, 9, 28 + i % 3, 10, 0)).id for i in range(30)]
        )
        counts = []
        for tickets in (small, big):
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.assertEqual(Ticket.browse(tickets.ids)._as_replan_sla(), len(tickets))
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[1], 15)
        # the re-planned deadlines are plan_hours' ones
        for ticket in big:
            self.assertEqual(
                ticket.as_resolution_deadline,
                self.beijing.plan_hours(16, ticket.as_sla_start),
            )
