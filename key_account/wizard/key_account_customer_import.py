import base64
import csv
import io
import logging
import time
import zipfile
from collections import defaultdict

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import email_normalize

from ..lib import phone as ka_phone
from ..models.res_partner import MAX_CHAR, MAX_NAME

_logger = logging.getLogger(__name__)

# column key: accepted headers (Chinese as in the template, English keys)
COLUMNS = {
    "name": ("客户名称", "name"),
    "uscc": ("统一社会信用代码", "uscc"),
    "phone": ("电话", "phone"),
    "mobile": ("手机", "mobile"),
    "email": ("邮箱", "email"),
    "website": ("网址", "website"),
    "industry": ("行业", "industry"),
    "province": ("省份", "province"),
    "city": ("城市", "city"),
    "street": ("详细地址", "street"),
    "customer_type": ("客户类型", "customer_type"),
    "source": ("客户来源", "source"),
    "account_manager": ("客户经理账号", "account_manager"),
    "grade": ("客户等级", "grade"),
    "legal_representative": ("法定代表人", "legal_representative"),
    "registered_capital": ("注册资本", "registered_capital"),
    "employee_count": ("员工人数", "employee_count"),
    "qq": ("QQ", "qq"),
    "wechat": ("微信", "wechat"),
    "fax": ("传真", "fax"),
}
MAX_ROWS = 50000
BATCH_SIZE = 500
# region suffixes dropped to match 浙江 with 浙江省
REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


