import base64
import csv
import io
import logging
import time
from unittest.mock import patch

import openpyxl
from stdnum.cn import uscc as stdnum_uscc

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KeyAccountCommon

_logger = logging.getLogger(__name__)

HEADER = [
    "客户名称",
    "统一社会信用代码",
    "电话",
    "手机",
    "邮箱",
    "行业",
    "省份",
    "城市",
    "客户类型",
    "客户来源",
    "客户经理账号",
    "客户等级",
    "注册资本",
]
ROWS = 10000
# every 20th row is bad (5 %), of one of these kinds in turn
BAD_KINDS = [
    ("uscc_checksum", "check character"),
    ("phone", "not a Chinese phone number"),
    ("mobile", "not a Chinese mobile number"),
    ("industry", "unknown industry"),
    ("user", "unknown user login"),
    ("uscc_dup_file", "also on row"),
    ("uscc_dup_db", "exists already"),
    ("name", "name is missing"),
    ("email", "not a valid e-mail"),
    ("grade", "unknown grade code"),
]


def make_uscc(number):
    """A valid credit code: 91 + Shanghai + a 9-digit organisation code."""
    body = f"91310000{number:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


@tagged("post_install", "-at_install")
class TestCustomerImport(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.existing_uscc = make_uscc(999999001)
        cls.customer_west.ka_uscc = cls.existing_uscc
        cls.rows, cls.bad = cls._generate(ROWS)
        cls.csv_data = cls._csv(cls.rows)

    @classmethod
    def _generate(cls, count):
        """``count`` data rows; returns (rows, {row number: expected reason})."""
        logins = ["ka_sales_a", "ka_sales_b", "ka_leader", ""]
        rows, bad = [], {}
        kind_index = 0
        for i in range(count):
            number = i + 2  # the titles are row 1
            row = [
                f"导入测试{i}号科技有限公司",
                make_uscc(i),
                f"021-{60000000 + i}",
                f"139{i:08d}",
                f"contact{i}@example.cn",
                "IT/通信" if i % 2 else "Manufacturing",
                "上海市" if i % 3 else "浙江",
                "" if i % 3 else "西湖区",
                "终端客户" if i % 2 else "partner",
                "展会",
                logins[i % 4],
                "A" if i % 5 else "c",
                "1,000,000",
            ]
            if i % 20 == 19:
                kind, reason = BAD_KINDS[kind_index % len(BAD_KINDS)]
                kind_index += 1
                if kind == "uscc_checksum":
                    code = row[1]
                    row[1] = code[:-1] + ("1" if code[-1] != "1" else "2")
                elif kind == "phone":
                    row[2] = "12345"
                elif kind == "mobile":
                    row[3] = "23800138000"
                elif kind == "industry":
                    row[5] = "炼金术"
                elif kind == "user":
                    row[10] = "no_such_login"
                elif kind == "uscc_dup_file":
                    row[1] = make_uscc(i - 1)
                elif kind == "uscc_dup_db":
                    row[1] = cls.existing_uscc
                elif kind == "name":
                    row[0] = ""
                elif kind == "email":
                    row[4] = "not-an-email"
                elif kind == "grade":
                    row[11] = "Z"
                bad[number] = reason
            rows.append(row)
        return rows, bad

    @staticmethod
    def _csv(rows):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8-sig")

    def _wizard(self, data, mode="skip", user=None, filename="customers.csv"):
        return (
            self.env["key_account.customer.import"]
            .with_user(user or self.manager)
            .create(
                {
                    "file": base64.b64encode(data),
                    "filename": filename,
                    "mode": mode,
                }
            )
        )

    def _imported(self):
        return self.env["res.partner"].search_count([("name", "=like", "导入测试%")])

    def test_10k_rows_skip_bad_rows(self):
        wizard = self._wizard(self.csv_data)
        start = time.monotonic()
        wizard.action_import()
        elapsed = time.monotonic() - start
        _logger.info(
            "customer import: %s rows, %s imported, %s rejected in %.1f s",
            wizard.row_count,
            wizard.created_count,
            wizard.error_count,
            elapsed,
        )
        self.assertEqual(len(self.bad), ROWS // 20)
        self.assertEqual(wizard.row_count, ROWS)
        self.assertEqual(wizard.error_count, len(self.bad))
        self.assertEqual(wizard.created_count, ROWS - len(self.bad))
        self.assertEqual(self._imported(), ROWS - len(self.bad))
        reported = {}
        for line in wizard.line_ids:
            reported.setdefault(line.row, []).append(line.reason)
        self.assertEqual(set(reported), set(self.bad))
        for row, reason in self.bad.items():
            self.assertTrue(
                any(reason in text for text in reported[row]),
                f"row {row}: {reported[row]} does not say {reason!r}",
            )
        # the duplicate inside the file names the first row
        dup_row = next(r for r, why in self.bad.items() if why == "also on row")
        self.assertIn(f"row {dup_row - 1}", reported[dup_row][0])
        # the imported customers are complete
        partner = self.env["res.partner"].search([("ka_uscc", "=", make_uscc(1))])
        self.assertEqual(partner.name, "导入测试1号科技有限公司")
        self.assertEqual(partner.user_id, self.sales_b)
        self.assertEqual(partner.team_id, self.team_east)
        self.assertEqual(partner.phone, "021-6000 0001")
        self.assertEqual(partner.mobile, "139 0000 0001")
        self.assertEqual(partner.industry_id.name, "IT/Communication")
        self.assertEqual(partner.state_id.name, "上海市")
        self.assertEqual(partner.ka_customer_type, "end_customer")
        self.assertEqual(partner.ka_source, "exhibition")
        self.assertEqual(partner.ka_grade_id, self.grade_a)
        self.assertEqual(partner.ka_registered_capital, 1000000)
        self.assertTrue(partner.ka_code)
        self.assertEqual(partner.ka_grade_history_ids.new_grade_id, self.grade_a)
        self.assertEqual(partner.ka_grade_history_ids.source, "import")
        zhejiang = self.env["res.partner"].search([("ka_uscc", "=", make_uscc(0))])
        self.assertEqual(zhejiang.city_id.name, "杭州市西湖区")
        self.assertEqual(zhejiang.state_id.name, "浙江省")
        self.assertEqual(zhejiang.ka_grade_id, self.grade_c)
        self.assertEqual(zhejiang.ka_customer_type, "partner")
        pool = self.env["res.partner"].search([("ka_uscc", "=", make_uscc(3))])
        self.assertFalse(pool.user_id, "an empty account manager: public pool")
        self.assertTrue(pool.ka_in_pool)
        # the rejected rows come back as a CSV to correct and import again
        errors = base64.b64decode(wizard.error_file).decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(errors)))
        self.assertEqual(len(lines), len(self.bad) + 1)
        self.assertEqual({int(line[0]) for line in lines[1:]}, set(self.bad))

    def test_10k_rows_all_or_nothing(self):
        wizard = self._wizard(self.csv_data, mode="all_or_nothing")
        wizard.action_import()
        self.assertEqual(wizard.created_count, 0)
        self.assertEqual(wizard.error_count, len(self.bad))
        self.assertEqual(set(wizard.line_ids.mapped("row")), set(self.bad))
        self.assertEqual(self._imported(), 0)

    def test_all_or_nothing_with_good_file_imports_all(self):
        good = [row for i, row in enumerate(self.rows[:200]) if i + 2 not in self.bad]
        wizard = self._wizard(self._csv(good), mode="all_or_nothing")
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (len(good), 0))
        self.assertFalse(wizard.error_file)

    def test_xlsx(self):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(HEADER)
        # numbers typed as numbers: the phone and capital come back as floats
        sheet.append(["表格甲有限公司", make_uscc(7001), "021-88886666", 13900000001])
        sheet.append(["表格乙有限公司", "91310000ABC", None, None])
        sheet.append([None] * 4)
        sheet.append(["表格丙有限公司", None, None, 13900000002.0, None, "农业"])
        out = io.BytesIO()
        book.save(out)
        wizard = self._wizard(out.getvalue(), filename="customers.xlsx")
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (2, 1))
        self.assertEqual(wizard.line_ids.row, 3)
        self.assertIn("18 characters", wizard.line_ids.reason)
        first = self.env["res.partner"].search([("name", "=", "表格甲有限公司")])
        self.assertEqual(first.phone, "021-8888 6666")
        self.assertEqual(first.mobile, "139 0000 0001")
        third = self.env["res.partner"].search([("name", "=", "表格丙有限公司")])
        self.assertEqual(third.industry_id.name, "Agriculture")

    def test_reasons_in_chinese(self):
        data = self._csv([["", "91310000ABC", "12345", "", "bad"]])
        wizard = self._wizard(data).with_context(lang="zh_CN")
        wizard.action_import()
        reasons = " ".join(wizard.line_ids.mapped("reason"))
        self.assertIn("客户名称", reasons)
        self.assertIn("18 位", reasons)
        self.assertIn("区号", reasons)

    def test_salesperson_may_not_import(self):
        with self.assertRaises(AccessError):
            self._wizard(self._csv(self.rows[:3]), user=self.sales_a)

    def test_leader_assigns_only_to_own_teams(self):
        data = self._csv(
            [
                ["团队内有限公司", "", "", "", "", "", "", "", "", "", "ka_sales_b"],
                ["团队外有限公司", "", "", "", "", "", "", "", "", "", "ka_sales_w"],
            ]
        )
        wizard = self._wizard(data, user=self.leader)
        wizard.action_import()
        self.assertEqual(wizard.created_count, 1)
        self.assertEqual(wizard.line_ids.row, 3)
        self.assertIn("not a member of your sales teams", wizard.line_ids.reason)
        # grades come from the rules: a leader's file may not set them
        graded = self._csv(
            [
                [
                    "自定级别有限公司",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "ka_sales_b",
                    "A",
                ]
            ]
        )
        wizard = self._wizard(graded, user=self.leader)
        wizard.action_import()
        self.assertEqual(wizard.created_count, 0)
        self.assertIn(
            "only key-account managers can set a grade", wizard.line_ids.reason
        )
        # a key-account manager may give customers to anyone
        wizard = self._wizard(data, user=self.manager)
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (2, 0))

    def test_validation_queries_do_not_grow_with_rows(self):
        Import = self.env["key_account.customer.import"].with_user(self.manager)
        wizard = Import.create({"file": base64.b64encode(b"x")})
        header = wizard._parse_header(HEADER)

        def count(n):
            rows = [(i + 2, row) for i, row in enumerate(self.rows[:n])]
            records = wizard._records(header, rows)
            before = self.env.cr.sql_log_count
            wizard._validate(records)
            return self.env.cr.sql_log_count - before

        count(5)  # warm the caches (selection labels, groups)
        self.assertEqual(count(10), count(1000))

    def _refusing_create(self, refused_name):
        """res.partner.create that writes, then fails, whenever a batch holds
        ``refused_name``: like a database constraint no validation foresaw."""
        Partner = type(self.env["res.partner"])
        original = Partner.create

        def create(this, vals_list):
            if isinstance(vals_list, dict):
                vals_list = [vals_list]
            records = original(this, vals_list)
            if any(vals.get("name") == refused_name for vals in vals_list):
                raise ValueError("数据库拒绝了这一行")
            return records

        return patch.object(Partner, "create", create)

    def test_refused_row_is_never_half_written(self):
        rows = [[f"回退{i}有限公司"] for i in range(5)]
        rows[2] = ["坏行有限公司"]
        with self._refusing_create("坏行有限公司"):
            wizard = self._wizard(self._csv(rows))
            wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (4, 1))
        self.assertEqual(wizard.line_ids.row, 4)
        # the database's own text goes to the log, the user gets a clear reason
        self.assertEqual(wizard.line_ids.reason, "the database refused this row")
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.search([("name", "=", "坏行有限公司")]))
        self.assertEqual(Partner.search_count([("name", "=like", "回退%")]), 4)
        # all or nothing: the four good ones are rolled back too
        rows = [[f"全无{i}有限公司"] for i in range(5)] + [["坏行有限公司"]]
        with self._refusing_create("坏行有限公司"):
            wizard = self._wizard(self._csv(rows), mode="all_or_nothing")
            wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (0, 1))
        self.assertFalse(Partner.search([("name", "=like", "全无%")]))
        self.assertFalse(Partner.search([("name", "=", "坏行有限公司")]))
