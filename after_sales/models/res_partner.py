from psycopg2.extras import execute_values

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from ..lib.access import SALESPERSON, STAFF, has_role
from ..lib.phone import normalize_phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    as_authorization_count = fields.Integer(
        string="Authorizations", compute="_compute_as_authorization_count"
    )
    as_phone_normalized = fields.Char(
        string="Normalised Phone",
        compute="_compute_as_phone_normalized",
        store=True,
        index=True,
        help="The phone number without spaces, dashes and +86/0086 prefix, "
        "as the phone intake compares it.",
    )
    as_mobile_normalized = fields.Char(
        string="Normalised Mobile",
        compute="_compute_as_phone_normalized",
        store=True,
        index=True,
    )
    as_contract_value = fields.Monetary(
        string="Contract Value (per Year)",
        currency_field="ka_currency_id",
        readonly=True,
        copy=False,
        help="Yearly recurring value of the customer's running sales contracts "
        "(lines started, not ended, not cancelled): 12 times their monthly "
        "recurring amount, untaxed. Recomputed with the key-account figures.",
    )

    def _auto_init(self):
        # Fill the normalised numbers of existing partners in one pass
        # instead of a recomputation through the ORM of every partner.
        cr = self.env.cr
        missing = not column_exists(cr, "res_partner", "as_phone_normalized")
        if missing:
            create_column(cr, "res_partner", "as_phone_normalized", "varchar")
            create_column(cr, "res_partner", "as_mobile_normalized", "varchar")
            cr.execute(
                "SELECT id, phone, mobile FROM res_partner "
                "WHERE phone IS NOT NULL OR mobile IS NOT NULL"
            )
            rows = [
                (pid, normalize_phone(phone) or None, normalize_phone(mobile) or None)
                for pid, phone, mobile in cr.fetchall()
            ]
            execute_values(
                cr._obj,
                """UPDATE res_partner p
                      SET as_phone_normalized = v.phone,
                          as_mobile_normalized = v.mobile
                     FROM (VALUES %s) AS v(id, phone, mobile)
                    WHERE p.id = v.id""",
                rows,
                template="(%s, %s::varchar, %s::varchar)",
                page_size=5000,
            )
        return super()._auto_init()

    @api.depends("phone", "mobile")
    def _compute_as_phone_normalized(self):
        for partner in self:
            partner.as_phone_normalized = normalize_phone(partner.phone)
            partner.as_mobile_normalized = normalize_phone(partner.mobile)

    @api.depends_context("uid")
    def _compute_as_authorization_count(self):
        Authorization = self.env["after_sales.authorization"]
        if not Authorization.has_access("read"):
            self.as_authorization_count = 0
            return
        commercial = self.commercial_partner_id
        counts = dict(
            Authorization._read_group(
                [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.as_authorization_count = counts.get(
                partner.commercial_partner_id, 0
            )

    @api.model
    def _ka_system_fields(self):
        # key_account refuses them in a user's create and write: the yearly
        # contract value (set with the figures) and the normalised numbers
        # (computed from phone and mobile)
        return super()._ka_system_fields() | {
            "as_contract_value",
            "as_phone_normalized",
            "as_mobile_normalized",
        }

    def action_as_view_authorizations(self):
        if not has_role(self.env, STAFF, SALESPERSON):
            raise AccessError(
                self.env._(
                    "Only after-sales staff and salespeople can open "
                    "authorization keys."
                )
            )
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales.after_sales_authorization_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    @api.model
    def _as_find_by_phone(self, number):
        """Partners (companies or contacts) whose phone or mobile is
        ``number``, however it is written; two index look-ups."""
        key = normalize_phone(number)
        if not key:
            return self.browse()
        return self.search(
            [
                "|",
                ("as_phone_normalized", "=", key),
                ("as_mobile_normalized", "=", key),
            ]
        )

    @api.model
    def _as_refresh_contract_value(self, today):
        """Set every customer's yearly contract value with one UPDATE.

        The value of a customer is 12 times the monthly recurring amount
        (contract's ``monthly_recurring``, untaxed) of the lines of its
        running sales contracts: contract active, line not cancelled, started
        on ``today`` or before and not ended. Only changed rows are written.
        """
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            WITH val AS (
                SELECT p.commercial_partner_id AS pid,
                       ROUND(12 * SUM(l.monthly_recurring)::numeric, 2) AS value
                  FROM contract_line l
                  JOIN contract_contract c ON c.id = l.contract_id
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.active
                   AND c.contract_type = 'sale'
                   AND l.display_type IS NULL
                   AND NOT COALESCE(l.is_canceled, FALSE)
                   AND l.date_start <= %(today)s
                   AND (l.date_end IS NULL OR l.date_end >= %(today)s)
                 GROUP BY p.commercial_partner_id
            ), new AS (
                SELECT p.id, COALESCE(val.value, 0) AS value
                  FROM res_partner p
                  LEFT JOIN val ON val.pid = p.id
                 WHERE p.is_company
                   AND (val.pid IS NOT NULL OR p.as_contract_value <> 0)
            )
            UPDATE res_partner p
               SET as_contract_value = n.value
              FROM new n
             WHERE p.id = n.id
               AND p.as_contract_value IS DISTINCT FROM n.value
            """,
                today=today,
            )
        )
        self.invalidate_model(["as_contract_value"])
        return self.env.cr.rowcount
