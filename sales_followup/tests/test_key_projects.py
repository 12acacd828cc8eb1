from datetime import timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SalesFollowupCommon


@tagged("post_install", "-at_install")
class TestKeyProjects(SalesFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Lead = cls.env["crm.lead"]
        cls.action = cls.env.ref("sales_followup.crm_lead_action_key_project")
        cls.key_lead = cls._lead("甲方数据中心项目", cls.sales_a, cls.team_east, True)
        cls.ordinary_lead = cls._lead("甲方耗材采购", cls.sales_a, cls.team_east, False)
        cls.key_lead_b = cls._lead("乙方ERP项目", cls.sales_b, cls.team_east, True)
        cls.key_lead_west = cls._lead(
            "丙方园区项目", cls.sales_west, cls.team_west, True
        )
        cls.contact_a.ka_decision_role = "decision_maker"
        cls.competitor_company = cls.env["res.partner"].create(
            {
                "name": "某竞品科技有限公司",
                "is_company": True,
                "ka_customer_type": "competitor",
            }
        )

    @classmethod
    def _lead(cls, name, user, team, key):
        return cls.Lead.create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": cls.customer_a.id,
                "user_id": user.id,
                "team_id": team.id,
                "sf_is_key_project": key,
            }
        )

    def _key_domain(self):
        return safe_eval(self.action.domain)

    def _action_leads(self, user):
        return (
            self.Lead.with_user(user)
            .search(self._key_domain())
            .filtered(lambda lead: lead.name in {"甲方数据中心项目", "甲方耗材采购"})
        )

    def test_key_project_action_domain(self):
        self.assertEqual(self.action.view_mode, "kanban,list,form,pivot,graph,activity")
        leads = self.Lead.search(self._key_domain())
        self.assertIn(self.key_lead, leads)
        self.assertNotIn(self.ordinary_lead, leads)
        self.assertEqual(self._action_leads(self.sales_a), self.key_lead)
        # an unqualified lead is not in the key-project pipeline
        self.key_lead.type = "lead"
        self.assertNotIn(self.key_lead, self.Lead.search(self._key_domain()))
        # the flag is set by hand and the lead joins the pipeline
        self.ordinary_lead.sf_is_key_project = True
        self.assertIn(self.ordinary_lead, self.Lead.search(self._key_domain()))

    def test_decision_role_defaults_from_contact(self):
        form = Form(self.key_lead.with_user(self.sales_a))
        with form.sf_decision_maker_ids.new() as line:
            line.partner_id = self.contact_a
            self.assertEqual(line.role, "decision_maker")
            line.role = "influencer"
            line.attitude = "supporter"
        form.save()
        maker = self.key_lead.sf_decision_maker_ids
        self.assertEqual(maker.role, "influencer")
        self.assertEqual(maker.attitude, "supporter")
        # the contact's own role is untouched, and changing it later does not
        # rewrite the project's decision chain
        self.assertEqual(self.contact_a.ka_decision_role, "decision_maker")
        self.contact_a.ka_decision_role = "gatekeeper"
        self.assertEqual(maker.role, "influencer")
        other = self.env["sales_followup.decision.maker"].create(
            {"lead_id": self.key_lead.id, "partner_id": self.contact_a.id}
        )
        self.assertEqual(other.role, "gatekeeper")
        self.assertEqual(other.attitude, "neutral")

    def test_competitor_name_from_partner(self):
        competitor = self.env["sales_followup.competitor"].create(
            {
                "lead_id": self.key_lead.id,
                "partner_id": self.competitor_company.id,
                "strengths": "价格低",
                "weaknesses": "服务弱",
                "threat_level": "high",
            }
        )
        self.assertEqual(competitor.name, "某竞品科技有限公司")
        plain = self.env["sales_followup.competitor"].create(
            {"lead_id": self.key_lead.id, "name": "外资厂商"}
        )
        self.assertEqual(plain.threat_level, "medium")
        self.assertEqual(self.key_lead.sf_competitor_ids, competitor | plain)
        with self.assertRaises(ValidationError):
            self.env["sales_followup.competitor"].create({"lead_id": self.key_lead.id})

    def test_milestone_state(self):
        Milestone = self.env["sales_followup.milestone"]
        late, planned, done = Milestone.create(
            [
                {
                    "lead_id": self.key_lead.id,
                    "name": "方案评审",
                    "planned_date": self._days(-1),
                },
                {
                    "lead_id": self.key_lead.id,
                    "name": "招标",
                    "planned_date": self._days(10),
                    "user_id": self.sales_a.id,
                },
                {
                    "lead_id": self.key_lead.id,
                    "name": "需求调研",
                    "planned_date": self._days(-5),
                    "done_date": self._days(-6),
                },
            ]
        )
        self.assertEqual(late.state, "late")
        self.assertEqual(planned.state, "planned")
        self.assertEqual(done.state, "done")
        self.assertEqual(planned.user_id, self.sales_a)
        domain = [("lead_id", "=", self.key_lead.id)]
        self.assertEqual(Milestone.search(domain + [("state", "=", "late")]), late)
        self.assertEqual(
            Milestone.search(domain + [("state", "in", ["planned", "done"])]),
            planned | done,
        )
        self.assertEqual(
            Milestone.search(domain + [("state", "!=", "late")]), planned | done
        )
        late.done_date = self.today
        self.assertEqual(late.state, "done")
        # a planned milestone becomes late once its date has passed
        planned.planned_date = self.today - timedelta(days=1)
        self.assertEqual(planned.state, "late")

    def test_security_per_role(self):
        lines = {}
        for lead in (self.key_lead, self.key_lead_b, self.key_lead_west):
            lines[lead] = (
                self.env["sales_followup.decision.maker"].create(
                    {"lead_id": lead.id, "partner_id": self.contact_a.id}
                ),
                self.env["sales_followup.competitor"].create(
                    {"lead_id": lead.id, "name": "竞品"}
                ),
                self.env["sales_followup.milestone"].create(
                    {"lead_id": lead.id, "name": "签约", "planned_date": self.today}
                ),
            )
        unassigned = self._lead("公海项目", self.sales_b, self.team_west, True)
        unassigned.user_id = False
        unassigned_milestone = self.env["sales_followup.milestone"].create(
            {"lead_id": unassigned.id, "name": "立项", "planned_date": self.today}
        )
        models = (
            "sales_followup.decision.maker",
            "sales_followup.competitor",
            "sales_followup.milestone",
        )
        extra_vals = {
            "sales_followup.decision.maker": {"partner_id": self.contact_a.id},
            "sales_followup.competitor": {"name": "竞品"},
            "sales_followup.milestone": {"name": "签约", "planned_date": self.today},
        }
        all_leads = self.key_lead | self.key_lead_b | self.key_lead_west
        for index, model in enumerate(models):
            Model = self.env[model]
            domain = [("lead_id", "in", all_leads.ids)]
            own, other, west = (lines[lead][index] for lead in all_leads)
            # salesperson: own opportunities only
            self.assertEqual(Model.with_user(self.sales_a).search(domain), own)
            with self.assertRaises(AccessError):
                other.with_user(self.sales_a).read(["lead_id"])
            with self.assertRaises(AccessError):
                west.with_user(self.sales_a).write({"sequence": 5})
            with self.assertRaises(AccessError):
                Model.with_user(self.sales_a).create(
                    {"lead_id": self.key_lead_b.id, **extra_vals[model]}
                )
            own.with_user(self.sales_a).write({"sequence": 3})
            # leader: the team's
            self.assertEqual(Model.with_user(self.leader).search(domain), own | other)
            # manager: all
            self.assertEqual(
                Model.with_user(self.manager).search(domain), own | other | west
            )
        # unassigned opportunities are shared, as in crm
        self.assertTrue(unassigned_milestone.with_user(self.sales_a).read(["name"]))
        # and the salesperson manages the lines of own key projects
        form = Form(self.key_lead.with_user(self.sales_a))
        with form.sf_milestone_ids.new() as milestone:
            milestone.name = "验收"
            milestone.planned_date = self._days(30)
        form.save()
        self.assertIn("验收", self.key_lead.sf_milestone_ids.mapped("name"))

    def test_key_project_lines_refuse_what_cannot_be_stored(self):
        """Milestones, competitors and decision makers take the shared input
        check: a clear error, nothing written."""
        Milestone = self.env["sales_followup.milestone"].with_user(self.sales_a)
        with self.assertRaisesRegex(ValidationError, "NUL"):
            Milestone.create(
                {
                    "lead_id": self.key_lead.id,
                    "name": "签约\x00",
                    "planned_date": "2026-07-01",
                }
            )
        with self.assertRaises(ValidationError):
            Milestone.create(
                {
                    "lead_id": self.key_lead.id,
                    "name": "签约",
                    "planned_date": "2026-13-45",
                }
            )
        self.assertFalse(self.key_lead.sf_milestone_ids)
