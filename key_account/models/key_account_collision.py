from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# the shortest keys that identify a company (as _ka_duplicate_domain)
MIN_NAME_KEY = 2
MIN_PHONE_DIGITS = 7


class KeyAccountCollision(models.Model):
    """撞单: a customer created, imported or claimed by one salesperson that
    matches (the duplicate rules: credit code, normalised name, phone, e-mail)
    a customer a colleague holds. The team leader decides: the new record goes
    to the holder, is merged into the held customer, the newcomer becomes a
    co-owner, or it was no collision."""

    _name = "key_account.collision"
    _description = "Customer Collision"
    _order = "date desc, id desc"
    _rec_name = "partner_name"

    date = fields.Datetime(
        default=fields.Datetime.now, required=True, readonly=True, index=True
    )
    origin = fields.Selection(
        [("create", "Created"), ("import", "Imported"), ("claim", "Claimed")],
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        ondelete="set null",
        readonly=True,
        index=True,
        help="Who created, imported or claimed the customer.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="New Customer",
        ondelete="set null",
        readonly=True,
        index=True,
    )
    partner_name = fields.Char(string="Customer Name", readonly=True)
    match_id = fields.Many2one(
        "res.partner",
        string="Held Customer",
        ondelete="set null",
        readonly=True,
        index=True,
    )
    match_name = fields.Char(string="Held Customer Name", readonly=True)
    holder_id = fields.Many2one(
        "res.users",
        string="Held By",
        ondelete="set null",
        readonly=True,
        index=True,
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        ondelete="set null",
        readonly=True,
        index=True,
        help="The team of the held customer (else of its account manager).",
    )
    reason = fields.Char(string="Matched On", readonly=True)
    state = fields.Selection(
        [
            ("open", "To Decide"),
            ("assigned", "Given to the Holder"),
            ("merged", "Merged"),
            ("shared", "Shared"),
            ("dismissed", "Not a Collision"),
        ],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    decided_by_id = fields.Many2one("res.users", ondelete="set null", readonly=True)
    decision_date = fields.Datetime(string="Decided On", readonly=True)
    note = fields.Text()

    # ------------------------------------------------------------------
    # detection (set-wise)
    # ------------------------------------------------------------------
    @api.model
    def _reason_labels(self):
        return {
            "uscc": self.env._("credit code"),
            "name": self.env._("name"),
            "phone": self.env._("phone"),
            "email": self.env._("e-mail"),
        }

    @api.model
    def _detect(self, partners, origin):
        """Record the collisions of ``partners`` (just created, imported or
        claimed by the current user) with customers colleagues hold. One query
        for the whole batch, one create; returns the new collisions."""
        uid = self.env.uid
        if not partners or uid == SUPERUSER_ID or self.env.context.get("install_mode"):
            return self.browse()
        if not self.env.user.has_group("key_account.key_account_group_user"):
            return self.browse()
        self.env["res.partner"].flush_model(
            [
                "ka_uscc",
                "ka_name_key",
                "ka_phone_normalized",
                "ka_mobile_normalized",
                "email",
                "user_id",
                "team_id",
                "is_company",
                "parent_id",
                "active",
            ]
        )
        # the keys of the new customers (one query)...
        self.env.cr.execute(
            SQL(
                """
            SELECT id, user_id, ka_uscc, ka_name_key, lower(trim(email)),
                   ka_phone_normalized, ka_mobile_normalized
              FROM res_partner
             WHERE id = ANY(%s) AND is_company AND parent_id IS NULL
            """,
                partners.ids,
            )
        )
        by_key = {"uscc": {}, "name": {}, "phone": {}, "email": {}}
        owners = {}
        for pid, owner, uscc, name, email, phone, mobile in self.env.cr.fetchall():
            owners[pid] = owner
            keys = {
                "uscc": [uscc] if uscc else [],
                "name": [name] if name and len(name) >= MIN_NAME_KEY else [],
                "phone": [
                    key
                    for key in (phone, mobile)
                    if key and len(key.lstrip("+")) >= MIN_PHONE_DIGITS
                ],
                "email": [email] if email and "@" in email else [],
            }
            for kind, values in keys.items():
                for value in values:
                    by_key[kind].setdefault(value, []).append(pid)
        if not any(by_key.values()):
            return self.browse()
        # ...and the colleagues' customers holding one of them (one query: the
        # indexed keys through their indexes, the e-mails in one scan)
        arms = [
            SQL("o.ka_uscc = ANY(%s)", list(by_key["uscc"])),
            SQL("o.ka_name_key = ANY(%s)", list(by_key["name"])),
            SQL("o.ka_phone_normalized = ANY(%s)", list(by_key["phone"])),
            SQL("o.ka_mobile_normalized = ANY(%s)", list(by_key["phone"])),
        ]
        if by_key["email"]:
            arms.append(
                SQL(
                    "o.email IS NOT NULL AND lower(trim(o.email)) = ANY(%s)",
                    list(by_key["email"]),
                )
            )
        self.env.cr.execute(
            SQL(
                """
            SELECT o.id, o.user_id,
                   COALESCE(o.team_id, (
                       SELECT m.crm_team_id FROM crm_team_member m
                        WHERE m.user_id = o.user_id AND m.active
                        ORDER BY m.id LIMIT 1)),
                   o.ka_uscc, o.ka_name_key, lower(trim(o.email)),
                   o.ka_phone_normalized, o.ka_mobile_normalized
              FROM res_partner o
             WHERE o.id IN (%(matches)s)
               AND o.is_company AND o.parent_id IS NULL AND o.active
               AND o.user_id IS NOT NULL AND o.user_id <> %(uid)s
               AND NOT (o.id = ANY(%(ids)s))
             ORDER BY o.id
            """,
                matches=SQL(" UNION ").join(
                    SQL("SELECT o.id FROM res_partner o WHERE %s", arm) for arm in arms
                ),
                uid=uid,
                ids=partners.ids,
            )
        )
        found = {}
        for (
            oid,
            holder,
            team,
            uscc,
            name,
            email,
            phone,
            mobile,
        ) in self.env.cr.fetchall():
            keys = (
                ("uscc", uscc),
                ("name", name),
                ("phone", phone),
                ("phone", mobile),
                ("email", email),
            )
            for kind, value in keys:
                for pid in by_key[kind].get(value, ()) if value else ():
                    if owners[pid] == holder:
                        continue
                    entry = found.setdefault((pid, oid), [holder, team, set()])
                    entry[2].add(kind)
        rows = [
            (pid, oid, holder, team, sorted(whys))
            for (pid, oid), (holder, team, whys) in sorted(found.items())
        ]
        if not rows:
            return self.browse()
        labels = self._reason_labels()
        names = dict(
            self.env["res.partner"]
            .sudo()
            .browse({r[0] for r in rows} | {r[1] for r in rows})
            .mapped(lambda p: (p.id, p.name))
        )
        return (
            self.sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(
                [
                    {
                        "origin": origin,
                        "user_id": uid,
                        "partner_id": new_id,
                        "partner_name": names.get(new_id),
                        "match_id": match_id,
                        "match_name": names.get(match_id),
                        "holder_id": holder_id,
                        "team_id": team_id,
                        "reason": ", ".join(labels[why] for why in whys),
                    }
                    for new_id, match_id, holder_id, team_id, whys in rows
                ]
            )
        )

    # ------------------------------------------------------------------
    # decisions of the team leader
    # ------------------------------------------------------------------
    def _check_decider(self):
        if not self.env.user.has_group("key_account.key_account_group_leader"):
            raise AccessError(
                self.env._("Only team leaders and managers decide on collisions.")
            )
        self.check_access("write")
        decided = self.filtered(lambda c: c.state != "open")
        if decided:
            raise UserError(
                self.env._(
                    "These collisions are decided already: %(names)s",
                    names=", ".join(decided.mapped("partner_name")),
                )
            )

    def _decide(self, state):
        self.sudo().write(
            {
                "state": state,
                "decided_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )

    def _check_partners(self, both=True):
        missing = self.filtered(lambda c: not c.match_id or (both and not c.partner_id))
        if missing:
            raise UserError(
                self.env._(
                    "The customers of these collisions no longer exist: %(names)s",
                    names=", ".join(missing.mapped("partner_name")),
                )
            )

    def action_assign_holder(self):
        """The new customer goes to the colleague who holds the match."""
        self._check_decider()
        self._check_partners()
        pool = self.env["key_account.pool"]
        for holder, collisions in self.grouped("holder_id").items():
            if not holder:
                raise UserError(self.env._("The held customer has no account manager."))
            pool._assign(
                collisions.partner_id, holder, reason=self.env._("Collision decided")
            )
        self._decide("assigned")
        return True

    def action_merge(self):
        """The new customer is merged into the held one (its orders, contacts,
        activities move); the holder keeps the customer."""
        self._check_decider()
        self._check_partners()
        (self.partner_id | self.match_id).check_access("write")
        # sudo: deleting the merged contact needs the contact-creation right a
        # team leader may lack; the leader's role and access are checked above
        merge = self.env["base.partner.merge.automatic.wizard"].sudo()
        for collision in self:
            src, dst = collision.partner_id, collision.match_id
            merge._merge((dst | src).ids, dst, extra_checks=False)
        self._decide("merged")
        return True

    def action_share(self):
        """The holder keeps the customer; the newcomer becomes a co-seller
        with read access."""
        self._check_decider()
        self._check_partners(both=False)
        Share = self.env["key_account.share"].sudo()
        existing = {
            (s.partner_id.id, s.user_id.id)
            for s in Share.search([("partner_id", "in", self.match_id.ids)])
        }
        vals = []
        for collision in self:
            key = (collision.match_id.id, collision.user_id.id)
            if (
                collision.user_id
                and key not in existing
                and collision.match_id.user_id != collision.user_id
            ):
                existing.add(key)
                vals.append(
                    {
                        "partner_id": key[0],
                        "user_id": key[1],
                        "role": "coseller",
                        "access": "read",
                    }
                )
        Share.create(vals)
        self._decide("shared")
        return True

    def action_dismiss(self):
        """Not the same company: nothing moves."""
        self._check_decider()
        self._decide("dismissed")
        return True
