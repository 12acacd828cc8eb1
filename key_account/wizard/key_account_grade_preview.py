from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang


class KeyAccountGradePreview(models.TransientModel):
    """What-if preview of grade rules.

    A key-account manager edits a draft copy of the grade rules and sees,
    before applying them, how many customers would move from each grade to
    each other grade, and which ones; nothing changes until "apply", which
    replaces the live rules with the draft and runs the grades step of the
    nightly pipeline (grade history and chatter notes as every night). Preview
    and grading go through the same ``key_account.grade.rule._grade_plan``.
    """

    _name = "key_account.grade.preview"
    _description = "What-if Preview of Grade Rules"
    _order = "id desc"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )

    @api.depends("company_id")
    def _compute_display_name(self):
        for preview in self:
            preview.display_name = self.env._(
                "What-if Preview of Grade Rules: %(company)s",
                company=preview.company_id.name,
            )

    rule_ids = fields.One2many(
        "key_account.grade.preview.rule", "preview_id", string="Draft Rules"
    )
    cell_ids = fields.One2many(
        "key_account.grade.preview.cell", "preview_id", string="Grade Moves"
    )
    state = fields.Selection(
        [("draft", "Draft"), ("previewed", "Previewed")],
        default="draft",
        readonly=True,
    )
    customer_count = fields.Integer(string="Customers Graded", readonly=True)
    moved_count = fields.Integer(string="Customers Moving", readonly=True)
    skipped_rules = fields.Char(string="Rules Skipped", readonly=True)
    matrix_html = fields.Html(
        string="Grade Moves Matrix", compute="_compute_matrix_html", sanitize=False
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "rule_ids" in fields_list and not values.get("rule_ids"):
            Rule = self.env["key_account.grade.rule"].with_context(active_test=False)
            # every rule, archived ones too: the draft is a copy
            rules = Rule.search([], order="sequence, id")  # pylint: disable=no-search-all
            values["rule_ids"] = [
                fields.Command.create(
                    {
                        "rule_id": rule.id,
                        "sequence": rule.sequence,
                        "name": rule.name,
                        "grade_id": rule.grade_id.id,
                        "domain": rule.domain,
                        "active": rule.active,
                    }
                )
                for rule in rules
            ]
        return values

    @api.depends("cell_ids.count", "state")
    @api.depends_context("lang")
    def _compute_matrix_html(self):
        for preview in self:
            preview.matrix_html = preview._ka_matrix_html()

    def _ka_check_manager(self):
        if not self.env.user.has_group("key_account.key_account_group_manager"):
            raise AccessError(
                self.env._("Only key-account managers can preview grade rules.")
            )

    def _ka_rule_set(self):
        """The active draft lines as the rule set of ``_grade_plan``; keys
        are the draft lines' ids."""
        lines = self.rule_ids.filtered("active").sorted(lambda r: (r.sequence, r.id))
        return [(line.id, line.grade_id.id, line.domain, line.name) for line in lines]

    def action_preview(self):
        """Grade the customers with the draft rules, in memory: the grade x
        grade matrix, nothing else changes."""
        self.ensure_one()
        self._ka_check_manager()
        self._ka_preview()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def _ka_preview(self):
        """Fill the cells of the matrix; returns the plan's counts."""
        company = self.company_id
        Rule = self.env["key_account.grade.rule"].sudo()
        plan, skipped = Rule.with_context(ka_today=company._ka_today())._grade_plan(
            company, self._ka_rule_set()
        )
        groups = defaultdict(list)
        for pid, (old, new, _key) in plan.items():
            groups[(old, new)].append(pid)
        sequences = dict(
            self.env["key_account.grade"]
            .with_context(active_test=False)
            .sudo()
            .search_fetch([], ["sequence"])  # every grade: a handful of rows
            .mapped(lambda g: (g.id, g.sequence))
        )
        cells = []
        moved = 0
        for (old, new), pids in groups.items():
            if old == new:
                direction = "same"
            elif not old:
                direction = "new"
            elif sequences.get(new, 0) < sequences.get(old, 0):
                direction = "up"
            else:
                direction = "down"
            is_move = old != new
            moved += len(pids) if is_move else 0
            cells.append(
                {
                    "preview_id": self.id,
                    "from_grade_id": old,
                    "to_grade_id": new,
                    "moved": is_move,
                    "direction": direction,
                    "count": len(pids),
                    # the unchanged customers are many and not listed
                    "partner_ids_data": sorted(pids) if is_move else [],
                }
            )
        self.cell_ids.unlink()
        self.env["key_account.grade.preview.cell"].create(cells)
        self.write(
            {
                "state": "previewed",
                "customer_count": len(plan),
                "moved_count": moved,
                "skipped_rules": ", ".join(skipped) or False,
            }
        )
        return {"customers": len(plan), "moved": moved, "cells": len(cells)}

    def action_apply(self):
        """Replace the live grade rules with the draft and grade again (the
        grades step of the nightly pipeline)."""
        self.ensure_one()
        self._ka_check_manager()
        if not self.rule_ids.filtered("active"):
            raise UserError(self.env._("The draft has no active rule to apply."))
        Rule = self.env["key_account.grade.rule"].with_context(active_test=False)
        kept = Rule
        for line in self.rule_ids:
            values = {
                "name": line.name,
                "sequence": line.sequence,
                "grade_id": line.grade_id.id,
                "domain": line.domain,
                "active": line.active,
            }
            if line.rule_id:
                line.rule_id.write(values)
                kept |= line.rule_id
            else:
                rule = Rule.create(values)
                line.rule_id = rule
                kept |= rule
        # live rules the draft removed are archived (history keeps its links)
        Rule.search([("id", "not in", kept.ids), ("active", "=", True)]).write(
            {"active": False}
        )
        companies = self.env.companies | self.company_id
        report = (
            self.env["key_account.pipeline"]
            .sudo()
            ._run(companies=companies, codes=["grades"])
        )
        changed = sum(item["rows"] for item in report)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.key_account_grade_history_action"
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("The draft grade rules are live."),
                "message": self.env._(
                    "%(count)s customers changed grade.", count=changed
                ),
                "next": action,
            },
        }

    def _ka_matrix_html(self):
        """The grade x grade matrix (rows: grade now, columns: grade with
        the draft), in an HTML table."""
        self.ensure_one()
        if self.state != "previewed":
            return False
        Grade = self.env["key_account.grade"].with_context(active_test=False).sudo()
        counts = {(c.from_grade_id.id, c.to_grade_id.id): c for c in self.cell_ids}
        used = {key for pair in counts for key in pair}
        grades = Grade.search([("id", "in", [g for g in used if g])])
        keys = grades.ids + ([False] if False in used else [])
        names = dict(zip(grades.ids, grades.mapped("name"), strict=True))
        names[False] = self.env._("No Grade")

        def num(value):
            return formatLang(self.env, value, digits=0)

        head = Markup("").join(
            Markup('<th class="text-end">%s</th>') % names[k] for k in keys
        )
        rows = []
        col_totals = defaultdict(int)
        for old in keys:
            cells = []
            total = 0
            for new in keys:
                cell = counts.get((old, new))
                count = cell.count if cell else 0
                total += count
                col_totals[new] += count
                css = {
                    "up": "text-success fw-bold",
                    "new": "text-primary fw-bold",
                    "down": "text-danger fw-bold",
                }.get(cell.direction if cell else "", "text-muted")
                cells.append(
                    Markup('<td class="text-end %s">%s</td>')
                    % (css, num(count) if count else "·")
                )
            rows.append(
                Markup('<tr><th>%s</th>%s<td class="text-end fw-bold">%s</td></tr>')
                % (names[old], Markup("").join(cells), num(total))
            )
        foot = Markup("").join(
            Markup('<td class="text-end fw-bold">%s</td>') % num(col_totals[k])
            for k in keys
        )
        return Markup(
            '<table class="table table-sm table-bordered o_ka_grade_matrix">'
            '<thead><tr><th>%s</th>%s<th class="text-end">%s</th></tr></thead>'
            "<tbody>%s</tbody>"
            '<tfoot><tr><th>%s</th>%s<td class="text-end fw-bold">%s</td></tr>'
            "</tfoot></table>"
        ) % (
            self.env._("Grade now ↓ / with the draft →"),
            head,
            self.env._("Total"),
            Markup("").join(rows),
            self.env._("Total"),
            foot,
            num(self.customer_count),
        )
