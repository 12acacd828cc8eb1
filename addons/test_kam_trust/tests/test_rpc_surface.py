"""The RPC surface of key_account, sales_followup and after_sales.

Any logged-in user may call any public method of any model over JSON-RPC
(``/web/dataset/call_kw``). The rule of the three addons: only buttons and
other UI entry points are public, and each checks the caller's role. This
test holds it:

* every public method defined in a class of the three addons (on their own
  models and on the models they extend), less the ORM's own names, is listed
  in ``data/rpc_surface.csv`` with the roles that may call it, and nothing
  else is public: the surface cannot grow silently;
* each of these methods is called over real JSON-RPC by the portal user, a
  salesperson, an after-sales staff member and a helpdesk agent, on a record
  of the other team (and on their own): a role that is not listed for the
  method gets an error or changes nothing in the database;
* a salesperson cannot write the grade nor the figures of a customer, nor
  run the nightly pipeline or the pool recycling.

"Changes nothing" is read from PostgreSQL: the HTTP requests of an HttpCase
run in the test's transaction, so ``pg_stat_xact_user_tables`` counts their
inserted, updated and deleted rows. Writes rolled back to a savepoint are
counted too (checked in ``test_change_detector``): a request that answered
with an error is judged by its answer (its savepoint is rolled back), and
for a request that succeeded the tables it touched are searched for rows
written after a marker transaction id (``xmin``): rows of a rolled-back
savepoint are not there.
"""

import base64
import contextlib
import csv
import json
import logging
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger
from odoo.tools.misc import file_path

from .common import ROLES, World

_logger = logging.getLogger(__name__)

ADDONS = ("key_account", "sales_followup", "after_sales", "key_account_approval")
PREFIXES = tuple(f"odoo.addons.{addon}." for addon in ADDONS)

# the ORM's own public names: CRUD, search, views, onchange, access checks
ORM_NAMES = frozenset(
    {
        "create",
        "write",
        "unlink",
        "copy",
        "copy_data",
        "read",
        "read_group",
        "name_create",
        "name_search",
        "default_get",
        "fields_get",
        "get_view",
        "get_views",
        "onchange",
        "toggle_active",
        "action_archive",
        "action_unarchive",
    }
)
ORM_PREFIXES = ("search", "web_", "check_access")

# the roles that call every method over JSON-RPC
PROBE_ROLES = ("portal", "salesperson", "after_sales_staff", "helpdesk_agent")

# tables a request writes whatever it does: the login and device logs, the
# bus and presence, the assets bundles (ir_attachment rows under /web/assets)
BOOKKEEPING = frozenset(
    {
        "res_users_log",
        "res_device",
        "res_device_log",
        "bus_bus",
        "bus_presence",
        "mail_presence",
        "res_users_settings",
        "rpc_surface_mark",
    }
)

# a model without a record builder (here or in common.py)
NO_BUILDER = object()

# the figures of a customer nobody writes by hand (with the grade)
FIGURE_EXAMPLES = (
    "ka_revenue_12m",
    "ka_rfm_recency",
    "ka_rfm_segment",
    "ka_clv",
    "ka_p_alive",
    "ka_order_count",
)


def read_surface():
    """The listed surface: {(model, method): (roles, note)}."""
    path = file_path("test_kam_trust/data/rpc_surface.csv")
    table = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["model"].strip(), row["method"].strip())
            table[key] = (frozenset(row["roles"].split()), row["note"].strip())
    return table


def is_orm_name(name):
    return name in ORM_NAMES or name.startswith(ORM_PREFIXES)


def public_surface(env):
    """{(model, method): module} of every method callable over RPC that a
    class of our addons defines, less the ORM's names."""
    surface = {}
    for model_name in env.registry:
        model = env[model_name]
        for cls in type(model).__mro__:
            module = getattr(cls, "__module__", "") or ""
            if not module.startswith(PREFIXES):
                continue
            for name, value in vars(cls).items():
                if name.startswith("_") or is_orm_name(name):
                    continue
                if not callable(value) or isinstance(value, type):
                    continue
                try:
                    # the very rule of /web/dataset/call_kw (and XML-RPC):
                    # private if any class of the model marks it so
                    get_public_method(model, name)
                except (AccessError, AttributeError):
                    continue
                surface.setdefault((model_name, name), module)
    return surface


