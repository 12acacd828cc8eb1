from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestQueryCounts(KeyAccountCommon):
    """Opening the customer list and the pool kanban costs a fixed number of
    queries, whatever the page size."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        industry = cls.env["res.partner.industry"].create({"name": "通信"})
        vals = []
        for i in range(80):
            vals.append(
                {
                    "name": f"性能客户{i:02d}有限公司",
                    "is_company": True,
                    "user_id": cls.sales_a.id if i % 2 else False,
                    "team_id": cls.team_east.id,
                    "industry_id": industry.id,
                    "ka_grade_id": cls.grade_a.id if i % 3 else cls.grade_c.id,
                    "phone": f"021-6000{i:04d}",
                }
            )
        cls.env["res.partner"].create(vals)

    def _open(self, action_xmlid, view_xmlid, view_type, limit):
        action = self.env.ref(action_xmlid)
        Partner = self.env["res.partner"].with_user(self.leader)
        view = Partner.get_views([(self.env.ref(view_xmlid).id, view_type)])["views"][
            view_type
        ]
        fields_spec = {
            name: {}
            for name, field in Partner._fields.items()
            if name in view["arch"]
            and field.type not in ("one2many", "many2many")
            and f'name="{name}"' in view["arch"]
        }
        for name in list(fields_spec):
            if Partner._fields[name].type == "many2one":
                fields_spec[name] = {"fields": {"display_name": {}}}
        domain = safe_eval(action.domain or "[]", {"uid": self.leader.id})
        Partner.invalidate_model()
        return lambda: Partner.web_search_read(domain, fields_spec, limit=limit)

    def _count(self, fn):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = fn()
        return self.env.cr.sql_log_count - before, result

    def test_customer_list_queries_are_constant(self):
        small = self._open(
            "key_account.res_partner_action_key_account",
            "key_account.res_partner_view_list",
            "list",
            10,
        )
        large = self._open(
            "key_account.res_partner_action_key_account",
            "key_account.res_partner_view_list",
            "list",
            80,
        )
        small()
        n_small, _res_small = self._count(small)
        n_large, res_large = self._count(large)
        self.assertEqual(len(res_large["records"]), 80)
        self.assertEqual(n_small, n_large)
        with self.assertQueryCount(n_large):
            self.env.invalidate_all()
            large()

    def test_pool_kanban_queries_are_constant(self):
        small = self._open(
            "key_account.res_partner_action_pool",
            "key_account.res_partner_view_kanban_pool",
            "kanban",
            5,
        )
        large = self._open(
            "key_account.res_partner_action_pool",
            "key_account.res_partner_view_kanban_pool",
            "kanban",
            40,
        )
        small()
        n_small, _res = self._count(small)
        n_large, res_large = self._count(large)
        self.assertEqual(len(res_large["records"]), 40)
        self.assertEqual(n_small, n_large)


@tagged("post_install", "-at_install")
class TestCustomerCodeQueries(KeyAccountCommon):
    def test_customer_codes_of_a_batch_in_fixed_queries(self):
        """Creating many companies draws their codes in one query, not one per
        company (the import of 10,000 customers depends on it)."""
        Partner = self.env["res.partner"].with_context(
            tracking_disable=True,
            # a form-only default of account that costs a query per partner
            default_display_invoice_template_pdf_report_id=False,
        )

        def count(n, tag):
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            vals = [{"name": f"编码{tag}{i}公司", "is_company": True} for i in range(n)]
            partners = Partner.create(vals)
            self.env.flush_all()
            codes = partners.mapped("ka_code")
            self.assertEqual(len(set(codes)), n)
            self.assertTrue(all(code.startswith("KH") for code in codes))
            return self.env.cr.sql_log_count - before

        count(2, "热")
        self.assertEqual(count(5, "甲"), count(60, "乙"))
