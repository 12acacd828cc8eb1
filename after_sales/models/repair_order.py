from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.key_account.lib.input_check import check_input

from ..lib.access import check_system_fields, has_role, without_system_defaults

# Length of a technician appointment, in hours.
APPOINTMENT_HOURS = 2


class RepairOrder(models.Model):
    _inherit = "repair.order"

    as_ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Feedback Ticket",
        ondelete="set null",
        index=True,
        copy=False,
        check_company=True,
    )
    as_technician_id = fields.Many2one(
        "res.users",
        string="Technician",
        ondelete="set null",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
    )
    as_appointment_date = fields.Datetime(
        string="Appointment", tracking=True, copy=False
    )
    as_event_id = fields.Many2one(
        "calendar.event",
        string="Appointment Event",
        ondelete="set null",
        readonly=True,
        copy=False,
    )

    def _as_system_fields(self):
        """The appointment's calendar event, kept in step with the technician
        and the time; refused in a user's create and write."""
        return {"as_event_id"}

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        check_system_fields(self, vals_list, creating=True)
        repairs = (
            super(RepairOrder, without_system_defaults(self))
            .create(vals_list)
            .with_env(self.env)
        )
        repairs._as_sync_appointment()
        return repairs

    def write(self, vals):
        check_input(self, [vals])
        check_system_fields(self, [vals])
        res = super().write(vals)
        if {"as_technician_id", "as_appointment_date", "partner_id"} & set(vals):
            self._as_sync_appointment()
        return res

    def action_as_view_appointment(self):
        if not has_role(self.env, "stock.group_stock_user"):
            raise AccessError(
                self.env._("Only inventory users can open repair appointments.")
            )
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": self.as_event_id.id,
            "view_mode": "form",
        }

    def _as_event_vals(self):
        self.ensure_one()
        start = self.as_appointment_date
        return {
            "name": self.env._(
                "Repair %(repair)s: %(customer)s",
                repair=self.name,
                customer=self.partner_id.display_name or "",
            ),
            "start": start,
            "stop": start + timedelta(hours=APPOINTMENT_HOURS),
            "user_id": self.as_technician_id.id,
            "partner_ids": [
                fields.Command.set(
                    (self.as_technician_id.partner_id | self.partner_id).ids
                )
            ],
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
        }

    def _as_sync_appointment(self):
        """One calendar event per repair with a technician and a time: created
        the first time, moved afterwards."""
        Event = self.env["calendar.event"].sudo()
        for repair in self:
            if not (repair.as_technician_id and repair.as_appointment_date):
                continue
            vals = repair._as_event_vals()
            if repair.as_event_id:
                repair.as_event_id.sudo().write(vals)
            else:
                event = Event.with_context(no_mail_to_attendees=True).create(vals)
                repair.sudo().write({"as_event_id": event.id})
