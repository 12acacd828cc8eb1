import logging

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import (
    EXTRA,
    OPS,
    ROLES,
    SCOPED,
    SCOPES,
    SIDES,
    UNSCOPED,
    World,
    our_models,
    read_matrix,
)

_logger = logging.getLogger(__name__)

# the sides a scope lets a user reach
SCOPE_SIDES = {
    "none": set(),
    "own": {"mine"},
    "team": {"mine", "mate"},
    "all": {"mine", "mate", "other"},
}


def _label(allowed, present):
    """The scope name of the observed set of sides (or the raw set)."""
    for scope, sides in SCOPE_SIDES.items():
        if allowed == sides & present:
            return scope
    return "+".join(sorted(allowed))


@tagged("post_install", "-at_install")
class TestAccessMatrix(TransactionCase):
    """Every model of ours x every role x read/create/write/unlink, against
    data/access_matrix.csv."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.world = World(cls.env)
        cls.table = read_matrix()

    def test_table_is_well_formed(self):
        for (model, role), cells in self.table.items():
            self.assertIn(role, ROLES, f"unknown role {role!r} for {model}")
            self.assertIn(model, self.env, f"unknown model {model!r}")
            for op, scope in cells.items():
                self.assertIn(scope, SCOPES, f"{model}/{role}/{op}: {scope!r}")

    def test_every_model_is_in_the_table(self):
        """A new model of ours fails here until its rows are added."""
        models = our_models(self.env)
        self.assertIn("after_sales.authorization", models)
        self.assertNotIn("res.partner", models)  # only extended by us
        missing = [
            f"{model}/{role}"
            for model in models
            for role in ROLES
            if (model, role) not in self.table
        ]
        self.assertFalse(
            missing,
            "models of key_account, sales_followup or after_sales without a row "
            "per role in data/access_matrix.csv: " + ", ".join(missing),
        )
        # and every regular model has a way to build its records here
        unknown = [
            model
            for model in models
            if not self.env[model]._abstract
            and not self.env[model]._transient
            and model not in SCOPED + UNSCOPED
        ]
        self.assertFalse(unknown, f"no record builder in tests/common.py for {unknown}")

    # ------------------------------------------------------------------ checks

    def _allowed(self, record, user, op):
        try:
            record.with_user(user).check_access(op)
        except AccessError:
            return False
        return True

    def _records(self, model, role):
        if model in UNSCOPED:
            return {"mate": self.world.unscoped_record(model)}
        if model in SCOPED:
            records = {side: self.world.record(model, side, role) for side in SIDES}
            return {side: rec for side, rec in records.items() if rec}
        return {}

    def _observe(self, model, role, op):
        """(observed scope, details) of ``role`` doing ``op`` on ``model``."""
        user = self.world.users[role]
        Model = self.env[model].with_user(user)
        acl = Model.has_access(op)
        records = self._records(model, role)
        if not records:  # ACL-only models (abstract, wizards)
            return ("all" if acl else "none"), {"acl": acl}
        for side, rec in records.items():
            self.assertTrue(rec, f"{model}: no {side} record")
        present = set(records)
        allowed = {
            side for side, rec in records.items() if self._allowed(rec, user, op)
        }
        details = {"acl": acl, "allowed": allowed, "present": present}
        if op == "read" and acl:
            ids = [rec.id for rec in records.values()]
            found = set(
                Model.with_context(active_test=False).search([("id", "in", ids)]).ids
            )
            details["found"] = {s for s, r in records.items() if r.id in found}
            details["readable"] = set()
            for side, rec in records.items():
                try:
                    rec.with_user(user).read(["display_name"])
                except AccessError:
                    continue
                details["readable"].add(side)
        if model in UNSCOPED:
            return ("all" if allowed else "none"), details
        return _label(allowed, present), details

    def _check_cell(self, model, role, op, scope):
        """(observed scope, problem or None) against the table's ``scope``."""
        observed, details = self._observe(model, role, op)
        if model not in SCOPED and scope in ("own", "team"):
            return observed, f"scope {scope!r} means nothing for {model}"
        if "allowed" not in details:
            if observed != scope:
                return observed, f"ACL {'grants' if details['acl'] else 'denies'}"
            return observed, None
        present = details["present"]
        if model in UNSCOPED:
            expected = present if scope == "all" else set()
        else:
            expected = SCOPE_SIDES[scope] & present
        problems = []
        if scope != "none" and not details["acl"]:
            problems.append("the ACL denies it")
        elif details["allowed"] != expected:
            problems.append(
                f"record rules allow {sorted(details['allowed'])} of {sorted(present)}"
            )
        for key in ("found", "readable"):
            if key in details and details[key] != expected:
                what = "search() finds" if key == "found" else "read() works on"
                problems.append(f"{what} {sorted(details[key])}")
        return observed, "; ".join(problems) or None

    def test_access_matrix(self):
        models = sorted(set(our_models(self.env)) | set(EXTRA))
        checks = 0
        mismatches = []
        observed_rows = []
        for model in models:
            for role in ROLES:
                cells = self.table.get((model, role))
                if cells is None:
                    mismatches.append(f"{model} {role}: no row in the table")
                    cells = dict.fromkeys(OPS, "none")
                row = []
                for op in OPS:
                    checks += 1
                    observed, problem = self._check_cell(model, role, op, cells[op])
                    row.append(observed)
                    if problem:
                        mismatches.append(
                            f"{model} {role} {op}: table says {cells[op]!r}, "
                            f"observed {observed!r}: {problem}"
                        )
                observed_rows.append(",".join([model, role, *row]))
        _logger.info(
            "access matrix: %d roles x %d models x %d ops = %d checks, %d mismatches",
            len(ROLES),
            len(models),
            len(OPS),
            checks,
            len(mismatches),
        )
        self.assertEqual(checks, len(ROLES) * len(models) * len(OPS))
        if mismatches:
            _logger.info(
                "observed access table:\nmodel,role,%s\n%s",
                ",".join(OPS),
                "\n".join(observed_rows),
            )
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def test_other_team_contacts_hidden(self):
        """A login does not open another team's customer's contact card: the
        west customer's portal contact is hidden from the east salespeople,
        like the customer itself."""
        contact = self.world.other_portal_contact
        self.assertTrue(contact.user_ids)
        for role in ("salesperson", "team_leader"):
            user = self.world.users[role]
            with self.subTest(role=role):
                Partner = self.env["res.partner"].with_user(user)
                self.assertFalse(Partner.search([("id", "=", contact.id)]))
                with self.assertRaises(AccessError):
                    contact.with_user(user).read(["name", "email", "phone"])
        # the internal users' own cards stay visible (salesperson names)
        mate = self.world.mate.partner_id
        user = self.world.users["salesperson"]
        self.assertTrue(
            self.env["res.partner"].with_user(user).search([("id", "=", mate.id)])
        )
