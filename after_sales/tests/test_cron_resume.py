"""Every after-sales cron and nightly step can be killed in the middle and
run again: the result is the one of a single clean run, nothing twice,
nothing lost.

The SLA escalation (a cron of its own) and each of after_sales' steps of
key_account's nightly pipeline (authorization expiry, contract expiry
reminders, periodic revisits) are one transaction each, with no commit
inside (the pipeline commits after each step): a killed worker's
transaction is rolled back by PostgreSQL (here: by a savepoint), and the
flags written with the work (``as_*_warned``/``as_*_breached``,
``reminder_date``, ``as_expiry_reminded``, the planned revisits and their
``rating_request_date``) keep a second run from doing it again.

Each test makes a clean run and undoes it, then interrupts runs at several
points (a patched step raises after some work is written), checks that
nothing of the failed run is left, runs again, compares with the clean run,
and runs once more to check that nothing changes.
"""

import contextlib
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import TicketCommon, make_authorization

FRIDAY_17 = "2026-11-20 17:00:00"
MONDAY_0900 = "2026-11-23 09:00:00"
MONDAY_1330 = "2026-11-23 13:30:00"


class Interrupted(Exception):
    """Stands for the worker being killed."""


@tagged("post_install", "-at_install")
class TestCronResume(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.env.company._ka_today()
        cls.Revisit = cls.env["after_sales.revisit"]
        cls.Activity = cls.env["mail.activity"]
        cls.Pipeline = cls.env["key_account.pipeline"]

    def _step(self, code):
        """The step ``code`` of the pipeline for our company's business day."""
        return lambda: self.Pipeline._run(companies=self.env.company, codes=(code,))

    # ------------------------------------------------------------------ tools
    def _clean_run(self, run, snapshot):
        """The snapshot of one uninterrupted run, then rolled back."""
        result = {}
        with contextlib.suppress(Interrupted), self.env.cr.savepoint():
            run()
            self.env.flush_all()
            self.env.invalidate_all()
            result.update(snapshot())
            raise Interrupted()
        self.env.invalidate_all()
        return result

    def _interrupt(self, run, model, method, after_calls):
        """Run ``run`` and die in the ``after_calls``+1-th call of ``method``;
        the run's transaction is rolled back, as PostgreSQL does when the
        worker dies."""
        cls = type(self.env[model])
        original = getattr(cls, method)
        calls = []

        def dying(this, *args, **kwargs):
            if len(calls) >= after_calls:
                raise Interrupted()
            calls.append(1)
            return original(this, *args, **kwargs)

        with (
            patch.object(cls, method, dying),
            self.assertRaises(Interrupted),
            self.env.cr.savepoint(),
        ):
            run()
        self.env.invalidate_all()

    def _check_resumable(self, run, snapshot, points):
        before = snapshot()
        clean = self._clean_run(run, snapshot)
        self.assertNotEqual(clean, before, "the clean run did something")
        for model, method, after in points:
            with self.subTest(interrupted_in=method, after=after):
                self._interrupt(run, model, method, after)
                # nothing half-done is left behind
                self.assertEqual(snapshot(), before)
        run()
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(snapshot(), clean)
        # and once more: nothing twice
        run()
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(snapshot(), clean)
        return clean

    def _activities(self, model, ids):
        activities = self.Activity.search(
            [("res_model", "=", model), ("res_id", "in", ids)]
        )
        return sorted(
            (a.res_id, a.user_id.id, a.summary or "", str(a.date_deadline))
            for a in activities
        )

    # ------------------------------------------------------------------ SLA
    def test_sla_escalation(self):
        with freeze_time(FRIDAY_17):
            late = self._ticket() | self._ticket() | self._ticket()
        with freeze_time(MONDAY_0900):
            # response due 14:00 (lunch 12-13), warned from 13:12
            soon = self._ticket() | self._ticket()
        tickets = late | soon
        flags = (
            "as_response_warned",
            "as_response_breached",
            "as_resolution_warned",
            "as_resolution_breached",
        )

        def snapshot():
            return {
                "flags": sorted(
                    (t.id, *(bool(t[flag]) for flag in flags)) for t in tickets
                ),
                "activities": self._activities("helpdesk.ticket", tickets.ids),
            }

        with freeze_time(MONDAY_1330):
            clean = self._check_resumable(
                self.env["helpdesk.ticket"]._cron_sla_escalate,
                snapshot,
                [
                    # the second group of flags fails: the first is written
                    ("helpdesk.ticket", "write", 1),
                    # every flag written, the activities fail
                    ("mail.activity", "create", 0),
                ],
            )
        summaries = {row[0]: row[2] for row in clean["activities"]}
        self.assertEqual(len(clean["activities"]), 5, "one activity per ticket")
        self.assertEqual({summaries[t.id] for t in late}, {"First response overdue"})
        self.assertEqual({summaries[t.id] for t in soon}, {"First response due soon"})

    # ------------------------------------------------------------------ keys
    def test_authorization_expiry(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "after_sales.expiry_notice_customer", "1"
        )
        (self.customer_a | self.customer_b).write({"email": "it@example.com"})
        auths = (
            make_authorization(self.env, self.customer_a, self.licensed, days_left=-1)
            | make_authorization(self.env, self.customer_b, self.licensed, days_left=-5)
            | make_authorization(self.env, self.customer_a, self.licensed, days_left=5)
            | make_authorization(self.env, self.customer_b, self.licensed, days_left=20)
            | make_authorization(
                self.env, self.customer_pool, self.licensed, days_left=10
            )
            | make_authorization(
                self.env, self.customer_a, self.licensed, days_left=200
            )
        )

        def snapshot():
            mails = self.env["mail.mail"].search(
                [("model", "=", auths._name), ("res_id", "in", auths.ids)]
            )
            return {
                "keys": sorted(
                    (a.id, a.state, str(a.reminder_date or "")) for a in auths
                ),
                "activities": self._activities(auths._name, auths.ids),
                "mails": sorted((m.res_id, m.subject or "") for m in mails),
            }

        clean = self._check_resumable(
            self._step("authorization_expiry"),
            snapshot,
            [
                # keys expired, reminders not yet made
                ("mail.activity", "create", 0),
                # keys expired and reminded, the customer notices fail
                ("mail.template", "send_mail_batch", 0),
            ],
        )
        self.assertEqual(
            [row[1] for row in clean["keys"]],
            ["expired", "expired", "active", "active", "active", "active"],
        )
        self.assertEqual(len(clean["activities"]), 2)
        self.assertEqual(len(clean["mails"]), 2)

    # ------------------------------------------------------------------ contracts
    def _contract(self, days_left, partner):
        return self.env["contract.contract"].create(
            {
                "name": "维护合同",
                "partner_id": partner.id,
                "line_recurrence": True,
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.licensed.id,
                            "name": "年度维护",
                            "quantity": 1,
                            "price_unit": 10000,
                            "recurring_rule_type": "yearly",
                            "recurring_interval": 1,
                            "date_start": self.today - timedelta(days=300),
                            "date_end": self.today + timedelta(days=days_left),
                        },
                    )
                ],
            }
        )

    def test_contract_expiry_reminder(self):
        contracts = (
            self._contract(5, self.customer_a)
            | self._contract(20, self.customer_b)
            | self._contract(25, self.customer_a)
            | self._contract(200, self.customer_b)
        )

        def snapshot():
            return {
                "reminded": sorted((c.id, c.as_expiry_reminded) for c in contracts),
                "activities": self._activities(contracts._name, contracts.ids),
            }

        clean = self._check_resumable(
            self._step("contract_reminders"),
            snapshot,
            [
                # the contracts are flagged, the activities fail
                ("mail.activity", "create", 0),
            ],
        )
        self.assertEqual(len(clean["activities"]), 3)
        self.assertEqual(sum(row[1] for row in clean["reminded"]), 3)

    # ------------------------------------------------------------------ revisits
    def _revisit_setup(self):
        # only this test's customers are due (whatever else the database has)
        self.env["key_account.grade"].search([]).as_revisit_interval_days = 0
        self.grade_sla.as_revisit_interval_days = 30
        self.customer_a.ka_grade_id = self.grade_c
        customers = self.env["res.partner"]
        for i in range(7):
            customers |= self.env["res.partner"].create(
                {
                    "name": f"回访续跑{i}有限公司",
                    "is_company": True,
                    "ka_grade_id": self.grade_sla.id,
                    "email": f"kf{i}@example.com" if i % 3 else False,
                }
            )
        return customers

    def _revisit_snapshot(self, customers):
        revisits = self.Revisit.sudo().search([("partner_id", "in", customers.ids)])
        Message = self.env["mail.message"].sudo()
        rows = sorted(
            (
                r.partner_id.id,
                r.origin,
                r.method,
                r.state,
                str(r.date_scheduled),
                bool(r.rating_request_date),
                len(r.rating_ids),
                Message.search_count(
                    [
                        ("model", "=", r._name),
                        ("res_id", "=", r.id),
                        ("message_type", "!=", "notification"),
                    ]
                ),
            )
            for r in revisits
        )
        return {"revisits": rows}

    def test_periodic_revisits(self):
        customers = self._revisit_setup()
        clean = self._check_resumable(
            self._step("periodic_revisits"),
            lambda: self._revisit_snapshot(customers),
            [
                # revisits planned, the e-mails fail
                ("after_sales.revisit", "_send_due_rating_requests", 0),
                # one rating e-mail sent, the second fails
                ("after_sales.revisit", "rating_send_request", 1),
            ],
        )
        rows = clean["revisits"]
        self.assertEqual(len(rows), 7, "one revisit per customer")
        self.assertEqual(sum(row[5] for row in rows), 4, "e-mails to 4 of them")
        self.assertEqual(sum(row[6] for row in rows), 4, "one rating request each")
