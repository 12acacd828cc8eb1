from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib.access import check_key_reader


class SaleOrder(models.Model):
    _inherit = "sale.order"

    as_authorization_count = fields.Integer(
        string="Authorization Count", compute="_compute_as_authorization_count"
    )

    @api.depends_context("uid")
    def _compute_as_authorization_count(self):
        Authorization = self.env["after_sales.authorization"]
        if not Authorization.has_access("read") or not self.ids:
            self.as_authorization_count = 0
            return
        counts = dict(
            Authorization._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.as_authorization_count = counts.get(order, 0)

    def action_confirm(self):
        # Whoever may change the orders may confirm them (sale's own rule),
        # checked before the rows are locked.
        self.check_access("write")
        # Two users confirming the same order at once: the second is told so,
        # instead of meeting a database error half-way (followers, keys).
        self._as_lock_for_confirmation()
        return super().action_confirm()

    def _as_lock_for_confirmation(self):
        if not self.ids:
            return
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM sale_order WHERE id = ANY(%s) "
                        "ORDER BY id FOR UPDATE NOWAIT",
                        self.ids,
                    ),
                    log_exceptions=False,
                )
        except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure) as error:
            raise UserError(
                self.env._(
                    "Another user is confirming %(orders)s at this moment. Refresh "
                    "the page: the order may already be confirmed.",
                    orders=", ".join(self.mapped("name")),
                )
            ) from error

    def _action_confirm(self):
        result = super()._action_confirm()
        self.env["after_sales.authorization"]._issue_for_sale_lines(self.order_line)
        return result

    def action_as_view_authorizations(self):
        check_key_reader(self)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales.after_sales_authorization_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
