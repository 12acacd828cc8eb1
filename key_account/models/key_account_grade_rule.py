import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

_logger = logging.getLogger(__name__)


class KeyAccountGradeRule(models.Model):
    _name = "key_account.grade.rule"
    _description = "Customer Grade Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        string="Priority", default=10, help="Rules are tried in this order."
    )
    active = fields.Boolean(default=True)
    grade_id = fields.Many2one("key_account.grade", required=True, ondelete="restrict")
    domain = fields.Char(
        string="Conditions",
        default="[]",
        required=True,
        help="Customers matching these conditions get the grade, unless an "
        "earlier rule matched them first.",
    )
    note = fields.Text(translate=True)

    @api.constrains("domain")
    def _check_domain(self):
        Partner = self.env["res.partner"]
        for rule in self:
            try:
                # a savepoint: a domain PostgreSQL refuses must not abort the
                # whole transaction, only be reported
                with self.env.cr.savepoint():
                    query = Partner._search(
                        self.env["key_account.measure"]._customer_domain()
                        + rule._get_domain(),
                        limit=1,
                    )
                    self.env.cr.execute(query.select(), log_exceptions=False)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The conditions of grade rule %(rule)s are not valid: "
                        "%(error)s",
                        rule=rule.name,
                        error=error,
                    )
                ) from error

    def _get_domain(self):
        self.ensure_one()
        domain = safe_eval(self.domain or "[]", {"uid": self.env.uid})
        if not isinstance(domain, list | tuple):
            raise ValidationError(
                self.env._(
                    "The conditions of grade rule %(rule)s must be a list of "
                    "conditions, e.g. [('ka_revenue_12m', '>=', 100000)].",
                    rule=self.name,
                )
            )
        return list(domain)

    @api.model
    def _apply_rules(self, company, today, partners=None):
        """Give every customer of ``company`` the grade of the first rule it
        matches, on the business day ``today``.

        One search per rule, whatever the number of customers; customers whose
        grade is locked, or who match no rule, keep their grade. Changes are
        written with one UPDATE per grade, one INSERT of history rows and one
        batch of chatter notes. Returns the number of customers whose grade
        changed.
        """
        Partner = (
            self.env["res.partner"]
            .with_context(active_test=True, ka_today=today)
            .with_company(company)
        )
        base = self.env["key_account.measure"]._customer_domain(company) + [
            ("ka_grade_locked", "=", False)
        ]
        if partners is not None:
            base.append(("id", "in", partners.ids))
        self.env.flush_all()
        new_grade = {}
        for rule in self.search([("active", "=", True)]):
            try:
                # a rule broken since it was saved (a field gone, a value the
                # database refuses) is skipped, not the whole refresh
                with self.env.cr.savepoint(flush=False):
                    matched = Partner._search(base + rule._get_domain())
                    self.env.cr.execute(
                        matched.select("res_partner.id"), log_exceptions=False
                    )
                    rows = self.env.cr.fetchall()
            except Exception as error:  # noqa: BLE001 - logged, rule skipped
                _logger.warning(
                    "key_account: grade rule %s (%s) skipped: %s",
                    rule.id,
                    rule.name,
                    error,
                )
                continue
            for (pid,) in rows:
                new_grade.setdefault(pid, (rule.grade_id.id, rule.id))
        if not new_grade:
            return 0
        self.env.cr.execute(
            "SELECT id, ka_grade_id FROM res_partner WHERE id = ANY(%s)",
            (list(new_grade),),
        )
        changes = defaultdict(list)
        history = []
        for pid, old in self.env.cr.fetchall():
            grade, rule = new_grade[pid]
            if old != grade:
                changes[grade].append(pid)
                history.append((pid, old, grade, rule))
        for grade, pids in changes.items():
            # the grade column is ours; the chatter notes below replace the
            # tracking a write() per customer would post
            self.env.cr.execute(
                "UPDATE res_partner SET ka_grade_id = %s WHERE id = ANY(%s)",
                (grade, pids),
            )
        self.env["res.partner"].invalidate_model(["ka_grade_id"])
        self.env["key_account.grade.history"]._record_bulk(history, day=today)
        return len(history)
