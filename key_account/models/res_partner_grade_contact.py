import logging

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    """Grades that explain themselves: the rule that gave a customer its
    grade (stored on its figures by the grades step) and that rule's
    conditions with the customer's values, rendered on read. The contacts of
    a customer: one primary contact per company, who reports to whom (an org
    chart in Odoo's hierarchy view), and the people greetings go to."""

    _inherit = "res.partner"

    ka_grade_rule_id = fields.Many2one(
        "key_account.grade.rule",
        string="Deciding Grade Rule",
        related="ka_figures_id.ka_grade_rule_id",
    )
    ka_grade_explanation = fields.Html(
        string="Why This Grade",
        compute="_compute_ka_grade_explanation",
        sanitize=False,
    )

    ka_reports_to_id = fields.Many2one(
        "res.partner",
        string="Reports To",
        ondelete="set null",
        index="btree_not_null",
        domain="[('parent_id', '=', parent_id), ('parent_id', '!=', False), "
        "('id', '!=', id), ('is_company', '=', False)]",
        help="The contact of the same company this contact reports to.",
    )
    ka_report_ids = fields.One2many(
        "res.partner", "ka_reports_to_id", string="Direct Reports"
    )

    @api.depends("ka_grade_id", "ka_grade_locked", "ka_grade_rule_id")
    @api.depends_context("lang")
    def _compute_ka_grade_explanation(self):
        # the conditions read figures of this customer only: one record (a
        # form) at a time, never computed for a list
        for partner in self:
            partner.ka_grade_explanation = partner._ka_explain_grade()

    def _ka_explain_grade(self):
        """The explanation of this customer's grade, as HTML."""
        self.ensure_one()
        if not self.is_company or self.parent_id:
            return False
        if self.ka_grade_locked:
            return Markup("<p>%s</p>") % self.env._(
                "The grade is locked: it was set by hand by a key-account "
                "manager, the grade rules leave it unchanged."
            )
        rule = self.ka_grade_rule_id.sudo()
        if not rule:
            return Markup("<p>%s</p>") % self.env._(
                "No grade rule has graded this customer yet (not graded by the "
                "nightly pipeline, or no rule matched and the grade was kept)."
            )
        try:
            domain = expression.normalize_domain(rule._get_domain())
            tree, _end = self._ka_domain_tree(domain, 0)
            conditions = self._ka_render_tree(tree)
        except (ValidationError, UserError, ValueError, KeyError, IndexError) as error:
            _logger.info("key_account: rule %s not explained: %s", rule.id, error)
            conditions = Markup("<p>%s</p>") % self.env._(
                "The conditions of this rule cannot be shown."
            )
        header = Markup("<p>%s</p>") % self.env._(
            "Rule %(rule)s (priority %(priority)s) gave grade %(grade)s: the "
            "first rule, by priority, whose conditions the customer met.",
            rule=rule.name,
            priority=rule.sequence,
            grade=rule.grade_id.name,
        )
        footer = Markup('<p class="text-muted small">%s</p>') % self.env._(
            "Values of the figures of %(day)s; ✓ the condition holds, ✗ it "
            "does not (any more).",
            day=format_date(self.env, self.ka_figures_date) or "-",
        )
        return header + conditions + footer

    @api.model
    def _ka_domain_tree(self, domain, index):
        """(node, next index) of a normalized (prefix) domain; a node is
        ('&'|'|'|'!', [children]) or ('leaf', (path, operator, value))."""
        token = domain[index]
        if token in (expression.AND_OPERATOR, expression.OR_OPERATOR):
            left, index = self._ka_domain_tree(domain, index + 1)
            right, index = self._ka_domain_tree(domain, index)
            children = []
            for child in (left, right):
                # a | b | c reads as one list of three
                children.extend(child[1] if child[0] == token else [child])
            return (token, children), index
        if token == expression.NOT_OPERATOR:
            child, index = self._ka_domain_tree(domain, index + 1)
            return ("!", [child]), index
        return ("leaf", tuple(token)), index + 1

    def _ka_render_tree(self, node):
        kind, content = node
        if kind == "leaf":
            return Markup("<ul><li>%s</li></ul>") % self._ka_render_leaf(content)
        titles = {
            "&": self.env._("All of:"),
            "|": self.env._("Any of:"),
            "!": self.env._("None of:"),
        }
        items = Markup("").join(
            Markup("<li>%s</li>")
            % (
                self._ka_render_leaf(child[1])
                if child[0] == "leaf"
                else self._ka_render_tree(child)
            )
            for child in content
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (titles[kind], items)

    def _ka_render_leaf(self, leaf):
        if leaf in (expression.TRUE_LEAF, expression.FALSE_LEAF) or not isinstance(
            leaf[0], str
        ):
            return escape(self.env._("Every customer (no condition)"))
        path, operator, value = leaf
        label, field = self._ka_path_label(path)
        shown = self._ka_format_value(field, value)
        try:
            current = self.mapped(path)
            holds = bool(self.filtered_domain([leaf]))
        except (AccessError, KeyError, ValueError, TypeError):
            current, holds = None, None
        if field and field.type == "many2one" or isinstance(current, models.BaseModel):
            current = ", ".join(current.mapped("display_name")) if current else False
        elif isinstance(current, list):
            current = current[0] if len(current) == 1 else current
        mark = {True: "✓", False: "✗", None: "?"}[holds]
        return Markup("%s %s %s <b>%s</b>: %s %s") % (
            label,
            self._ka_operator_label(operator),
            shown,
            self.env._("this customer"),
            self._ka_format_value(field, current),
            mark,
        )

    def _ka_path_label(self, path):
        """The field labels of a dotted path, and its last field."""
        model = self
        labels = []
        field = None
        for name in path.split("."):
            field = model._fields.get(name)
            if field is None:
                return path, None
            labels.append(field._description_string(self.env))
            if field.relational:
                model = self.env[field.comodel_name]
        return " → ".join(labels), field

    def _ka_operator_label(self, operator):
        labels = {
            "=": "=",
            "!=": "≠",
            ">": ">",
            ">=": "≥",
            "<": "<",
            "<=": "≤",
            "in": self.env._("is one of"),
            "not in": self.env._("is none of"),
            "like": self.env._("contains"),
            "ilike": self.env._("contains"),
            "not like": self.env._("does not contain"),
            "not ilike": self.env._("does not contain"),
            "=like": self.env._("matches"),
            "=ilike": self.env._("matches"),
            "child_of": self.env._("is under"),
            "parent_of": self.env._("is above"),
        }
        return labels.get(operator, operator)

    def _ka_format_value(self, field, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(self._ka_format_value(field, v)) for v in value)
        if value is False or value is None:
            if field is not None and field.type == "boolean":
                return self.env._("No")
            return self.env._("(empty)")
        if field is None:
            return value
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))
            return labels.get(value, value)
        if field.type in ("many2one", "many2many", "one2many") and isinstance(
            value, int
        ):
            record = self.env[field.comodel_name].sudo().browse(value).exists()
            return record.display_name if record else value
        if field.type in ("monetary", "float") and isinstance(value, int | float):
            digits = 0 if field.type == "monetary" else 2
            return formatLang(self.env, value, digits=digits)
        if field.type == "integer" and isinstance(value, int):
            return formatLang(self.env, value, digits=0)
        if field.type == "date" and not isinstance(value, str):
            return format_date(self.env, value)
        return value

    @api.constrains("ka_is_primary_contact", "parent_id", "active")
    def _check_ka_primary_contact(self):
        parents = self.filtered("ka_is_primary_contact").parent_id
        if not parents:
            return
        counts = self.with_context(active_test=True)._read_group(
            [("parent_id", "in", parents.ids), ("ka_is_primary_contact", "=", True)],
            ["parent_id"],
            ["__count"],
        )
        twice = [parent for parent, count in counts if count > 1]
        if twice:
            raise ValidationError(
                self.env._(
                    "A company has one primary contact: %(companies)s",
                    companies=", ".join(p.display_name for p in twice),
                )
            )

    @api.constrains("ka_reports_to_id", "parent_id")
    def _check_ka_reports_to(self):
        for partner in self.filtered("ka_reports_to_id"):
            boss = partner.ka_reports_to_id
            if not partner.parent_id or boss.parent_id != partner.parent_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s can only report to a contact of the same company.",
                        contact=partner.display_name,
                    )
                )
        if self._has_cycle("ka_reports_to_id"):
            raise ValidationError(
                self.env._("A contact cannot report to themselves, even indirectly.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        primaries = [
            vals.get("parent_id")
            for vals in vals_list
            if vals.get("ka_is_primary_contact") and vals.get("parent_id")
        ]
        if primaries:
            self._ka_unset_primary(primaries)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("ka_is_primary_contact"):
            parents = (
                [vals["parent_id"]] if vals.get("parent_id") else self.parent_id.ids
            )
            self._ka_unset_primary(parents, keep=self.ids)
        return super().write(vals)

    def _ka_unset_primary(self, parent_ids, keep=()):
        """Setting a primary contact unsets the company's other one (the
        flag only, whoever may edit the new one)."""
        others = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("parent_id", "in", [pid for pid in parent_ids if pid]),
                    ("ka_is_primary_contact", "=", True),
                    ("id", "not in", list(keep)),
                ]
            )
        )
        if others:
            others.write({"ka_is_primary_contact": False})

    @api.model
    def _ka_greeting_recipients(self, company_ids):
        """{company id: [contact ids]}: the primary and decision-making
        contacts of the companies ``company_ids`` that have an e-mail address,
        the people a greeting to the company goes to. One query."""
        if not company_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """
            SELECT c.parent_id, ARRAY_AGG(c.id ORDER BY c.ka_is_primary_contact DESC,
                                                      c.id)
              FROM res_partner c
             WHERE c.parent_id = ANY(%(ids)s) AND c.active AND NOT c.is_company
               AND COALESCE(c.email, '') != ''
               AND (c.ka_is_primary_contact OR c.ka_decision_role = 'decision_maker')
             GROUP BY c.parent_id
            """,
                ids=list(company_ids),
            )
        )
        return dict(self.env.cr.fetchall())
