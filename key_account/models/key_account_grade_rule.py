import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
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
        return self._ka_eval_domain(self.domain, self.name)

    @api.model
    def _ka_eval_domain(self, domain, name):
        """The conditions ``domain`` (a rule's text) as a list; a
        ValidationError naming the rule ``name`` when they are no list."""
        domain = safe_eval(domain or "[]", {"uid": self.env.uid})
        if not isinstance(domain, list | tuple):
            raise ValidationError(
                self.env._(
                    "The conditions of grade rule %(rule)s must be a list of "
                    "conditions, e.g. [('ka_revenue_12m', '>=', 100000)].",
                    rule=name,
                )
            )
        return list(domain)

    def _ka_rule_set(self):
        """These rules as the rule set :meth:`_grade_plan` takes:
        (key, grade id, conditions text, name) in priority order."""
        return [
            (rule.id, rule.grade_id.id, rule.domain, rule.name)
            for rule in self.sorted(lambda r: (r.sequence, r.id))
        ]

    @api.model
    def _grade_plan(self, company, rule_set, partners=None):
        """What a rule set would do to the customers of ``company``.

        ``rule_set``: (key, grade id, conditions text, name) in priority
        order; the live rules (:meth:`_ka_rule_set`) for the nightly step, a
        draft's lines for the what-if preview: both go through this method,
        so that a preview and its application cannot disagree.

        One search per rule and one query of the current grades, whatever the
        number of customers. Customers whose grade is locked are left out;
        customers matching no rule keep their grade (key None). Returns
        ``({partner id: (old grade id, new grade id, key)}, skipped)``,
        ``skipped`` the names of the rules whose conditions failed.
        """
        Partner, base = self._grade_plan_scope(company, partners)
        self.env.flush_all()
        plan = self._grade_plan_one_query(Partner, base, rule_set)
        if plan is not None:
            return plan, []
        new_grade = {}
        skipped = []
        for key, grade_id, domain, name in rule_set:
            try:
                # a rule broken since it was saved (a field gone, a value the
                # database refuses) is skipped, not the whole refresh
                with self.env.cr.savepoint(flush=False):
                    matched = Partner._search(base + self._ka_eval_domain(domain, name))
                    self.env.cr.execute(
                        matched.select("res_partner.id"), log_exceptions=False
                    )
                    rows = self.env.cr.fetchall()
            except Exception as error:  # noqa: BLE001 - logged, rule skipped
                _logger.warning(
                    "key_account: grade rule %s (%s) skipped: %s", key, name, error
                )
                skipped.append(name)
                continue
            for (pid,) in rows:
                new_grade.setdefault(pid, (grade_id, key))
        current = Partner._search(base)
        self.env.cr.execute(current.select("res_partner.id", "res_partner.ka_grade_id"))
        plan = {}
        for pid, old in self.env.cr.fetchall():
            grade, key = new_grade.get(pid, (old, None))
            plan[pid] = (old or None, grade or None, key)
        return plan, skipped

    @api.model
    def _grade_plan_scope(self, company, partners=None):
        """The customers a grading covers: those of ``company`` whose grade is
        not locked (only ``partners`` if given), as (res.partner model in the
        company's context, domain)."""
        Partner = (
            self.env["res.partner"]
            .with_context(active_test=True, ka_today=self.env.context.get("ka_today"))
            .with_company(company)
        )
        base = self.env["key_account.measure"]._customer_domain(company) + [
            ("ka_grade_locked", "=", False)
        ]
        if partners is not None:
            base.append(("id", "in", partners.ids))
        return Partner, base

    @api.model
    def _grade_plan_sql(self, Partner, base, rule_set):
        """The rules of ``rule_set`` over the customers of ``base`` as one
        SELECT of (customer id, current grade id, index in ``rule_set`` of the
        first rule that matches, NULL for none): each rule's conditions become
        a branch of one CASE, in priority order. None when a rule's search
        needs a join of its own (conditions on figures are subqueries)."""
        current = Partner._search(base)
        branches = []
        for index, (_key, _grade, domain, name) in enumerate(rule_set):
            matched = Partner._search(base + self._ka_eval_domain(domain, name))
            if matched.from_clause.code != current.from_clause.code:
                return None
            branches.append(SQL("WHEN %s THEN %s", matched.where_clause, index))
        decided = (
            SQL("CASE %s END", SQL(" ").join(branches))
            if branches
            else SQL("NULL::int")
        )
        return current.select("res_partner.id", "res_partner.ka_grade_id", decided)

    @api.model
    def _grade_plan_one_query(self, Partner, base, rule_set):
        """The plan of :meth:`_grade_plan` in one query
        (:meth:`_grade_plan_sql`: the first rule that matches decides, as
        with one search per rule). None when a rule's search needs a join of
        its own, or when a rule fails: the caller then searches rule by rule
        and skips the broken ones."""
        try:
            with self.env.cr.savepoint(flush=False):
                query = self._grade_plan_sql(Partner, base, rule_set)
                if query is None:
                    return None
                self.env.cr.execute(query, log_exceptions=False)
                rows = self.env.cr.fetchall()
        except Exception:  # noqa: BLE001 - the caller names the broken rule
            return None
        plan = {}
        for pid, old, index in rows:
            if index is None:
                plan[pid] = (old or None, old or None, None)
            else:
                key, grade, _domain, _name = rule_set[index]
                plan[pid] = (old or None, grade or None, key)
        return plan

    @api.model
    def _apply_rules_in_sql(self, company, rule_set, partners=None):
        """The nightly grading without carrying the plan through Python: the
        plan of :meth:`_grade_plan_sql` (the same query as the preview's)
        writes each customer's deciding rule on its figures in the database,
        and only the customers whose grade changes come back. Returns their
        (partner id, old grade id, new grade id, rule id), or None when the
        rules need the rule-by-rule plan (a join of their own, a failure)."""
        Partner, base = self._grade_plan_scope(company, partners)
        self.env.flush_all()
        self.env["key_account.refresh"]._ensure_figures(company)
        keys = [key for key, _grade, _domain, _name in rule_set] or [0]
        grades = [grade or None for _key, grade, _domain, _name in rule_set] or [None]
        try:
            with self.env.cr.savepoint(flush=False):
                query = self._grade_plan_sql(Partner, base, rule_set)
                if query is None:
                    return None
                self.env.cr.execute(
                    SQL(
                        """
                    WITH plan AS MATERIALIZED (%(plan)s),
                    decided AS MATERIALIZED (
                        SELECT plan.id, plan.ka_grade_id AS old,
                               r.key AS rule, r.grade
                          FROM plan AS plan(id, ka_grade_id, idx)
                          LEFT JOIN unnest(%(keys)s::int[], %(grades)s::int[])
                               WITH ORDINALITY AS r(key, grade, n)
                               ON r.n = plan.idx + 1
                    ), rules AS (
                        UPDATE key_account_partner_figures f
                           SET ka_grade_rule_id = d.rule
                          FROM decided d
                         WHERE f.partner_id = d.id
                           AND f.ka_grade_rule_id IS DISTINCT FROM d.rule
                        RETURNING f.id
                    )
                    -- the changes, then one row with the rules written
                    SELECT d.id, d.old, d.grade, d.rule
                      FROM decided d
                     WHERE d.rule IS NOT NULL AND d.old IS DISTINCT FROM d.grade
                     UNION ALL
                    SELECT NULL, NULL, NULL, COUNT(*)::int FROM rules
                    """,
                        plan=query,
                        keys=keys,
                        grades=grades,
                    ),
                    log_exceptions=False,
                )
                rows = self.env.cr.fetchall()
        except Exception:  # noqa: BLE001 - the rule-by-rule plan names it
            return None
        history = [row for row in rows if row[0] is not None]
        changed = sum(row[3] for row in rows if row[0] is None)
        changed += self._ka_clear_locked_rules(company, partners)
        if changed:
            self.env["key_account.refresh"]._invalidate_figures(changed)
        return history

    @api.model
    def _ka_clear_locked_rules(self, company, partners=None):
        """The customers out of a grading's plan (their grade is locked) that
        still show the rule of an earlier grading lose it: their grade is not
        the rules' any more. Returns the rows changed."""
        self.env.cr.execute(
            SQL(
                """
            UPDATE key_account_partner_figures f
               SET ka_grade_rule_id = NULL
              FROM res_partner p
             WHERE p.id = f.partner_id AND f.ka_grade_rule_id IS NOT NULL
               AND p.ka_grade_locked AND %(customer)s
               AND (%(all)s OR p.id = ANY(%(scope)s))
            """,
                customer=self.env["key_account.measure"]._customer_sql(company, "p"),
                all=partners is None,
                scope=partners.ids if partners is not None else [],
            )
        )
        return self.env.cr.rowcount

    @api.model
    def _apply_rules(self, company, today, partners=None):
        """Give every customer of ``company`` the grade of the first rule it
        matches, on the business day ``today``.

        The plan of :meth:`_grade_plan` with the live rules; customers whose
        grade is locked, or who match no rule, keep their grade. Changes are
        written with one UPDATE per grade, one INSERT of history rows and one
        batch of chatter notes; each customer's deciding rule with one UPDATE
        of the figures. Returns the number of customers whose grade changed.
        """
        rules = self.search([("active", "=", True)])
        rule_set = rules._ka_rule_set()
        Rule = self.with_context(ka_today=today)
        history = Rule._apply_rules_in_sql(company, rule_set, partners)
        if history is None:
            plan, _skipped = Rule._grade_plan(company, rule_set, partners)
            self._ka_store_deciding_rules(company, plan, partners)
            history = [
                (pid, old, grade, rule)
                for pid, (old, grade, rule) in plan.items()
                if rule is not None and old != grade
            ]
        changes = defaultdict(list)
        for pid, _old, grade, _rule in history:
            changes[grade].append(pid)
        if not history:
            return 0
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

    @api.model
    def _ka_store_deciding_rules(self, company, plan, partners=None):
        """Each customer's deciding rule (empty for a locked grade or no
        match) on its row of figures: only the rows that change are
        written, without a scan of the partners."""
        self.env["key_account.refresh"]._ensure_figures(company)
        pids = list(plan)
        rules = [plan[pid][2] for pid in pids]
        # the planned customers, joined to their figures by the unique index;
        # then the customers out of the plan (locked grades) that still show
        # a rule, few, checked against the customer definition
        self.env.cr.execute(
            SQL(
                """
            UPDATE key_account_partner_figures f
               SET ka_grade_rule_id = v.rule
              FROM unnest(%(pids)s::int[], %(rules)s::int[]) AS v(pid, rule)
             WHERE f.partner_id = v.pid
               AND f.ka_grade_rule_id IS DISTINCT FROM v.rule
            """,
                pids=pids,
                rules=rules,
            )
        )
        changed = self.env.cr.rowcount
        changed += self._ka_clear_locked_rules(company, partners)
        if changed:
            self.env["key_account.refresh"]._invalidate_figures(changed)
        return changed