class KeyAccountCustomerImport(models.TransientModel):
    """导入客户: customers from a CSV or XLSX file, every bad row reported."""

    _name = "key_account.customer.import"
    _description = "Import Customers"
    _order = "id desc"

    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    mode = fields.Selection(
        [
            ("skip", "Skip bad rows and import the rest"),
            ("all_or_nothing", "Import nothing if any row is bad"),
        ],
        required=True,
        default="skip",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")], default="draft", required=True
    )
    row_count = fields.Integer(string="Rows", readonly=True)
    created_count = fields.Integer(string="Imported", readonly=True)
    error_count = fields.Integer(string="Rejected", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(8, 2))
    line_ids = fields.One2many(
        "key_account.customer.import.line", "import_id", string="Rejected Rows"
    )
    partner_ids = fields.Many2many("res.partner", string="Imported Customers")
    error_file = fields.Binary(
        string="Rejected Rows (CSV)",
        attachment=False,
        readonly=True,
        help="The rejected rows as in the file with the reason in a last column: "
        "correct them and import this file again.",
    )
    error_filename = fields.Char()

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._check_may_import()
        return super().create(vals_list)

    @api.model
    def _check_may_import(self):
        if not self.env.user.has_group("key_account.key_account_group_leader"):
            raise AccessError(
                self.env._("Only team leaders and managers can import customers.")
            )

    def action_import(self):
        self.ensure_one()
        self._check_may_import()
        if self.state == "done":
            raise UserError(self.env._("This file has been imported already."))
        start = time.monotonic()
        header, rows = self._read_file()
        result = self._import_rows(header, rows)
        self._store_result(header, rows, result, time.monotonic() - start)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.res_partner_action_key_account"
        )
        action["domain"] = [("id", "in", self.partner_ids.ids)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # reading CSV and XLSX
    # ------------------------------------------------------------------
    def _read_file(self):
        """(header, rows): header maps column keys to positions, rows are
        (row number in the file, list of cell texts)."""
        if not self.file:
            raise UserError(self.env._("Choose a CSV or XLSX file to import."))
        data = base64.b64decode(self.file)
        if data[:4] == b"PK\x03\x04":
            table = self._read_xlsx(data)
        else:
            table = self._read_csv(data)
        table = iter(table)
        first = next(table, None)
        if first is None:
            raise UserError(self.env._("The file is empty."))
        header = self._parse_header(first)
        rows = []
        for number, cells in enumerate(table, start=2):
            if not any(cells):
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise UserError(
                    self.env._(
                        "The file has more than %(max)s rows: split it.", max=MAX_ROWS
                    )
                )
        return header, rows

    def _read_csv(self, data):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(
                self.env._("The CSV file is neither UTF-8 nor GBK encoded.")
            )
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        return ([cell.strip() for cell in row] for row in reader)

    def _read_xlsx(self, data):
        import openpyxl

        try:
            book = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True
            )
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise UserError(
                self.env._("The file is not a valid XLSX spreadsheet.")
            ) from error
        sheet = book.worksheets[0]
        return (
            [self._cell_text(value) for value in row]
            for row in sheet.iter_rows(values_only=True)
        )

    @staticmethod
    def _cell_text(value):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            # a phone or a capital typed as a number: 13800138000.0
            return str(int(value))
        return str(value).strip()

    def _parse_header(self, cells):
        names = {}
        for key, labels in COLUMNS.items():
            for label in labels:
                names[label.lower()] = key
        header = {}
        for position, cell in enumerate(cells):
            key = names.get((cell or "").strip().lower())
            if key and key not in header:
                header[key] = position
        if "name" not in header:
            raise UserError(
                self.env._(
                    "The first row must hold the column titles of the template; "
                    "the column 客户名称 (name) is missing."
                )
            )
        return header

    # ------------------------------------------------------------------
    # validation, set-wise
    # ------------------------------------------------------------------
    def _lookups(self, records):
        """Everything the rows refer to, in one query per kind of thing."""
        cr = self.env.cr
        usccs = sorted({r["uscc"] for r in records if r.get("uscc")})
        cr.execute("SELECT ka_uscc FROM res_partner WHERE ka_uscc = ANY(%s)", (usccs,))
        existing_usccs = {row[0] for row in cr.fetchall()}
        logins = sorted(
            {r["account_manager"] for r in records if r.get("account_manager")}
        )
        cr.execute(
            "SELECT login, id FROM res_users WHERE login = ANY(%s) AND active "
            "AND NOT share",
            (logins,),
        )
        users = dict(cr.fetchall())
        cr.execute("SELECT id, name, full_name FROM res_partner_industry WHERE active")
        industries = {}
        for iid, name, full_name in cr.fetchall():
            for texts in (name, full_name):
                for text in (texts or {}).values():
                    industries.setdefault(text.strip().lower(), iid)
        cr.execute(
            "SELECT s.id, s.name, s.code FROM res_country_state s "
            "JOIN res_country c ON c.id = s.country_id WHERE c.code = 'CN'"
        )
        provinces = {}
        for sid, name, code in cr.fetchall():
            for text in (name, code, self._strip_region(name)):
                provinces.setdefault(text, sid)
        cr.execute(
            "SELECT t.id, t.state_id, kv.value, t.zipcode FROM res_city t "
            "JOIN res_country c ON c.id = t.country_id "
            "CROSS JOIN LATERAL jsonb_each_text(t.name) kv WHERE c.code = 'CN'"
        )
        cities = defaultdict(set)
        city_data = {}
        for cid, sid, name, zipcode in cr.fetchall():
            city_data[cid] = (sid, name, zipcode)
            cities[name].add(cid)
        codes = sorted({r["grade"] for r in records if r.get("grade")})
        grades = {
            grade.code.upper(): grade.id
            for grade in self.env["key_account.grade"]
            .sudo()
            .search([("code", "in", codes + [c.upper() for c in codes])])
        }
        return {
            "country_cn": self.env.ref("base.cn").id,
            "city_matches": {},
            "usccs": existing_usccs,
            "users": users,
            "allowed_users": self._allowed_user_ids(set(users.values())),
            "industries": industries,
            "provinces": provinces,
            "cities": cities,
            "city_data": city_data,
            "grades": grades,
        }

    @staticmethod
    def _strip_region(name):
        for suffix in REGION_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                return name[: -len(suffix)]
        return name

    def _allowed_user_ids(self, user_ids):
        """Who the importing user may make account manager: anyone for a
        key-account manager; for a team leader themselves and the members
        of the sales teams they lead or belong to."""
        user = self.env.user
        if user.has_group("key_account.key_account_group_manager"):
            return user_ids
        teams = user.ka_team_ids | user.sale_team_id
        members = teams.sudo().crm_team_member_ids.user_id | teams.sudo().user_id
        return user_ids & set((members | user).ids)

    def _selection_map(self, field_name):
        """Selection values of a partner field by key, English and Chinese label."""
        field = self.env["res.partner"]._fields[field_name]
        result = {}
        for lang in ("en_US", "zh_CN", self.env.lang or "en_US"):
            selection = field._description_selection(self.env(context={"lang": lang}))
            for key, label in selection:
                result[key.lower()] = key
                result[label.strip().lower()] = key
        return result

    def _records(self, header, rows):
        records = []
        for number, cells in rows:
            record = {"row": number}
            for key, position in header.items():
                value = cells[position] if position < len(cells) else ""
                # NUL bytes cannot be stored by PostgreSQL
                record[key] = (value or "").replace("\x00", "").strip()
            if record.get("uscc"):
                record["uscc"] = stdnum_uscc.compact(record["uscc"])
            records.append(record)
        return records

    def _validate(self, records):
        """(vals by row, errors): errors are (row, column, value, reason)."""
        ctx = {
            "look": self._lookups(records),
            "types": self._selection_map("ka_customer_type"),
            "sources": self._selection_map("ka_source"),
            "first_row_of_uscc": {},
            "may_grade": self.env.user.has_group(
                "key_account.key_account_group_manager"
            ),
        }
        checks = (
            self._check_name,
            self._check_uscc,
            self._check_phones,
            self._check_email,
            self._check_industry,
            self._check_address,
            self._check_selections,
            self._check_manager,
            self._check_grade,
            self._check_numbers,
            self._copy_texts,
        )
        values, errors = {}, []
        for rec in records:
            vals, bad = {"is_company": True}, []
            for check in checks:
                check(rec, vals, bad, ctx)
            if bad:
                errors.extend((rec["row"], col, value, why) for col, value, why in bad)
            else:
                values[rec["row"]] = vals
        self._set_teams(values)
        return values, errors

    def _check_name(self, rec, vals, bad, ctx):
        name = rec.get("name")
        if not name:
            bad.append(("name", "", self.env._("the customer name is missing")))
        elif len(name) > MAX_NAME:
            why = self.env._(
                "the name has %(length)s characters, at most %(limit)s",
                length=len(name),
                limit=MAX_NAME,
            )
            bad.append(("name", name[:50] + "…", why))
        else:
            vals["name"] = name

    def _check_uscc(self, rec, vals, bad, ctx):
        uscc = rec.get("uscc")
        if not uscc:
            return
        try:
            stdnum_uscc.validate(uscc)
        except StdnumValidationError as error:
            reason = self.env["res.partner"]._ka_uscc_reason(error)
            bad.append(
                (
                    "uscc",
                    uscc,
                    self.env._(
                        "invalid unified social credit code: %(reason)s", reason=reason
                    ),
                )
            )
            return
        first_rows = ctx["first_row_of_uscc"]
        if uscc in ctx["look"]["usccs"]:
            why = self.env._("a customer with this credit code exists already")
            bad.append(("uscc", uscc, why))
        elif uscc in first_rows:
            why = self.env._(
                "the credit code is also on row %(row)s of the file",
                row=first_rows[uscc],
            )
            bad.append(("uscc", uscc, why))
        else:
            first_rows[uscc] = rec["row"]
            vals["ka_uscc"] = uscc

    def _check_phones(self, rec, vals, bad, ctx):
        # the file's customers are where our company is (China by default);
        # a number with another country code follows that country's rules
        region = self.env.company.country_id.code or ka_phone.CN
        reasons = {
            "format": self.env._(
                "not a Chinese phone number (a landline needs its area code, "
                "e.g. 010-12345678)"
            ),
            "mobile": self.env._(
                "not a Chinese mobile number (11 digits starting with 13-19)"
            ),
        }
        for key in ("phone", "mobile"):
            number = rec.get(key)
            if not number:
                continue
            phone = ka_phone.parse(number, region)
            reason = ka_phone.check(number, region, mobile=key == "mobile")
            if not reason and (not phone or not phone.valid):
                reason = "invalid"
            if reason:
                shown = number if len(number) <= 50 else number[:50] + "…"
                if (
                    reason == "invalid"
                    and phone
                    and phone.country_code
                    not in (
                        0,
                        ka_phone.CN_CODE,
                    )
                ):
                    why = self.env._(
                        "not a valid phone number of its country (+%(code)s)",
                        code=phone.country_code,
                    )
                elif reason == "mobile":
                    why = reasons["mobile"]
                else:
                    why = reasons["format"]
                bad.append((key, shown, why))
            else:
                vals[key] = ka_phone.display(number, region)

    def _check_email(self, rec, vals, bad, ctx):
        if rec.get("email"):
            email = email_normalize(rec["email"])
            if not email:
                why = self.env._("not a valid e-mail address")
                bad.append(("email", rec["email"], why))
            else:
                vals["email"] = email

    def _check_industry(self, rec, vals, bad, ctx):
        if rec.get("industry"):
            industry = ctx["look"]["industries"].get(rec["industry"].lower())
            if not industry:
                why = self.env._("unknown industry")
                bad.append(("industry", rec["industry"], why))
            else:
                vals["industry_id"] = industry

    def _check_address(self, rec, vals, bad, ctx):
        look = ctx["look"]
        state_id = False
        if rec.get("province"):
            text = rec["province"]
            provinces = look["provinces"]
            state_id = provinces.get(text) or provinces.get(self._strip_region(text))
            if not state_id:
                bad.append(("province", text, self.env._("unknown province")))
            else:
                vals.update(state_id=state_id, country_id=look["country_cn"])
        if rec.get("city"):
            vals["city"] = rec["city"]
            city_id = self._match_city(rec["city"], state_id, look)
            if city_id:
                sid, name, zipcode = look["city_data"][city_id]
                vals.update(
                    city_id=city_id,
                    city=name,
                    zip=zipcode or False,
                    state_id=sid or state_id or False,
                    country_id=look["country_cn"],
                )

    def _check_selections(self, rec, vals, bad, ctx):
        for key, field_name, options, why in (
            (
                "customer_type",
                "ka_customer_type",
                ctx["types"],
                self.env._("unknown customer type"),
            ),
            (
                "source",
                "ka_source",
                ctx["sources"],
                self.env._("unknown customer source"),
            ),
        ):
            if rec.get(key):
                value = options.get(rec[key].lower())
                if not value:
                    bad.append((key, rec[key], why))
                else:
                    vals[field_name] = value

    def _check_manager(self, rec, vals, bad, ctx):
        login = rec.get("account_manager")
        if not login:
            return
        uid = ctx["look"]["users"].get(login)
        if not uid:
            bad.append(("account_manager", login, self.env._("unknown user login")))
        elif uid not in ctx["look"]["allowed_users"]:
            why = self.env._("this user is not a member of your sales teams")
            bad.append(("account_manager", login, why))
        else:
            vals["user_id"] = uid

    def _check_grade(self, rec, vals, bad, ctx):
        if rec.get("grade"):
            grade = ctx["look"]["grades"].get(rec["grade"].upper())
            if not grade:
                bad.append(("grade", rec["grade"], self.env._("unknown grade code")))
            elif not ctx["may_grade"]:
                why = self.env._(
                    "only key-account managers can set a grade; leave the "
                    "column empty and the grade rules will set it"
                )
                bad.append(("grade", rec["grade"], why))
            else:
                vals["ka_grade_id"] = grade

    def _check_numbers(self, rec, vals, bad, ctx):
        for key, field_name, cast in (
            ("registered_capital", "ka_registered_capital", float),
            ("employee_count", "ka_employee_count", int),
        ):
            if not rec.get(key):
                continue
            try:
                number = cast(rec[key].replace(",", ""))
            except ValueError:
                number = -1
            # integers are stored in 32 bits: beyond, a clear reason rather
            # than the database's "integer out of range"
            limit = 2**31 - 1 if cast is int else 1e15
            if number > limit:
                bad.append((key, rec[key], self.env._("the number is too large")))
            elif not 0 <= number:
                bad.append((key, rec[key], self.env._("not a positive number")))
            else:
                vals[field_name] = number

    def _copy_texts(self, rec, vals, bad, ctx):
        for key, field_name in (
            ("street", "street"),
            ("legal_representative", "ka_legal_representative"),
            ("website", "website"),
            ("qq", "ka_qq"),
            ("wechat", "ka_wechat"),
            ("fax", "ka_fax"),
        ):
            if not rec.get(key):
                continue
            if len(rec[key]) > MAX_CHAR:
                why = self.env._(
                    "the text has %(length)s characters, at most %(limit)s",
                    length=len(rec[key]),
                    limit=MAX_CHAR,
                )
                bad.append((key, rec[key][:50] + "…", why))
            else:
                vals[field_name] = rec[key]

    @api.model
    def _match_city(self, text, state_id, look):
        """The city of ``text``: its exact name, or the one city of the
        province whose name ends with it (乐清市 → 温州市乐清市)."""
        key = (text, state_id)
        if key not in look["city_matches"]:
            look["city_matches"][key] = self._match_city_uncached(text, state_id, look)
        return look["city_matches"][key]

    @api.model
    def _match_city_uncached(self, text, state_id, look):
        candidates = look["cities"].get(text, set())
        if not candidates:
            candidates = {
                cid
                for name, ids in look["cities"].items()
                if name.endswith(text) and len(text) >= 2
                for cid in ids
            }
        if state_id:
            candidates = {c for c in candidates if look["city_data"][c][0] == state_id}
        return next(iter(candidates)) if len(candidates) == 1 else False

    def _set_teams(self, values):
        """Each customer joins the sales team of its account manager."""
        uids = {vals["user_id"] for vals in values.values() if vals.get("user_id")}
        teams = {
            user.id: user.sale_team_id.id
            for user in self.env["res.users"].sudo().browse(list(uids))
        }
        for vals in values.values():
            if vals.get("user_id") and teams.get(vals["user_id"]):
                vals["team_id"] = teams[vals["user_id"]]

    # ------------------------------------------------------------------
    # creation
    # ------------------------------------------------------------------
    def _import_rows(self, header, rows):
        records = self._records(header, rows)
        values, errors = self._validate(records)
        created = self.env["res.partner"]
        if errors and self.mode == "all_or_nothing":
            return {"rows": len(records), "created": created, "errors": errors}
        Partner = self.env["res.partner"].with_context(
            ka_check_phones=True,
            ka_collision_origin="import",
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            # a form-only field whose default costs a query per new partner
            default_display_invoice_template_pdf_report_id=False,
        )
        ordered = sorted(values.items())
        try:
            with self.env.cr.savepoint():
                for start in range(0, len(ordered), BATCH_SIZE):
                    batch = ordered[start : start + BATCH_SIZE]
                    created |= self._create_batch(Partner, batch, errors)
                    if errors and self.mode == "all_or_nothing":
                        # rolls back every customer created so far
                        raise _AllOrNothing()
                graded = created.filtered("ka_grade_id")
                self.env["key_account.grade.history"].sudo()._record_bulk(
                    [(p.id, False, p.ka_grade_id.id, False) for p in graded],
                    source="import",
                )
                self.env.flush_all()
        except _AllOrNothing:
            self.env.invalidate_all()
            created = self.env["res.partner"]
        return {"rows": len(records), "created": created, "errors": errors}

    def _create_batch(self, Partner, batch, errors):
        """Create a batch of customers at once; if the database refuses one,
        create them one by one, each in a savepoint, and report the refused
        rows: no customer is ever half written."""
        try:
            with self.env.cr.savepoint():
                partners = Partner.create([vals for _row, vals in batch])
                self.env.flush_all()
                return partners
        except Exception:  # noqa: BLE001 - any refusal is reported per row below
            self.env.invalidate_all()
        partners = Partner.browse()
        for row, vals in batch:
            try:
                with self.env.cr.savepoint():
                    partner = Partner.create([vals])
                    self.env.flush_all()
                partners |= partner
            except (UserError, ValidationError, AccessError) as error:
                self.env.invalidate_all()
                errors.append((row, "", vals.get("name", ""), str(error.args[0])))
            except Exception:  # reported as the row's reason, logged
                self.env.invalidate_all()
                _logger.info("key_account import: row %s refused", row, exc_info=True)
                message = self.env._("the database refused this row")
                errors.append((row, "", vals.get("name", ""), str(message)))
        return partners

    def _store_result(self, header, rows, result, duration):
        errors = sorted(result["errors"], key=lambda e: (e[0], e[1]))
        labels = {key: labels[0] for key, labels in COLUMNS.items()}
        self.line_ids = [
            (
                0,
                0,
                {
                    "row": row,
                    "column": labels.get(column, column) or False,
                    "value": value or False,
                    "reason": reason,
                },
            )
            for row, column, value, reason in errors
        ]
        bad_rows = defaultdict(list)
        for row, column, _value, reason in errors:
            bad_rows[row].append(
                f"{labels[column]}: {reason}" if column in labels else reason
            )
        vals = {
            "state": "done",
            "row_count": result["rows"],
            "created_count": len(result["created"]),
            "error_count": len(bad_rows),
            "duration": duration,
            "partner_ids": [(6, 0, result["created"].ids)],
            "error_file": False,
            "error_filename": False,
        }
        if bad_rows:
            vals["error_file"] = base64.b64encode(
                self._error_csv(header, rows, bad_rows)
            )
            vals["error_filename"] = "customer_import_errors.csv"
        self.write(vals)
        _logger.info(
            "key_account import: %s rows, %s customers created, %s rows rejected "
            "(%s) in %.2f s",
            result["rows"],
            len(result["created"]),
            len(bad_rows),
            self.mode,
            duration,
        )

    def _error_csv(self, header, rows, bad_rows):
        """The rejected rows as in the file, with the row number and reasons
        in front, UTF-8 with BOM so that Excel shows the Chinese."""
        out = io.StringIO()
        writer = csv.writer(out)
        keys = sorted(header, key=header.get)
        writer.writerow(
            [self.env._("Row"), self.env._("Reason")]
            + [COLUMNS[key][0] for key in keys]
        )
        for number, cells in rows:
            if number in bad_rows:
                writer.writerow(
                    [number, "; ".join(bad_rows[number])]
                    + [
                        cells[header[key]] if header[key] < len(cells) else ""
                        for key in keys
                    ]
                )
        return ("\ufeff" + out.getvalue()).encode("utf-8")


class _AllOrNothing(Exception):
    """A row failed in all-or-nothing mode: roll everything back."""
