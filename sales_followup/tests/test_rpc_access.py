import inspect

from odoo import fields
from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged

from .common import SalesFollowupCommon

# the public methods sales_followup defines on any model, besides the ORM's
# own (create, write, get_view...): each is a button or called by the
# addon's JS, and checks its caller (see readme/DESCRIPTION.md)
PUBLIC = {
    ("res.partner", "action_sf_view_visit_plans"),
    ("sales_followup.visit.plan", "action_check_in"),
    ("sales_followup.visit.plan", "action_check_out"),
    ("sales_followup.visit.plan", "action_set_customer_location"),
    ("sales_followup.visit.plan", "action_done"),
    ("sales_followup.visit.plan", "action_cancel"),
    ("sales_followup.visit.plan", "action_reset"),
    ("sales_followup.visit.plan", "get_unusual_days"),
    ("sales_followup.kpi.target", "action_compute_actuals"),
}
ORM = {"create", "write", "get_view"}

# (model, method): the nightly runs and their steps, never over RPC
PRIVATE = (
    ("sales_followup.visit.plan", "_run_generation"),
    ("sales_followup.visit.plan", "_mark_missed"),
    ("sales_followup.visit.plan", "_create_next_step_activities"),
    ("sales_followup.visit.plan", "init"),
    ("res.partner", "_sf_run_followup_policy"),
    ("sales_followup.care.reminder", "_run_care_reminders"),
    ("sales_followup.kpi.target", "_run_kpi_actuals"),
    ("sales_followup.kpi.target", "_compute_actuals"),
    ("sales_followup.kpi.target", "_update_ranks"),
    ("mail.activity", "_run_sf_activity_reminders"),
    ("key_account.measure", "_followup_event_sources"),
    ("key_account.pipeline", "_step_visit_plans"),
    ("key_account.pipeline", "_step_followup_policy"),
    ("key_account.pipeline", "_step_care_reminders"),
    ("key_account.pipeline", "_step_kpi_actuals"),
    ("key_account.pipeline", "_step_activity_reminders"),
)

VISIT_BUTTONS = (
    ("action_check_in", {"latitude": 31.2305, "longitude": 121.4737}),
    ("action_check_out", {}),
    ("action_set_customer_location", {}),
    ("action_done", {}),
    ("action_cancel", {}),
    ("action_reset", {}),
)


