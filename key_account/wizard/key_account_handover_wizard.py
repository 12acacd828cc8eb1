from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class KeyAccountHandoverWizard(models.TransientModel):
    _name = "key_account.handover.wizard"
    _description = "Hand Over a Salesperson's Customers"

    from_user_id = fields.Many2one(
        "res.users",
        string="Leaving Salesperson",
        required=True,
        ondelete="cascade",
        domain=[("share", "=", False)],
    )
    to_user_id = fields.Many2one(
        "res.users",
        string="Taken Over By",
        required=True,
        ondelete="cascade",
        domain=[("share", "=", False)],
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        compute="_compute_partner_ids",
        store=True,
        readonly=False,
        domain=[("is_company", "=", True)],
        help="All customers of the leaving salesperson unless you remove some.",
    )
    move_leads = fields.Boolean(string="Open Opportunities", default=True)
    move_orders = fields.Boolean(string="Open Quotations", default=True)
    move_activities = fields.Boolean(string="Planned Activities", default=True)
    move_shares = fields.Boolean(
        string="Shared Customers",
        default=True,
        help="The customers shared with the leaving salesperson are shared with "
        "the successor (the shares of the moved customers stay with them).",
    )
    note = fields.Text()

    @api.depends("from_user_id")
    def _compute_partner_ids(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            wizard.partner_ids = (
                Partner.search(
                    [
                        ("user_id", "=", wizard.from_user_id.id),
                        ("is_company", "=", True),
                    ]
                )
                if wizard.from_user_id
                else False
            )

    def action_handover(self):
        self.ensure_one()
        if not self.env.user.has_group("key_account.key_account_group_leader"):
            raise AccessError(
                self.env._("Only team leaders and managers can hand over customers.")
            )
        if self.from_user_id == self.to_user_id:
            raise UserError(self.env._("Choose two different salespeople."))
        if not self.partner_ids:
            raise UserError(self.env._("There are no customers to hand over."))
        source, target = self.from_user_id, self.to_user_id
        partners = self.partner_ids
        partners.check_access("write")
        # the contacts of the customers follow their company
        everyone = partners | partners.child_ids.filtered(lambda c: c.user_id == source)
        moved = {"res.partner": everyone}
        everyone.write({"user_id": target.id, "team_id": target.sale_team_id.id})
        # the leader may manage these customers (checked above), but the
        # salesperson's leads and quotations are outside the leader's own rules
        leads = self.env["crm.lead"].sudo()
        if self.move_leads:
            leads = leads.search(
                [
                    ("user_id", "=", source.id),
                    ("partner_id", "child_of", partners.ids),
                    ("stage_id.is_won", "=", False),
                ]
            )
            leads.write({"user_id": target.id})
            moved["crm.lead"] = leads
        orders = self.env["sale.order"].sudo()
        if self.move_orders:
            orders = orders.search(
                [
                    ("user_id", "=", source.id),
                    ("partner_id", "child_of", partners.ids),
                    ("state", "in", ("draft", "sent")),
                ]
            )
            orders.write({"user_id": target.id})
            moved["sale.order"] = orders
        activities = self.env["mail.activity"]
        if self.move_activities:
            domain = [("user_id", "=", source.id)]
            per_model = [
                ["&", ("res_model", "=", model), ("res_id", "in", records.ids)]
                for model, records in moved.items()
                if records
            ]
            if per_model:
                domain += ["|"] * (len(per_model) - 1) + [
                    leaf for part in per_model for leaf in part
                ]
                activities = activities.sudo().search(domain)
                activities.write({"user_id": target.id})
        shares = self.env["key_account.share"]
        if self.move_shares:
            shares = shares._move_user(source, target)
        more = self._ka_handover_more(source, target, partners)
        handover = self.env["key_account.handover"].create(
            {
                **more,
                "from_user_id": source.id,
                "to_user_id": target.id,
                "partner_ids": [(6, 0, partners.ids)],
                "partner_count": len(partners),
                "lead_count": len(leads),
                "order_count": len(orders),
                "activity_count": len(activities),
                "share_count": len(shares),
                "note": self.note,
            }
        )
        self.env["key_account.pool"]._log(
            [(p.id, target.id, "assign", self.env._("Hand-over")) for p in partners]
            + [(p.id, source.id, "release", self.env._("Hand-over")) for p in partners]
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "key_account.handover",
            "res_id": handover.id,
            "view_mode": "form",
        }

    def _ka_handover_more(self, source, target, partners):
        """What else moves with the customers, as values of the hand-over
        record (counts). Addons extend it with super(): sales_followup moves
        the planned visits. Here: the open warnings of the customers."""
        warnings = (
            self.env["key_account.warning"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("state", "=", "open"),
                    ("user_id", "=", source.id),
                ]
            )
        )
        warnings.write({"user_id": target.id})
        return {"warning_count": len(warnings)}
