from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL


class KeyAccountGradeHistory(models.Model):
    """客户级别异动: every change of a customer's grade."""

    _name = "key_account.grade.history"
    _description = "Customer Grade Change"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True
    )
    old_grade_id = fields.Many2one("key_account.grade", ondelete="restrict")
    new_grade_id = fields.Many2one("key_account.grade", ondelete="restrict")
    date = fields.Datetime(default=fields.Datetime.now, required=True, index=True)
    effective_date = fields.Date(
        string="Business Day",
        index=True,
        help="The company's business day the change was made for (the nightly "
        "pipeline's day, or the day of the change by hand).",
    )
    rule_id = fields.Many2one("key_account.grade.rule", ondelete="set null")
    user_id = fields.Many2one(
        "res.users", string="Changed By", ondelete="set null", index=True
    )
    source = fields.Selection(
        [("rule", "Grade Rules"), ("manual", "By Hand"), ("import", "Import")],
        string="Change Source",
        required=True,
        default="manual",
        help="What made the change: the nightly grade rules, a key-account "
        "manager, or a customer import. Shown in each reader's language.",
    )
    reason = fields.Char(help="A note on the change, when one was given.")
    direction = fields.Selection(
        [("up", "Upgrade"), ("down", "Downgrade"), ("new", "First Grade")],
        compute="_compute_direction",
        store=True,
    )

    @api.depends("old_grade_id.sequence", "new_grade_id.sequence")
    def _compute_direction(self):
        for change in self:
            old, new = change.old_grade_id, change.new_grade_id
            if not old:
                change.direction = "new"
            elif new and new.sequence < old.sequence:
                change.direction = "up"
            else:
                change.direction = "down"

    @api.model
    def _record_bulk(self, changes, source="rule", reason=None, day=None, chatter=True):
        """changes: (partner id, old grade id, new grade id, rule id) tuples;
        ``source``: rule, manual or import (stored as a code, so that every
        reader sees it in their own language); ``reason``: an optional note.

        One INSERT for the whole batch, whatever its size: the nightly grading
        of a new customer base writes one row per customer. With ``chatter``
        each customer's chatter gets a note of the change (one batch of
        messages; a change by hand is tracked by the ORM instead).
        """
        if not changes:
            return self
        day = day or self.env.company._ka_today()
        now = fields.Datetime.now()
        pids, olds, news, rules = (list(col) for col in zip(*changes, strict=True))
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO key_account_grade_history
                   (partner_id, old_grade_id, new_grade_id, rule_id, user_id,
                    source, reason,
                    date, effective_date, direction,
                    create_uid, create_date, write_uid, write_date)
            SELECT v.pid, v.old, v.new, v.rule, %(uid)s, %(source)s, %(reason)s,
                   %(now)s, %(day)s,
                   CASE WHEN v.old IS NULL THEN 'new'
                        WHEN gn.id IS NOT NULL AND gn.sequence < go.sequence THEN 'up'
                        ELSE 'down' END,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(pids)s::int[], %(olds)s::int[], %(news)s::int[],
                          %(rules)s::int[]) AS v(pid, old, new, rule)
              LEFT JOIN key_account_grade go ON go.id = v.old
              LEFT JOIN key_account_grade gn ON gn.id = v.new
            RETURNING id
            """,
                uid=self.env.uid,
                source=source,
                reason=reason or None,
                now=now,
                day=day,
                pids=pids,
                olds=[old or None for old in olds],
                news=[new or None for new in news],
                rules=[rule or None for rule in rules],
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["res.partner"].invalidate_model(["ka_grade_history_ids"])
        records = self.browse(ids)
        if chatter:
            records._post_chatter()
        return records

    def _post_chatter(self):
        """A note on each customer's chatter: old grade → new grade, and why.
        One batch of messages (mail's own batch log), no query per customer.
        A customer's first grade is kept in the grade history only: the first
        grading of a whole customer base would otherwise write a message per
        customer (100,000 messages: a minute of the first night)."""
        self.env.cr.execute(
            "SELECT partner_id, old_grade_id, new_grade_id, rule_id, source, reason "
            "FROM key_account_grade_history "
            "WHERE id = ANY(%s) AND old_grade_id IS NOT NULL",
            (self.ids,),
        )
        changes = self.env.cr.fetchall()
        # the grades and rules named, read once (not through the history
        # records: their prefetch reads 1,000 rows per query)
        grades = {
            grade.id: grade.display_name
            for grade in self.env["key_account.grade"].browse(
                {row[i] for row in changes for i in (1, 2) if row[i]}
            )
        }
        rules = {
            rule.id: rule.display_name
            for rule in self.env["key_account.grade.rule"].browse(
                {row[3] for row in changes if row[3]}
            )
        }
        bodies = {}
        none = self.env._("none")
        sources = dict(self._fields["source"]._description_selection(self.env))
        for pid, old, new, rule, source, reason in changes:
            text = self.env._(
                "Grade: %(old)s → %(new)s (%(why)s)",
                old=grades.get(old, none),
                new=grades.get(new, none),
                why=rules.get(rule) or reason or sources.get(source, ""),
            )
            bodies[pid] = Markup("<p>%s</p>") % text
        if not bodies:
            return
        self.env["res.partner"].browse(list(bodies)).sudo()._message_log_batch(
            bodies, author_id=self.env.ref("base.partner_root").id
        )
