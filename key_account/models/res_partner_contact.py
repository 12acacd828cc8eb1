from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class ResPartner(models.Model):
    """The contacts of a customer: one primary contact per company, who
    reports to whom (an org chart in Odoo's hierarchy view), and the people
    the greetings go to."""

    _inherit = "res.partner"

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
                        "%(contact)s can only report to a contact of the same "
                        "company.",
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
