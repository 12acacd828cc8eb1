from odoo import api, fields, models

from ..lib.system_fields import check_system_fields

SYSTEM_FIELDS = ("activity_id", "scheduled")


class KeyAccountAccountPlanAction(models.Model):
    """An action of the account plan: what, who, by when; an activity of its
    owner on the customer once the plan is started."""

    _name = "key_account.account.plan.action"
    _inherit = ["key_account.input.mixin"]
    _description = "Account Plan Action"
    _order = "plan_id, date_deadline, id"

    plan_id = fields.Many2one(
        "key_account.account.plan", required=True, ondelete="cascade", index=True
    )
    name = fields.Char(string="Action Item", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        required=True,
        ondelete="restrict",
        domain=[("share", "=", False)],
    )
    date_deadline = fields.Date(string="Deadline", required=True)
    activity_id = fields.Many2one(
        "mail.activity",
        ondelete="set null",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    scheduled = fields.Boolean(readonly=True, copy=False)
    done = fields.Boolean(
        compute="_compute_done",
        help="The activity was done (or removed) after it was scheduled.",
    )

    @api.depends("scheduled", "activity_id")
    def _compute_done(self):
        for action in self:
            action.done = action.scheduled and not action.activity_id

    @api.model_create_multi
    def create(self, vals_list):
        check_system_fields(self, SYSTEM_FIELDS, vals_list, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        check_system_fields(self, SYSTEM_FIELDS, [vals])
        return super().write(vals)

    def _schedule(self):
        """One activity per action not scheduled yet, on the customer, in one
        create."""
        todo = self.filtered(
            lambda a: not a.scheduled and a.plan_id.state != "reviewed"
        )
        if not todo:
            return self.env["mail.activity"]
        model_id = self.env["ir.model"]._get_id("res.partner")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": action.plan_id.partner_id.id,
                        "activity_type_id": activity_type.id,
                        "user_id": action.user_id.id,
                        "date_deadline": action.date_deadline,
                        "summary": action.name,
                        "note": action.plan_id.name,
                    }
                    for action in todo
                ]
            )
        )
        for action, activity in zip(todo.sudo(), activities, strict=True):
            action.write({"activity_id": activity.id, "scheduled": True})
        return activities