@tagged("post_install", "-at_install")
class TestRpcSurface(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.world = world = World(cls.env, prefix="rpc")
        cls.surface = read_surface()
        env = cls.env(su=True)
        cls.today = fields.Date.context_today(env["res.partner"])
        # what the methods need: e-mail addresses, phones, a second grade, a
        # device for repairs
        for n, customer in enumerate(
            [*world.customers.values(), world.customer_mate, world.customer_other]
        ):
            customer.write(
                {
                    "email": f"rpc{n}@example.com",
                    "phone": f"021 6888 {n:04d}",
                }
            )
        cls.grade_b = env["key_account.grade"].create(
            {"name": "rpc 等级乙", "code": "RPB"}
        )
        cls.device = env["product.product"].create(
            {"name": "rpc 控制器", "type": "consu"}
        )

    def setUp(self):
        super().setUp()
        # records made by a test are rolled back after it: build them again
        self._built = {}
        self.world.__dict__.pop("_records", None)

    # ------------------------------------------------------------------ records

    def _ctx(self, side, role):
        if side == "mine":
            return self.world.contexts.get(("mine", role))
        return self.world.contexts[side]

    def _owner(self, side, role):
        """The user whose wizard it is: the role user for its own records,
        the other team's salesperson for theirs."""
        return self.world.users[role] if side == "mine" else self.world.other

    def _build(self, key, factory):
        if key not in self._built:
            self._built[key] = factory()
        return self._built[key]

    def _wizard(self, model, vals, owner):
        """A wizard of ``owner``, as if ``owner`` had created it over RPC
        (whatever the access rights say: the method must check the role)."""
        # made by a manager (some wizards check their creator's role)
        manager = self.world.users["ka_manager"]
        record = self.env[model].with_user(manager).sudo().create(vals)
        record.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET create_uid = %s WHERE id = %s",
                SQL.identifier(record._table),
                owner.id,
                record.id,
            )
        )
        record.invalidate_recordset(["create_uid"])
        return record

    def _contract(self, ctx):
        env = self.env(su=True)
        return env["contract.contract"].create(
            {
                "name": f"{ctx['customer'].name} 维护合同",
                "partner_id": ctx["customer"].id,
                "user_id": ctx["user"].id,
                "line_recurrence": True,
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.world.product.id,
                            "name": "年度授权",
                            "quantity": 1,
                            "price_unit": 10000,
                            "recurring_rule_type": "yearly",
                            "recurring_interval": 1,
                            "date_start": self.today - timedelta(days=300),
                            "date_end": self.today + timedelta(days=60),
                        },
                    )
                ],
            }
        )

    def _grade_preview_record(self, model, side, role):
        """A draft of the grade rules (a copy of the live ones), or a cell of
        its matrix."""
        env = self.env(su=True)
        key = (model, side, role)
        if model == "key_account.grade.preview":
            owner = self._owner(side, role)
            return self._build(key, lambda: self._wizard(model, {}, owner))
        preview = self._grade_preview_record("key_account.grade.preview", side, role)
        customer = self._ctx(side, role)["customer"]
        return self._build(
            key,
            lambda: env[model].create(
                {
                    "preview_id": preview.id,
                    "moved": True,
                    "count": 1,
                    "partner_ids_data": customer.ids,
                }
            ),
        )

    def _record(self, model, side, role):
        """The record ``role`` calls ``model``'s methods on, for ``side``
        (None when that side has none)."""
        env = self.env(su=True)
        ctx = self._ctx(side, role)
        if ctx is None:
            return None
        customer = ctx["customer"]
        owner = self._owner(side, role)
        key = (model, side, role)
        if model == "res.company":
            return self.world.company
        if model == "res.currency":
            return env.ref("base.CNY")
        if model == "sale.order":
            # a quotation (the world's orders are confirmed)
            return self._build(
                key,
                lambda: env["sale.order"].create(
                    {
                        "partner_id": customer.id,
                        "user_id": ctx["user"].id,
                        "team_id": ctx["team"].id,
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": self.world.product.id,
                                    "product_uom_qty": 1,
                                },
                            )
                        ],
                    }
                ),
            )
        if model == "contract.contract":
            return self._build(key, lambda: self._contract(ctx))
        if model == "repair.order":
            ticket = self._record("helpdesk.ticket", side, role)
            return self._build(
                key,
                lambda: env["repair.order"].create(
                    {
                        "partner_id": customer.id,
                        "product_id": self.device.id,
                        "as_ticket_id": ticket.id,
                    }
                ),
            )
        if model == "after_sales.contract.renew":
            contract = self._record("contract.contract", side, role)
            return self._build(
                key,
                lambda: self._wizard(
                    model,
                    {
                        "contract_id": contract.id,
                        "date_start": self.today + timedelta(days=61),
                        "date_end": self.today + timedelta(days=425),
                    },
                    owner,
                ),
            )
        if model == "after_sales.phone.intake":
            return self._build(
                key,
                lambda: self._wizard(
                    model,
                    {"caller_number": customer.phone, "partner_id": customer.id},
                    owner,
                ),
            )
        if model == "key_account.customer.import":
            data = f"name,account_manager\nrpc 导入客户有限公司,{owner.login}\n"
            return self._build(
                key,
                lambda: self._wizard(
                    model,
                    {
                        "file": base64.b64encode(data.encode("utf-8-sig")),
                        "filename": "customers.csv",
                    },
                    owner,
                ),
            )
        if model == "key_account.handover.wizard":
            # the caller takes the customers of the other side's salesperson
            caller = self.world.users[role]
            source = self.world.other if side == "other" else self.world.mate
            return self._build(
                key,
                lambda: self._wizard(
                    model,
                    {"from_user_id": source.id, "to_user_id": caller.id},
                    caller,
                ),
            )
        if model == "key_account.pool.wizard":
            caller = self.world.users[role]
            # release one's own customer, or assign the other's to oneself
            vals = (
                {
                    "mode": "release",
                    "partner_ids": [(6, 0, customer.ids)],
                    "reason": "rpc",
                }
                if side == "mine"
                else {
                    "mode": "assign",
                    "partner_ids": [(6, 0, customer.ids)],
                    "user_id": caller.id,
                    "reason": "rpc",
                }
            )
            return self._build(key, lambda: self._wizard(model, vals, caller))
        if model == "key_account.status.wizard":
            # the caller marks the customer lost
            caller = self.world.users[role]
            reason = env.ref("key_account.churn_reason_price")
            vals = {
                "partner_ids": [(6, 0, customer.ids)],
                "new_status": "lost",
                "reason_id": reason.id,
            }
            return self._build(key, lambda: self._wizard(model, vals, caller))
        if model.startswith("key_account.grade.preview"):
            return self._grade_preview_record(model, side, role)
        if model == "key_account.cn.holiday.year":
            # a year the chinesecalendar package knows (the button reloads it)
            return self._build(
                key, lambda: env[model].search([("year", "=", 2026)], limit=1)
            )
        try:
            record = self.world.record(model, side, role)
        except KeyError:
            return NO_BUILDER
        return record or None

    # ------------------------------------------------------------ call table
    # (model, method) -> how to call it: "args"/"kwargs" (callables of the
    # record), "prepare" (superuser changes that make the call able to act)

    def _probe_spec(self, model, method):  # noqa: C901 (one branch per method)
        spec = {"args": lambda rec: [], "kwargs": lambda rec: {}}
        if model == "sales_followup.visit.plan":
            position = {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 12.0}
            if method in ("action_check_in", "action_check_out"):
                spec["kwargs"] = lambda rec: dict(position)
            if method == "action_check_out":
                spec["prepare"] = lambda rec: rec.write(
                    {"checkin_date": fields.Datetime.now() - timedelta(hours=1)}
                )
            if method == "action_reset":
                spec["prepare"] = lambda rec: rec.write({"state": "cancelled"})
            if method == "action_set_customer_location":
                spec["prepare"] = lambda rec: (
                    rec.write(
                        {
                            "checkin_date": fields.Datetime.now(),
                            "checkin_located": True,
                            "checkin_latitude": 31.2304,
                            "checkin_longitude": 121.4737,
                        }
                    ),
                    rec.partner_id.write(
                        {"partner_latitude": 0.0, "partner_longitude": 0.0}
                    ),
                )
        elif model == "after_sales.revisit":
            if method == "action_done":
                spec["prepare"] = lambda rec: rec.write({"score": 4})
            if method == "action_reset":
                spec["prepare"] = lambda rec: rec.write({"state": "cancelled"})
            if method == "rating_apply":
                spec["args"] = lambda rec: [1]
                spec["kwargs"] = lambda rec: {
                    "token": rec._rating_get_access_token(),
                    "feedback": "rpc",
                }
        elif model == "after_sales.authorization":
            if method == "action_reactivate":
                spec["prepare"] = lambda rec: rec.write({"state": "suspended"})
        elif model == "res.partner" and method == "action_ka_claim":
            # a customer in the public pool
            spec["prepare"] = lambda rec: rec.write({"user_id": False})
        elif model == "res.company" and method == "action_as_generate_licence_key":
            spec["prepare"] = lambda rec: rec.write(
                {"as_licence_private_key": False, "as_licence_public_key": False}
            )
        elif model == "helpdesk.ticket":
            spec["prepare"] = lambda rec: rec.write({"as_product_id": self.device.id})
        elif model == "key_account.cn.format":
            spec["args"] = lambda rec: {
                "amount_in_words": [123.45],
                "amount_short": [12345678],
                "phone": ["13800138000"],
            }.get(method, [])
        elif model == "res.currency":
            spec["args"] = lambda rec: [1234.5]
        if model in ("key_account.pool", "key_account.refresh", "key_account.pipeline"):
            spec["prepare"] = lambda rec: self._make_pipeline_due()
        return spec

    def _make_pipeline_due(self):
        """Give the nightly pipeline work: stale figures on every customer
        of the world and an east customer due for recycling."""
        customers = self.world.customer_mate | self.world.customers["salesperson"]
        customers.write({"ka_revenue_12m": 4321.0, "ka_rfm_recency": 5})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET ka_claim_date = now() - interval '800 days' "
            "WHERE id = ANY(%s)",
            [customers.ids],
        )
        self.env.cr.execute(
            "UPDATE key_account_partner_figures SET ka_last_followup_date = NULL "
            "WHERE partner_id = ANY(%s)",
            [customers.ids],
        )
        customers.invalidate_recordset()

    # ------------------------------------------------------------ detection

    def _stats(self):
        self.env.cr.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del "
            "FROM pg_stat_xact_user_tables"
        )
        return {
            name: (ins, upd, dele) for name, ins, upd, dele in self.env.cr.fetchall()
        }

    def _mark(self):
        """A transaction id newer than every row written so far: the xmin of
        a row inserted in a fresh savepoint (a subtransaction gets its own
        id, later ones get higher ids)."""
        self.env.cr.execute("CREATE TEMP TABLE IF NOT EXISTS rpc_surface_mark (x int)")
        with self.env.cr.savepoint(flush=False):
            self.env.cr.execute(
                "INSERT INTO rpc_surface_mark VALUES (1) RETURNING xmin::text::bigint"
            )
            return self.env.cr.fetchone()[0]

    def _written_rows(self, table, mark):
        """Rows of ``table`` inserted or updated since ``mark`` (visible:
        rows of rolled-back savepoints are not)."""
        where = SQL("xmin::text::bigint > %s", mark)
        if table == "ir_attachment":
            where = SQL("%s AND COALESCE(url, '') NOT LIKE '/web/assets/%%'", where)
        self.env.cr.execute(
            SQL("SELECT count(*) FROM %s WHERE %s", SQL.identifier(table), where)
        )
        return self.env.cr.fetchone()[0]

    def _changes(self, before, after, mark):
        """{table: what changed} between two readings of the statistics,
        rows of rolled-back savepoints left out."""
        changes = {}
        for table, counts in after.items():
            if table in BOOKKEEPING:
                continue
            ins, upd, dele = (
                a - b for a, b in zip(counts, before.get(table, (0, 0, 0)), strict=True)
            )
            if not (ins or upd or dele):
                continue
            rows = self._written_rows(table, mark) if (ins or upd) else 0
            if rows or dele:
                changes[table] = f"{rows} rows written, {dele} deleted"
        return changes

    def _wait_request(self):
        # the request releases the test cursor's lock once it closed its cursor
        with self.registry.test_lock:
            pass

    def _rpc(self, model, method, args, kwargs):
        """(result or None, error or None, changes) of one JSON-RPC call."""
        self.env.flush_all()
        mark = self._mark()
        before = self._stats()
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs,
            },
        }
        with mute_logger("odoo.http", "odoo.sql_db"):
            response = self.url_open(
                "/web/dataset/call_kw",
                data=json.dumps(payload, default=str),
                headers={"Content-Type": "application/json"},
                timeout=60,
            )
        self._wait_request()
        after = self._stats()
        body = response.json() if response.status_code == 200 else {}
        if "error" in body or response.status_code != 200:
            data = body.get("error", {}).get("data", {})
            name = data.get("name") or f"HTTP {response.status_code}"
            return None, (name, data.get("message", "")), {}
        return body.get("result"), None, self._changes(before, after, mark)

    @contextlib.contextmanager
    def _undone(self):
        """Roll back whatever happens inside (the call and its preparation)."""
        self.env.flush_all()
        savepoint = self.env.cr.savepoint(flush=False)
        try:
            yield
        finally:
            self.env.invalidate_all(flush=False)
            savepoint.close(rollback=True)
            self.env.invalidate_all(flush=False)

    def _login(self, role):
        prefix = self.world.prefix
        self.authenticate(f"{prefix}_{role}", f"{prefix}_{role}_pw")

    def _call(self, role, model, method, side):
        """Outcome of ``role`` calling ``method`` on ``side``'s record:
        ("refused", error) / ("harmless", None) / ("changed", changes), or
        None when there is no record to call it on."""
        spec = self._probe_spec(model, method)
        record = None
        if not self.env[model]._abstract:
            # built outside the rolled-back part: kept for the next calls
            record = self._record(model, side, role)
            if record is None:
                return None
            if record is NO_BUILDER:
                return ("no record", None)
            record = record.sudo()
        elif side == "mine":
            return None  # a model method: called once
        with self._undone():
            if spec.get("prepare"):
                spec["prepare"](record)
            self.env.flush_all()
            args = spec["args"](record)
            kwargs = spec["kwargs"](record)
            if record is not None:
                args = [record.ids, *args]
            _result, error, changes = self._rpc(model, method, args, kwargs)
        if error:
            return ("refused", error)
        if changes:
            return ("changed", changes)
        return ("harmless", None)

    # ------------------------------------------------------------------ tests

    def test_surface_file_is_well_formed(self):
        for (model, method), (roles, _note) in self.surface.items():
            with self.subTest(model=model, method=method):
                self.assertIn(model, self.env, f"unknown model {model}")
                self.assertTrue(
                    callable(getattr(type(self.env[model]), method, None)),
                    f"{model} has no method {method}",
                )
                self.assertFalse(method.startswith("_"), "a private name is listed")
                self.assertFalse(is_orm_name(method), "an ORM name is listed")
                self.assertLessEqual(roles, set(ROLES), "unknown role")

    def test_surface_is_listed(self):
        """Every public method of our addons is in data/rpc_surface.csv, and
        every method listed there is public (no more, no less)."""
        found = public_surface(self.env)
        # the enumeration sees what it must: our buttons, on our models and
        # on the ones we extend
        self.assertIn(("res.partner", "action_ka_claim"), found)
        self.assertIn(("sales_followup.visit.plan", "action_check_in"), found)
        self.assertNotIn(("res.partner", "write"), found)
        listed = set(self.surface)
        unlisted = sorted(set(found) - listed)
        missing = sorted(listed - set(found))
        message = []
        if unlisted:
            message.append(
                "public but not listed in data/rpc_surface.csv (make them "
                "private, or list them with their roles):\n"
                + "\n".join(f"  {m}.{n}  ({found[(m, n)]})" for m, n in unlisted)
            )
        if missing:
            message.append(
                "listed in data/rpc_surface.csv but not public:\n"
                + "\n".join(f"  {m}.{n}" for m, n in missing)
            )
        _logger.info(
            "RPC surface: %d public methods found, %d listed, %d unlisted, "
            "%d listed but missing",
            len(found),
            len(listed),
            len(unlisted),
            len(missing),
        )
        self.assertFalse(message, "\n" + "\n".join(message))

    def test_change_detector(self):
        """The statistics see a request's writes, not its reads; writes
        rolled back to a savepoint are counted by PostgreSQL, and left out
        by the xmin check."""
        customer = self.world.customers["salesperson"]
        self._login("salesperson")
        # a known write over RPC
        with self._undone():
            _res, error, changes = self._rpc(
                "res.partner", "write", [customer.ids, {"ka_qq": "10001"}], {}
            )
            self.assertIsNone(error)
            self.assertIn("res_partner", changes)
        # a read changes nothing (the bookkeeping tables are left out)
        with self._undone():
            _res, error, changes = self._rpc(
                "res.partner", "read", [customer.ids, ["name"]], {}
            )
            self.assertIsNone(error)
            self.assertEqual(changes, {})
        # a write rolled back to a savepoint
        with self._undone():
            self.env.flush_all()
            mark = self._mark()
            before = self._stats()
            with contextlib.closing(self.env.cr.savepoint(flush=False)):
                self.env.cr.execute(
                    "UPDATE res_partner SET ka_qq = 'rolled back' WHERE id = %s",
                    [customer.id],
                )
            after = self._stats()
            counted = after["res_partner"][1] - before.get("res_partner", (0, 0, 0))[1]
            _logger.info(
                "pg_stat_xact_user_tables counts the update of a rolled-back "
                "savepoint: %s (n_tup_upd +%d); rows written after the mark: %d",
                "yes" if counted else "no",
                counted,
                self._written_rows("res_partner", mark),
            )
            self.assertEqual(self._changes(before, after, mark), {})
        # a request that writes and then fails: an error answer, nothing kept
        other = self.world.customers["team_leader"]
        other.ka_code = other.ka_code or "RPC-CODE-1"
        with self._undone():
            _res, error, changes = self._rpc(
                "res.partner",
                "write",
                [customer.ids, {"ka_qq": "failed", "ka_code": other.ka_code}],
                {},
            )
            self.env.cr.execute(
                "SELECT ka_qq FROM res_partner WHERE id = %s", [customer.id]
            )
            self.assertNotEqual(self.env.cr.fetchone()[0], "failed")

    def test_rpc_calls_by_role(self):
        """Each method of the surface (listed or found public), called by each
        probe role on the other team's record and on the role's own: a role
        not listed for the method is refused or changes nothing; a listed
        role is not refused an access on its own record."""
        methods = sorted(set(self.surface) | set(public_surface(self.env)))
        outcomes = {}
        failures = []
        for role in PROBE_ROLES:
            self._login(role)
            for model, method in methods:
                roles = self.surface.get((model, method), (frozenset(), ""))[0]
                allowed = role in roles
                for side in ("other", "mine"):
                    outcome = self._call(role, model, method, side)
                    outcomes[(model, method, role, side)] = outcome
                    if outcome is None:
                        continue
                    kind, detail = outcome
                    if kind == "no record":
                        failures.append(
                            f"{model}.{method}: no record builder for {model} "
                            "(tests/test_rpc_surface.py _record or common.py)"
                        )
                        continue
                    if not allowed and kind == "changed":
                        failures.append(
                            f"{model}.{method} by {role} on the {side} record "
                            f"(not allowed) changed {detail}"
                        )
                    if (
                        allowed
                        and side == "mine"
                        and kind == "refused"
                        and detail[0] == "odoo.exceptions.AccessError"
                    ):
                        failures.append(
                            f"{model}.{method} by {role} (allowed) refused on its "
                            f"own record: {detail[1]}"
                        )
        _logger.info("RPC calls by role:\n%s", self._table(methods, outcomes))
        _logger.info("RPC refusals:\n%s", self._refusals(methods, outcomes))
        self.assertFalse(failures, "\n" + "\n".join(failures))

    def _refusals(self, methods, outcomes):
        """The error messages of the refused calls, once per method."""
        lines = []
        for model, method in methods:
            messages = {}
            for role in PROBE_ROLES:
                for side in ("other", "mine"):
                    outcome = outcomes.get((model, method, role, side))
                    if outcome and outcome[0] == "refused":
                        name, text = outcome[1]
                        text = " ".join(str(text).split())[:110]
                        key = f"{name.rsplit('.', 1)[-1]}: {text}"
                        messages.setdefault(key, []).append(f"{role}/{side}")
            for key, who in messages.items():
                lines.append(f"{model}.{method}: {key} [{' '.join(who)}]")
        return "\n".join(lines)

    def _table(self, methods, outcomes):
        """methods x roles: other/mine outcome; * marks a listed role."""
        short = {
            "odoo.exceptions.AccessError": "refused",
            "odoo.exceptions.UserError": "refused(user error)",
            "odoo.exceptions.ValidationError": "refused(validation)",
            "odoo.exceptions.MissingError": "refused(missing)",
        }

        def cell(outcome):
            if outcome is None:
                return "-"
            kind, detail = outcome
            if kind == "refused":
                name = detail[0]
                if "Private methods" in detail[1]:
                    return "refused(private)"
                return short.get(name, f"refused({name.rsplit('.', 1)[-1]})")
            if kind == "no record":
                return "NO RECORD"
            if kind == "changed":
                tables = sorted(detail)
                more = ",..." if len(tables) > 3 else ""
                return "CHANGED(" + ",".join(tables[:3]) + more + ")"
            return "harmless"

        header = ["method", *PROBE_ROLES]
        rows = [header]
        for model, method in methods:
            roles = self.surface.get((model, method), (frozenset(), ""))[0]
            listed = (model, method) in self.surface
            row = [f"{model}.{method}" + ("" if listed else " [unlisted]")]
            for role in PROBE_ROLES:
                other = cell(outcomes.get((model, method, role, "other")))
                mine = cell(outcomes.get((model, method, role, "mine")))
                mark = "*" if role in roles else ""
                row.append(f"{mark}{other} / {mine}")
            rows.append(row)
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        lines = [
            " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows
        ]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        lines.append(
            "cells: on the other team's record / on the role's own; * the role "
            "is listed for the method; refused = error answer (its kind), "
            "harmless = answered without changing data, CHANGED = tables written"
        )
        return "\n".join(lines)

    # ------------------------------------------------------ the known holes

    def _protected_fields(self):
        """The grade and every stored read-only field our addons put on
        customers: figures, scores, codes and dates the system writes."""
        Partner = self.env["res.partner"]
        # the nightly figures: related fields of the customer's row of figures
        names = {"ka_grade_id"} | Partner._ka_figure_fields()
        for name, field in Partner._fields.items():
            if not field.store or not field.readonly:
                continue
            if field.type in ("one2many", "many2many", "many2one"):
                continue
            if not set(getattr(field, "_modules", ()) or ()) & set(ADDONS):
                continue
            names.add(name)
        return sorted(names)

    def _forged_value(self, field, current):
        if field.name == "ka_grade_id":
            return self.grade_b.id
        if field.type in ("float", "monetary"):
            return 98765.0 if current != 98765.0 else 12345.0
        if field.type == "integer":
            return 4 if current != 4 else 2
        if field.type == "boolean":
            return not current
        if field.type == "date":
            return "2001-02-03"
        if field.type == "datetime":
            return "2001-02-03 04:05:06"
        if field.type == "selection":
            values = [v for v, _l in field._description_selection(self.env)]
            return next(v for v in values if v != current)
        return "rpc-forged"

    @staticmethod
    def _same(value, forged):
        """A column value is the forged one (dates and numbers as read)."""
        if isinstance(forged, bool) or isinstance(value, bool):
            return value is forged
        if isinstance(forged, float):
            return float(value) == forged
        return str(value) == str(forged)

    def _column(self, partner, name):
        """The value in the database: the partner's column, or its row of
        figures' for a figure."""
        if name in self.env["res.partner"]._ka_figure_fields():
            query = SQL(
                "SELECT f.%s FROM res_partner p LEFT JOIN "
                "key_account_partner_figures f ON f.id = p.ka_figures_id "
                "WHERE p.id = %s",
                SQL.identifier(name),
                partner.id,
            )
        else:
            query = SQL(
                "SELECT %s FROM res_partner WHERE id = %s",
                SQL.identifier(name),
                partner.id,
            )
        self.env.cr.execute(query)
        return self.env.cr.fetchone()[0]

    def test_salesperson_cannot_write_grade_or_figures(self):
        """Over RPC a salesperson's write of the grade or of a figure on
        their own customer is refused or leaves the value as it was; so is a
        new customer created with them."""
        names = self._protected_fields()
        for name in ("ka_grade_id", *FIGURE_EXAMPLES):
            self.assertIn(name, names)
        customer = self.world.customers["salesperson"]
        Partner = self.env["res.partner"]
        self._login("salesperson")
        holes = []
        seen = {}
        for name in names:
            field = Partner._fields[name]
            with self._undone():
                current = self._column(customer, name)
                forged = self._forged_value(field, current)
                _res, error, _changes = self._rpc(
                    "res.partner", "write", [customer.ids, {name: forged}], {}
                )
                after = self._column(customer, name)
                if not error and after != current:
                    holes.append(f"write {name}: {current!r} -> {after!r}")
                seen[name] = (
                    error[0].rsplit(".", 1)[-1]
                    if error
                    else ("ignored" if after == current else "WRITTEN")
                )
        # a new customer of one's own, created with a grade and figures
        vals = {"name": "rpc 伪造客户有限公司", "is_company": True}
        for name in names:
            vals[name] = self._forged_value(Partner._fields[name], None)
        with self._undone():
            result, error, _changes = self._rpc("res.partner", "create", [vals], {})
            if not error:
                ids = result if isinstance(result, list) else [result]
                created = Partner.browse(ids)
                for name in sorted(vals):
                    if name in ("name", "is_company"):
                        continue
                    value = self._column(created, name)
                    if value and self._same(value, vals[name]):
                        holes.append(f"create with {name} = {value!r}")
        _logger.info(
            "salesperson writing the grade and %d figures over RPC: %d holes\n%s",
            len(names) - 1,
            len(holes),
            "\n".join(f"  {name}: {what}" for name, what in sorted(seen.items())),
        )
        self.assertFalse(holes, "\nthe salesperson set over RPC:\n" + "\n".join(holes))

    def test_salesperson_cannot_run_pipeline(self):
        """The nightly pipeline (figures, RFM, CLV, grades, warnings, pool
        recycling) cannot be run by a salesperson over RPC, by whatever name:
        each call is refused or changes nothing, while the same call by a
        key-account manager does change the data (the control)."""
        names = {
            "key_account.pool": [
                "run_recycle",
                "claim",
                "assign",
                "release",
                "_cron_recycle",
                "_run_recycle",
            ],
            "key_account.refresh": [
                "refresh_all",
                "action_refresh_all",
                "_cron_refresh",
            ],
            "key_account.pipeline": ["action_run", "_cron_run", "_run"],
        }
        found = public_surface(self.env)
        for model, method in found:
            if model in names and method not in names[model]:
                names[model].append(method)
        customer = self.world.customers["salesperson"]
        owner_id = customer.user_id.id
        self._login("salesperson")
        holes = []
        calls = 0
        for model, methods in names.items():
            if model not in self.env:
                continue
            for method in methods:
                with self._undone():
                    self._make_pipeline_due()
                    _res, error, changes = self._rpc(model, method, [], {})
                    calls += 1
                    self.env.cr.execute(
                        "SELECT user_id FROM res_partner WHERE id = %s", [customer.id]
                    )
                    user_id = self.env.cr.fetchone()[0]
                    if not error and (changes or user_id != owner_id):
                        holes.append(f"{model}.{method}: changed {changes}")
        # the control: the manager's button does run it
        if (
            "key_account.pipeline" in self.env
            and (
                "key_account.pipeline",
                "action_run",
            )
            in found
        ):
            self._login("ka_manager")
            with self._undone():
                self._make_pipeline_due()
                _res, error, changes = self._rpc(
                    "key_account.pipeline", "action_run", [], {}
                )
                self.assertIsNone(error, "the manager's pipeline button failed")
                self.assertIn("res_partner", changes)
        _logger.info(
            "salesperson running the pipeline over RPC: %d calls, %d holes",
            calls,
            len(holes),
        )
        self.assertFalse(holes, "\n" + "\n".join(holes))
