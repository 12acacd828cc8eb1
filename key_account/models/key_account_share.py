from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class KeyAccountShare(models.Model):
    """客户共享: a colleague who works on a customer with its account manager.

    A co-owner sees the customer, its contacts, opportunities, quotations,
    tickets and visits (the record rules of each addon); with read-write
    access they may also edit the customer, its contacts, opportunities and
    quotations. Only the account manager of the customer, the leaders of its
    team and the key-account managers grant and remove shares (record rules,
    checked again here with a clear message). Shares stay with the customer
    when it changes hands (hand-over, pool); a co-owner who becomes its account
    manager loses the share, which is then useless.
    """

    _name = "key_account.share"
    _inherit = ["key_account.input.mixin"]
    _description = "Shared Customer"
    _order = "partner_id, id"
    _rec_name = "user_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("is_company", "=", True), ("parent_id", "=", False)],
    )
    user_id = fields.Many2one(
        "res.users",
        string="Co-owner",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("share", "=", False)],
    )
    role = fields.Selection(
        [
            ("presales", "Pre-sales"),
            ("service", "Service"),
            ("coseller", "Co-seller"),
        ],
        required=True,
        default="coseller",
    )
    access = fields.Selection(
        [("read", "Read"), ("write", "Read and Write")],
        required=True,
        default="read",
    )
    account_manager_id = fields.Many2one(related="partner_id.user_id")
    granted_by_id = fields.Many2one(
        "res.users",
        ondelete="set null",
        readonly=True,
        default=lambda self: self.env.user,
    )
    date = fields.Datetime(
        string="Granted On", default=fields.Datetime.now, readonly=True
    )
    note = fields.Char()

    _sql_constraints = [
        (
            "partner_user_uniq",
            "unique(partner_id, user_id)",
            "This colleague already shares this customer.",
        ),
    ]

    @api.constrains("partner_id", "user_id")
    def _check_partner_user(self):
        for share in self:
            partner = share.partner_id
            if partner.parent_id or not partner.is_company:
                raise ValidationError(
                    self.env._(
                        "Only company customers can be shared, not %(name)s.",
                        name=partner.display_name,
                    )
                )
            if share.user_id.share:
                raise ValidationError(
                    self.env._("Customers are shared with colleagues only.")
                )
            if share.user_id == partner.user_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is the account manager of %(name)s already.",
                        user=share.user_id.name,
                        name=partner.display_name,
                    )
                )

    def _check_can_manage(self, partners):
        """The account manager of every one of ``partners``, or a leader or
        manager (whose team scope the record rules check)."""
        if self.env.su or self.env.user.has_group(
            "key_account.key_account_group_leader"
        ):
            return
        others = partners.sudo().filtered(lambda p: p.user_id != self.env.user)
        if others:
            raise AccessError(
                self.env._(
                    "Only the account manager or a team leader can share %(names)s.",
                    names=", ".join(others.mapped("display_name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        partner_ids = {vals.get("partner_id") for vals in vals_list}
        self._check_can_manage(self.env["res.partner"].browse(partner_ids - {None}))
        for vals in vals_list:
            if not self.env.su:
                vals["granted_by_id"] = self.env.uid
                vals.pop("date", None)
        shares = super().create(vals_list)
        shares._subscribe()
        return shares

    def write(self, vals):
        self._check_can_manage(self.partner_id)
        if "partner_id" in vals:
            self._check_can_manage(self.env["res.partner"].browse(vals["partner_id"]))
        if not self.env.su:
            vals = {k: v for k, v in vals.items() if k not in ("granted_by_id", "date")}
        res = super().write(vals)
        if "user_id" in vals or "partner_id" in vals:
            self._subscribe()
        return res

    def unlink(self):
        self._check_can_manage(self.partner_id)
        return super().unlink()

    def _subscribe(self):
        """The co-owners follow the customer's chatter."""
        for partner, shares in self.grouped("partner_id").items():
            partner.sudo().message_subscribe(partner_ids=shares.user_id.partner_id.ids)

    @api.model
    def _drop_for_holders(self, partners, user_id):
        """``user_id`` became the account manager of ``partners``: their
        shares of these customers are useless now."""
        if not user_id or not partners:
            return 0
        shares = self.sudo().search(
            [("partner_id", "in", partners.ids), ("user_id", "=", user_id)]
        )
        shares.unlink()
        return len(shares)

    @api.model
    def _move_user(self, source, target):
        """Hand-over: the shares of ``source`` go to ``target`` (set-wise); a
        share of a customer ``target`` already shares or manages is dropped."""
        shares = self.sudo().search([("user_id", "=", source.id)])
        if not shares:
            return shares
        taken = set(
            self.sudo()
            .search(
                [
                    ("user_id", "=", target.id),
                    ("partner_id", "in", shares.partner_id.ids),
                ]
            )
            .partner_id.ids
        )
        drop = shares.filtered(
            lambda s: s.partner_id.id in taken or s.partner_id.user_id == target
        )
        keep = shares - drop
        drop.unlink()
        keep.write({"user_id": target.id})
        return keep