@tagged("post_install", "-at_install")
class TestRpcAccess(SalesFollowupCommon):
    """What any logged-in user can call over RPC (/web/dataset/call_kw,
    XML-RPC) and write with it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env, login="sf_rpc_portal", groups="base.group_portal"
        )
        cls.customer_a.write({"child_ids": [(4, cls.portal.partner_id.id)]})
        cls.employee = new_test_user(
            cls.env, login="sf_rpc_employee", groups="base.group_user"
        )
        cls.plan_a = cls._plan(cls.customer_a, cls._at(cls.today))
        cls.plan_b = cls._plan(cls.customer_b, cls._at(cls.today))
        cls.plan_checked_in = cls._plan(cls.customer_b, cls._at(cls.today))
        cls.plan_checked_in.action_check_in(latitude=31.1, longitude=121.2)
        Target = cls.env["sales_followup.kpi.target"]
        cls.target_a = Target.create(
            {"user_id": cls.sales_a.id, "target_visit": 2, "period_start": cls.today}
        )
        cls.target_west = Target.create(
            {
                "user_id": cls.sales_west.id,
                "target_visit": 2,
                "period_start": cls.today,
            }
        )

    # ------------------------------------------------------------------
    # the list of public methods
    # ------------------------------------------------------------------
    def test_public_methods_are_the_checked_ones(self):
        """A public method added to a model of sales_followup fails here
        until it checks its caller and is added to PUBLIC."""
        found = set()
        for name in self.env.registry:
            cls = type(self.env[name])
            for klass in cls.mro():
                if not klass.__module__.startswith("odoo.addons.sales_followup."):
                    continue
                for attr, value in vars(klass).items():
                    if (
                        attr.startswith("_")
                        or not inspect.isfunction(value)
                        or attr in ORM
                    ):
                        continue
                    try:
                        get_public_method(self.env[name], attr)
                    except AccessError:
                        continue
                    found.add((name, attr))
        self.assertEqual(found, PUBLIC)

    def test_nightly_runs_are_not_callable_over_rpc(self):
        for model, method in PRIVATE:
            with self.subTest(method=f"{model}.{method}"):
                self.assertTrue(hasattr(self.env[model], method))
                with self.assertRaises(AccessError):
                    get_public_method(self.env[model].with_user(self.portal), method)

    # ------------------------------------------------------------------
    # visit buttons
    # ------------------------------------------------------------------
    def test_visit_buttons_refuse_portal_and_employees(self):
        for user in (self.portal, self.employee):
            for method, kwargs in VISIT_BUTTONS:
                with self.subTest(user=user.login, method=method):
                    plan = self.plan_a.with_user(user)
                    with self.assertRaises(AccessError):
                        getattr(plan, method)(**kwargs)
        self.assertEqual(self.plan_a.state, "planned")
        self.assertFalse(self.plan_a.checkin_date)

    def test_visit_buttons_refuse_another_salespersons_visit(self):
        for plan in (self.plan_a, self.plan_checked_in):
            for method, kwargs in VISIT_BUTTONS:
                with (
                    self.subTest(plan=plan.id, method=method),
                    self.assertRaises(AccessError),
                ):
                    getattr(plan.with_user(self.sales_west), method)(**kwargs)
        # 销售乙's visit, by 销售甲 (same team, not a leader)
        with self.assertRaises(AccessError):
            self.plan_b.with_user(self.sales_a).action_check_in()
        with self.assertRaises(AccessError):
            self.plan_checked_in.with_user(self.sales_a).action_set_customer_location()
        self.assertFalse(self.plan_b.checkin_date)
        self.assertFalse(self.customer_b.partner_latitude)

    def test_salesperson_and_leader_still_work(self):
        plan = self.plan_a.with_user(self.sales_a)
        plan.action_check_in(latitude=31.2404, longitude=121.4737, accuracy=5.0)
        self.assertTrue(plan.checkin_far)
        self.assertTrue(plan.checkin_date)
        # the change is the salesperson's, not the superuser's
        self.assertEqual(plan.write_uid, self.sales_a)
        plan.action_check_out(latitude=31.2404, longitude=121.4737)
        self.assertEqual(plan.state, "done")
        # a leader closes the visit of a team member
        checked = self.plan_checked_in.with_user(self.leader)
        checked.action_set_customer_location()
        self.assertAlmostEqual(self.customer_b.partner_latitude, 31.1)
        self.assertFalse(checked.checkin_far)
        self.plan_b.with_user(self.leader).action_cancel()
        self.assertEqual(self.plan_b.state, "cancelled")
        self.plan_b.with_user(self.leader).action_reset()
        self.assertEqual(self.plan_b.state, "planned")

    # ------------------------------------------------------------------
    # KPI button
    # ------------------------------------------------------------------
    def test_kpi_compute_refuses_all_but_leaders_of_the_team(self):
        for user in (self.portal, self.employee, self.sales_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.target_a.with_user(user).action_compute_actuals()
        # the leader of the east team, on the west team's target
        with self.assertRaises(AccessError):
            self.target_west.with_user(self.leader).action_compute_actuals()
        self.assertFalse(self.target_west.compute_date)

    def test_kpi_compute_by_leader_and_manager(self):
        self.target_a.with_user(self.leader).action_compute_actuals()
        self.assertTrue(self.target_a.compute_date)
        self.target_west.with_user(self.manager).action_compute_actuals()
        self.assertTrue(self.target_west.compute_date)
        self.assertEqual(self.target_west.rank, 1)

    # ------------------------------------------------------------------
    # customer smart button
    # ------------------------------------------------------------------
    def test_customer_visits_button(self):
        for user in (self.portal, self.employee):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.customer_a.with_user(user).action_sf_view_visit_plans()
        with self.assertRaises(AccessError):
            self.customer_west.with_user(self.sales_a).action_sf_view_visit_plans()
        action = self.customer_a.with_user(self.sales_a).action_sf_view_visit_plans()
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer_a.id)])

    # ------------------------------------------------------------------
    # figures of the system
    # ------------------------------------------------------------------
    def test_check_in_figures_are_not_writable(self):
        plan = self.plan_a.with_user(self.sales_a)
        for vals in (
            {"checkin_far": False},
            {"checkin_distance": 1.0},
            {"checkin_latitude": 31.2, "checkin_longitude": 121.4},
            {"checkin_located": True},
            {"checkin_date": fields.Datetime.now()},
            {"checkout_date": fields.Datetime.now()},
            {"duration": 2.0},
            {"origin": "auto"},
            {"state": "missed"},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError):
                    plan.write(vals)
                with self.assertRaises(AccessError):
                    self.Plan.with_user(self.sales_a).create(
                        {
                            "partner_id": self.customer_a.id,
                            "planned_date": self._at(self.today),
                            **vals,
                        }
                    )
        # a leader or manager neither
        with self.assertRaises(AccessError):
            self.plan_checked_in.with_user(self.manager).write({"checkin_far": True})
        # what the salesperson writes stays writable
        plan.write({"purpose": "回访", "outcome": "progress", "next_step": "报价"})
        self.assertEqual(plan.purpose, "回访")

    def test_refusal_is_in_the_users_language(self):
        plan = self.plan_a.with_user(self.sales_a).with_context(lang="zh_CN")
        with self.assertRaisesRegex(AccessError, "系统"):
            plan.write({"checkin_far": True})
        with self.assertRaisesRegex(AccessError, "未拜访"):
            plan.write({"state": "missed"})

    def test_kpi_figures_are_not_writable(self):
        target = self.target_a.with_user(self.leader)
        for name in (
            "actual_revenue",
            "actual_visit",
            "rate_visit",
            "score",
            "rank",
            "compute_date",
        ):
            value = fields.Datetime.now() if name == "compute_date" else 1
            with self.subTest(field=name):
                with self.assertRaises(AccessError):
                    target.write({name: value})
                with self.assertRaises(AccessError):
                    self.target_west.with_user(self.manager).write({name: value})
        with self.assertRaises(AccessError):
            self.env["sales_followup.kpi.target"].with_user(self.manager).create(
                {"user_id": self.sales_b.id, "score": 150.0, "rank": 1}
            )
        # the targets themselves stay the leader's to set
        target.write({"target_visit": 4})
        self.assertEqual(self.target_a.target_visit, 4)

    def test_followup_policy_flags_are_not_writable(self):
        for user in (self.sales_a, self.manager):
            for vals in (
                {"sf_followup_overdue": False},
                {"sf_followup_notice_date": self.today},
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaises(AccessError),
                ):
                    self.customer_a.with_user(user).write(vals)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.manager).create(
                {"name": "新客户", "is_company": True, "sf_followup_overdue": True}
            )
        self.assertLessEqual(
            {"sf_followup_overdue", "sf_followup_notice_date"},
            self.env["res.partner"]._ka_system_fields(),
        )
        # the rest of the customer stays editable
        self.customer_a.with_user(self.sales_a).write(
            {"sf_anniversary_date": "2010-05-01"}
        )

    def test_merge_of_a_flagged_customer(self):
        """Odoo's merge copies the plain fields of the merged contacts as
        the user: key_account leaves the system fields out of it, the policy
        flags this addon adds to ``_ka_system_fields()`` included, and the
        merge still works."""
        merger = new_test_user(
            self.env,
            login="sf_rpc_merger",
            groups="key_account.key_account_group_manager,base.group_partner_manager",
        )
        kept, dup = self.env["res.partner"].create(
            [{"name": "张伟"}, {"name": "张伟", "sf_followup_overdue": True}]
        )
        dup.sf_followup_notice_date = self.today
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(merger)
            .create(
                {
                    "partner_ids": [(6, 0, (kept | dup).ids)],
                    "dst_partner_id": kept.id,
                }
            )
        )
        wizard.action_merge()
        self.assertFalse(dup.exists())
        self.assertFalse(kept.sf_followup_overdue)
        self.assertFalse(kept.sf_followup_notice_date)

    def test_care_reminders_are_not_made_by_hand(self):
        reminder = self.env["sales_followup.care.reminder"].create(
            {
                "partner_id": self.customer_a.id,
                "commercial_partner_id": self.customer_a.id,
                "kind": "anniversary",
                "key": "anniversary",
                "occasion_date": self.today,
                "user_id": self.sales_a.id,
            }
        )
        Reminder = self.env["sales_followup.care.reminder"].with_user(self.manager)
        with self.assertRaises(AccessError):
            Reminder.create(
                {
                    "partner_id": self.customer_b.id,
                    "kind": "anniversary",
                    "key": "anniversary",
                    "occasion_date": self.today,
                }
            )
        for vals in (
            {"occasion_date": self._days(1)},
            {"user_id": self.manager.id},
            {"key": "birthday"},
            {"activity_id": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                reminder.with_user(self.manager).write(vals)
        # a manager may still remove a reminder (it is then made again)
        reminder.with_user(self.manager).unlink()

    def test_activity_reminded_flag_is_not_writable(self):
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.customer_a.id,
                "user_id": self.sales_a.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "date_deadline": self._days(2),
            }
        )
        with self.assertRaises(AccessError):
            activity.with_user(self.sales_a).write({"sf_reminded": True})
        activity.with_user(self.sales_a).write({"summary": "打电话"})
        self.assertFalse(activity.sf_reminded)
