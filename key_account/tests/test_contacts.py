from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestContacts(KeyAccountCommon):
    """One primary contact per company; who reports to whom; the org chart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.wang, cls.li, cls.zhao = (
            Partner.create(
                {"name": name, "parent_id": cls.customer_a.id, "type": "contact"}
            )
            for name in ("王经理", "李主任", "赵总")
        )
        cls.other = Partner.create(
            {"name": "孙工", "parent_id": cls.customer_b.id, "type": "contact"}
        )

    def test_one_primary_contact(self):
        self.wang.ka_is_primary_contact = True
        # the account manager of the customer sets another: the first is unset
        self.li.with_user(self.sales_a).ka_is_primary_contact = True
        self.assertFalse(self.wang.ka_is_primary_contact)
        self.assertTrue(self.li.ka_is_primary_contact)
        # another company keeps its own
        self.other.ka_is_primary_contact = True
        self.assertTrue(self.li.ka_is_primary_contact)
        # two at once for one company: refused
        with self.assertRaises(ValidationError):
            (self.wang | self.zhao).write({"ka_is_primary_contact": True})

    def test_reports_to_same_company_without_cycle(self):
        self.li.ka_reports_to_id = self.zhao
        self.wang.ka_reports_to_id = self.li
        self.assertEqual(self.zhao.ka_report_ids, self.li)
        with self.assertRaises(ValidationError):
            self.zhao.ka_reports_to_id = self.wang
        with self.assertRaises(ValidationError):
            self.other.ka_reports_to_id = self.zhao

    def test_org_chart_view(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.res_partner_action_contact_org_chart"
        )
        self.assertTrue(action["view_mode"].startswith("hierarchy"))
        views = (
            self.env["res.partner"]
            .with_user(self.sales_a)
            .get_views([(action["view_id"][0], "hierarchy")])
        )
        self.assertIn("ka_reports_to_id", views["views"]["hierarchy"]["arch"])
