import logging
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

_logger = logging.getLogger(__name__)


# the pool counts its limits in working days unless this parameter is true
PARAM_POOL_CALENDAR_DAYS = "key_account.pool_calendar_days"


class KeyAccountPool(models.AbstractModel):
    """The public customer pool (公海): claim, release, assign, recycle.

    Every operation works on a set of customers with a fixed number of
    queries. Claims lock the customer rows (``FOR UPDATE NOWAIT``): of two
    salespeople claiming the same customer at the same moment exactly one
    gets it, the other is told that someone was faster.
    """

    _name = "key_account.pool"
    _description = "Public Customer Pool"

    # ------------------------------------------------------------------
    # claim / assign / release
    # ------------------------------------------------------------------
    @api.model
    def _lock_customers(self, partners, in_pool):
        """Lock the rows of ``partners``; with ``in_pool`` they must be unowned.

        Returns the ids that are locked and qualify. Raises a clear error when
        another transaction holds or changed one of the rows.
        """
        self.env.flush_all()
        condition = SQL("AND user_id IS NULL") if in_pool else SQL()
        try:
            # the failing query is expected when another user holds the row: not
            # logged (mute_logger is not thread-safe: concurrent claims in the
            # threaded server would unmute, or mute for good, odoo.sql_db)
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM res_partner WHERE id = ANY(%s) %s "
                        "FOR UPDATE NOWAIT",
                        partners.ids,
                        condition,
                    ),
                    log_exceptions=False,
                )
                return {row[0] for row in self.env.cr.fetchall()}
        except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure) as error:
            raise UserError(
                self.env._(
                    "Another user is changing %(customers)s at this moment; it may "
                    "have been claimed already. Refresh the page and try again.",
                    customers=", ".join(partners.mapped("display_name")),
                )
            ) from error

    @api.model
    def _check_role(self):
        if not self.env.user.has_group("key_account.key_account_group_user"):
            raise AccessError(
                self.env._("Only salespeople can claim or release customers.")
            )

    @api.model
    def _check_customers(self, partners):
        not_companies = partners.filtered(lambda p: not p.is_company)
        if not_companies:
            raise UserError(
                self.env._(
                    "Only companies can be claimed, released or assigned: %(names)s",
                    names=", ".join(not_companies.mapped("display_name")),
                )
            )
        own_ids = set(self.env["res.partner"]._ka_own_company_partner_ids())
        own = partners.filtered(lambda p: p.id in own_ids)
        if own:
            raise UserError(
                self.env._(
                    "%(names)s is one of our own companies, not a customer.",
                    names=", ".join(own.mapped("display_name")),
                )
            )

    @api.model
    def _claim(self, partners, user=None):
        """``user`` (the current user by default) takes ``partners`` from the pool."""
        self._check_role()
        user = user or self.env.user
        partners = partners.exists()
        # sudo: a customer claimed a moment ago is out of the salesperson's sight
        # now, but the salesperson must learn why the claim fails (not get an
        # access error from reading it)
        self._check_customers(partners.sudo())
        owned = partners.sudo().filtered("user_id")
        if owned:
            raise UserError(
                self.env._(
                    "%(names)s already has an account manager and is not in the "
                    "public pool.",
                    names=", ".join(owned.mapped("display_name")),
                )
            )
        # the salesperson must be allowed to see them (record rules)
        partners.check_access("read")
        team = user.sale_team_id
        config = self.env["crm.team"]._ka_pool_config(team)
        self._check_reclaim(partners, user, config["ka_pool_reclaim_days"])
        self._check_limit(partners, user, config["ka_pool_max_customers"])
        locked = self._lock_customers(partners, in_pool=True)
        lost = partners.filtered(lambda p: p.id not in locked)
        if lost:
            raise UserError(
                self.env._(
                    "%(names)s was claimed by someone else a moment ago.",
                    names=", ".join(lost.mapped("display_name")),
                )
            )
        self._give(partners, user, team, "claim")
        self.env["key_account.collision"]._detect(partners, "claim")
        return True

    @api.model
    def _assign(self, partners, user, reason=False):
        """A leader or manager gives ``partners`` to ``user`` (pool or not)."""
        if not self.env.user.has_group("key_account.key_account_group_leader"):
            raise AccessError(
                self.env._("Only team leaders and managers can assign customers.")
            )
        partners = partners.exists()
        self._check_customers(partners)
        partners.check_access("write")
        self._lock_customers(partners, in_pool=False)
        previous = {p.id: p.user_id for p in partners}
        self._give(partners, user, user.sale_team_id, "assign", reason)
        # the previous holders lose the customer: that is a release for them
        self._log(
            [
                (pid, old.id, "release", reason)
                for pid, old in previous.items()
                if old and old != user
            ]
        )
        return True

    @api.model
    def _release(self, partners, reason):
        """Put ``partners`` back into the pool, with a reason."""
        self._check_role()
        if not (reason or "").strip():
            raise UserError(self.env._("Give a reason for releasing the customers."))
        partners = partners.exists()
        self._check_customers(partners)
        partners.check_access("write")
        user = self.env.user
        is_leader = user.has_group("key_account.key_account_group_leader")
        not_own = partners.filtered(lambda p: p.user_id != user)
        if not_own and not is_leader:
            raise AccessError(
                self.env._(
                    "You can only release your own customers: %(names)s",
                    names=", ".join(not_own.mapped("display_name")),
                )
            )
        self._lock_customers(partners, in_pool=False)
        holders = {p.id: p.user_id.id for p in partners}
        partners.sudo().write(
            {"user_id": False, "ka_claim_date": False, "ka_pool_notice_date": False}
        )
        self._log([(pid, uid, "release", reason) for pid, uid in holders.items()])
        return True

    @api.model
    def _check_reclaim(self, partners, user, days):
        if not days:
            return
        since = fields.Datetime.now() - timedelta(days=days)
        released = (
            self.env["key_account.pool.log"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("user_id", "=", user.id),
                    ("action", "in", ("release", "recycle")),
                    ("date", ">=", since),
                ],
                ["partner_id"],
            )
        )
        if released:
            raise UserError(
                self.env._(
                    "You released %(names)s less than %(days)s days ago and cannot "
                    "claim it again yet.",
                    names=", ".join(p.display_name for (p,) in released),
                    days=days,
                )
            )

    @api.model
    def _check_limit(self, partners, user, limit):
        if not limit:
            return
        held = (
            self.env["res.partner"]
            .sudo()
            .search_count(
                [("user_id", "=", user.id), ("is_company", "=", True)],
            )
        )
        if held + len(partners) > limit:
            raise UserError(
                self.env._(
                    "%(user)s already holds %(held)s customers; the limit of the "
                    "team is %(limit)s.",
                    user=user.name,
                    held=held,
                    limit=limit,
                )
            )

    @api.model
    def _give(self, partners, user, team, action, reason=False):
        vals = {
            "user_id": user.id,
            "ka_claim_date": fields.Datetime.now(),
            "ka_pool_notice_date": False,
        }
        if team:
            vals["team_id"] = team.id
        partners.sudo().write(vals)
        self._log([(p.id, user.id, action, reason) for p in partners])

    @api.model
    def _log(self, rows):
        if not rows:
            return self.env["key_account.pool.log"]
        teams = dict(
            self.env["res.partner"]
            .sudo()
            .browse([r[0] for r in rows])
            .mapped(lambda p: (p.id, p.team_id.id))
        )
        return (
            self.env["key_account.pool.log"]
            .sudo()
            .create(
                [
                    {
                        "partner_id": pid,
                        "user_id": uid,
                        "action": action,
                        "reason": reason or False,
                        "team_id": teams.get(pid),
                        "done_by_id": self.env.uid,
                    }
                    for pid, uid, action, reason in rows
                ]
            )
        )

    # ------------------------------------------------------------------
    # recycling (nightly)
    # ------------------------------------------------------------------
    @api.model
    def _refresh_last_followup(self, company, today):
        """Last follow-up of each customer of ``company`` up to ``today``, as
        the shared measure defines it (a done activity, a done visit…), on
        the customers' figures: the pool and the follow-up policy read it
        there. Returns the rows changed."""
        self.env.flush_all()
        measure = self.env["key_account.measure"]
        # every customer of the company, with or without follow-ups: a
        # customer whose follow-ups are gone (a visit moved to another
        # customer, a contact moved away), or came after ``today`` (a night
        # run again for an earlier day), loses its date.
        # PostgreSQL cannot estimate the customers of the events' union (it
        # guesses 200) and probes the figures' index once per customer: a
        # hash join reads them once (make bench, 100,000 customers: the
        # statement 1.54 s -> 0.94 s on the first night)
        self.env.cr.execute("SET LOCAL enable_nestloop = off")
        self.env.cr.execute(
            SQL(
                """
            UPDATE key_account_partner_figures fg
               SET ka_last_followup_date = x.last_date
              FROM (SELECT c.id AS pid, f.last_date
                      FROM res_partner c
                      LEFT JOIN (SELECT e.partner_id AS pid, MAX(e.date) AS last_date
                                   FROM %(events)s e GROUP BY e.partner_id) f
                             ON f.pid = c.id
                     WHERE %(customer)s) x
             WHERE fg.partner_id = x.pid
               AND fg.ka_last_followup_date IS DISTINCT FROM x.last_date
            """,
                events=measure._followup_events_sql(company, None, today),
                customer=measure._customer_sql(company, "c"),
            )
        )
        changed = self.env.cr.rowcount
        self.env.cr.execute("SET LOCAL enable_nestloop = on")
        self.env["key_account.refresh"]._invalidate_figures(changed)
        return changed

    @api.model
    def _run_recycle(self, company, today, refresh=True):
        """Send notices, then put back in the pool the customers of ``company``
        that are due on its business day ``today``.

        A customer is due when it had no follow-up for the team's N days, or no
        confirmed order for M days, counted from the claim at the earliest.
        Idempotent: a notice is sent once per holding, a customer recycled once.
        ``refresh``: first bring the last follow-ups up to date (the
        pipeline does it in its own step before). Returns (notices sent,
        customers recycled).
        """
        if refresh:
            self._refresh_last_followup(company, today)
        defaults = self.env["crm.team"]._ka_pool_config(False)
        tz = company._ka_tz().zone
        working = company._ka_working_days_param(PARAM_POOL_CALENDAR_DAYS)
        days, counts = self._day_counts(company, today, defaults, working)
        self.env.cr.execute(
            SQL(
                """
            WITH held AS (
                -- the grade's limits first (0: the team's), then the team's,
                -- then the defaults
                SELECT p.id, p.user_id, p.ka_pool_notice_date AS noticed,
                       COALESCE(t.ka_pool_notice_days, %(nd)s) AS notice_days,
                       COALESCE(NULLIF(g.ka_pool_recycle_followup_days, 0),
                                t.ka_pool_recycle_followup_days, %(fd)s) AS fdays,
                       COALESCE(NULLIF(g.ka_pool_recycle_deal_days, 0),
                                t.ka_pool_recycle_deal_days, %(dd)s) AS ddays,
                       GREATEST(%(claimed)s, fg.ka_last_followup_date) AS fbase,
                       GREATEST(%(claimed)s, fg.ka_last_order_date) AS dbase
                  FROM res_partner p
                  LEFT JOIN key_account_partner_figures fg ON fg.id = p.ka_figures_id
                  LEFT JOIN crm_team t ON t.id = p.team_id
                  LEFT JOIN key_account_grade g ON g.id = p.ka_grade_id
                 WHERE %(customer)s AND p.user_id IS NOT NULL
            ), counted AS (
                -- the days (working days, unless the pool counts calendar
                -- days) left before each limit: the limit minus the days
                -- counted since its base day, which is clamped into the range
                SELECT h.id, h.user_id, h.noticed, h.notice_days, h.fdays, h.ddays,
                       CASE WHEN h.fdays > 0 THEN h.fdays - (%(count_today)s
                            - COALESCE(cf.n, 0)) END AS fleft,
                       CASE WHEN h.ddays > 0 THEN h.ddays - (%(count_today)s
                            - COALESCE(cd.n, 0)) END AS dleft
                  FROM held h
                  LEFT JOIN unnest(%(days)s::date[], %(counts)s::int[]) AS cf(day, n)
                       ON cf.day = LEAST(GREATEST(h.fbase, %(first)s), %(today)s)
                  LEFT JOIN unnest(%(days)s::date[], %(counts)s::int[]) AS cd(day, n)
                       ON cd.day = LEAST(GREATEST(h.dbase, %(first)s), %(today)s)
            ), due AS (
                SELECT c.*, LEAST(c.fleft, c.dleft) AS remaining FROM counted c
            )
            SELECT id, user_id, remaining, remaining <= 0 AS recycle,
                   COALESCE(fleft <= 0, FALSE), fdays,
                   COALESCE(dleft <= 0, FALSE), ddays
              FROM due
             WHERE remaining IS NOT NULL
               AND remaining <= notice_days
               AND (remaining <= 0 OR noticed IS NULL)
            """,
                nd=defaults["ka_pool_notice_days"],
                fd=defaults["ka_pool_recycle_followup_days"],
                dd=defaults["ka_pool_recycle_deal_days"],
                claimed=SQL(
                    "(COALESCE(p.ka_claim_date, p.create_date) AT TIME ZONE 'UTC' "
                    "AT TIME ZONE %s)::date",
                    tz,
                ),
                customer=self.env["key_account.measure"]._customer_sql(company, "p"),
                today=today,
                first=days[0],
                days=days,
                counts=counts,
                count_today=counts[-1],
            )
        )
        rows = self.env.cr.fetchall()
        notices = [
            (pid, uid, company._ka_shift_days(today, remaining, working))
            for pid, uid, remaining, recycle, *_limits in rows
            if not recycle
        ]
        due = {
            pid: (uid, self._ka_recycle_reason(company, *limits))
            for pid, uid, _remaining, recycle, *limits in rows
            if recycle
        }
        self._send_notices(notices, today)
        protected = (
            self._ka_pool_protected_ids(company, list(due), today) if due else {}
        )
        self._ka_rescue(
            company, today, {pid: due[pid][0] for pid in protected}, protected
        )
        recycled = [(pid, due[pid]) for pid in due if pid not in protected]
        if recycled:
            ids = [pid for pid, _info in recycled]
            self.env.cr.execute(
                "UPDATE res_partner SET user_id = NULL, ka_claim_date = NULL, "
                "ka_pool_notice_date = NULL WHERE id = ANY(%s)",
                (ids,),
            )
            self.env["res.partner"].invalidate_model(
                ["user_id", "ka_claim_date", "ka_pool_notice_date"]
            )
            self._log(
                [(pid, uid, "recycle", reason) for pid, (uid, reason) in recycled]
            )
        _logger.info(
            "key_account pool: %s notices, %s customers recycled, %s protected",
            len(notices),
            len(recycled),
            len(protected),
        )
        return len(notices), len(recycled)

    def _ka_lang_env(self, company):
        """This model in the company's language, for the texts the nightly
        run writes (logs, activities)."""
        return self.with_context(lang=company.partner_id.lang or self.env.lang)

    @api.model
    def _ka_recycle_reason(self, company, followup_due, fdays, deal_due, ddays):
        """Why a customer goes back to the pool, in the company's language."""
        env = self._ka_lang_env(company).env
        reasons = []
        if followup_due:
            reasons.append(env._("no follow-up for %(days)s days", days=fdays))
        if deal_due:
            reasons.append(env._("no confirmed order for %(days)s days", days=ddays))
        return env._("Recycled: %(reasons)s", reasons="; ".join(reasons))

    @api.model
    def _ka_pool_protected_ids(self, company, candidate_ids, today):
        """The customers of ``candidate_ids`` (due to go back to the pool of
        ``company`` on ``today``) that must not be recycled silently:
        {partner id: reason}. Here open receivables and a high lifetime value
        with a high probability alive (thresholds in Settings); addons add
        their reasons with ``super()`` (after_sales: running contracts and
        authorizations, open tickets). Set-wise: one query per addon."""
        if not candidate_ids:
            return {}
        params = self.env["ir.config_parameter"].sudo()
        clv_min = float(params.get_param("key_account.pool_protect_clv", 500000) or 0)
        alive_min = float(
            params.get_param("key_account.pool_protect_p_alive", 0.8) or 0
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT f.partner_id, f.ka_receivable, f.ka_clv, f.ka_p_alive,
                   f.ka_receivable > 0,
                   %(clv)s > 0 AND f.ka_clv >= %(clv)s AND f.ka_p_alive >= %(alive)s
              FROM key_account_partner_figures f
             WHERE f.partner_id = ANY(%(ids)s)
               AND (f.ka_receivable > 0
                    OR (%(clv)s > 0 AND f.ka_clv >= %(clv)s
                        AND f.ka_p_alive >= %(alive)s))
            """,
                ids=list(candidate_ids),
                clv=clv_min,
                alive=alive_min,
            )
        )
        env = self._ka_lang_env(company).env
        currency = company.currency_id
        protected = {}
        for (
            pid,
            receivable,
            value,
            alive,
            has_receivable,
            valuable,
        ) in self.env.cr.fetchall():
            reasons = []
            if has_receivable:
                reasons.append(
                    env._(
                        "open receivables of %(amount)s",
                        amount=formatLang(env, receivable, currency_obj=currency),
                    )
                )
            if valuable:
                reasons.append(
                    env._(
                        "lifetime value %(clv)s with a probability alive of "
                        "%(alive)s %%",
                        clv=formatLang(env, value, currency_obj=currency),
                        alive=round(100 * (alive or 0)),
                    )
                )
            protected[pid] = "; ".join(reasons)
        return protected

    @api.model
    def _ka_rescue(self, company, today, holders, protected):
        """Protected customers stay with their account manager: once per
        holding, the account manager and the team leader get a rescue
        activity with the reason, and the pool log says why the customer was
        kept. holders: {partner id: account manager id}."""
        if not protected:
            return 0
        self.env.cr.execute(
            """
            SELECT p.id, t.user_id
              FROM res_partner p
              LEFT JOIN crm_team t ON t.id = p.team_id
             WHERE p.id = ANY(%s)
               AND NOT EXISTS (
                   SELECT 1 FROM key_account_pool_log l
                    WHERE l.partner_id = p.id AND l.action = 'kept'
                      AND l.date >= COALESCE(p.ka_claim_date, p.create_date))
            """,
            (list(protected),),
        )
        todo = self.env.cr.fetchall()
        if not todo:
            return 0
        env = self._ka_lang_env(company).env
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        activities = []
        logs = []
        for pid, leader in todo:
            reason = env._(
                "Kept (not recycled): %(reason)s", reason=protected[pid] or "-"
            )
            summary = env._("Rescue: %(reason)s", reason=protected[pid] or "-")
            for uid in {holders[pid], leader} - {None, False}:
                activities.append((pid, uid, activity_type.id, today, summary))
            logs.append((pid, holders[pid], "kept", reason))
        self.env["mail.activity"]._ka_create_for_partners(activities)
        self._log(logs)
        return len(todo)

    @api.model
    def _day_counts(self, company, today, defaults, working):
        """The days from far enough back to ``today``, each with the number of
        days counted up to it (working days of the company, or every day):
        what the pool's limits are counted in, for one SQL join. Far enough:
        twice the longest limit of any team, plus two months (a Golden Week
        never stretches a limit that far); older base days are clamped to the
        first day, by then every limit has passed."""
        self.env.cr.execute(
            "SELECT MAX(GREATEST(ka_pool_recycle_followup_days, "
            "ka_pool_recycle_deal_days)) FROM ("
            " SELECT ka_pool_recycle_followup_days, ka_pool_recycle_deal_days"
            " FROM crm_team UNION ALL"
            " SELECT ka_pool_recycle_followup_days, ka_pool_recycle_deal_days"
            " FROM key_account_grade) limits"
        )
        longest = max(
            self.env.cr.fetchone()[0] or 0,
            defaults["ka_pool_recycle_followup_days"],
            defaults["ka_pool_recycle_deal_days"],
        )
        first = today - timedelta(days=2 * longest + 60)
        days, counts, count = [], [], 0
        day = first
        while day <= today:
            if not working or company._ka_is_working_day(day):
                count += 1
            days.append(day)
            counts.append(count)
            day += timedelta(days=1)
        return days, counts

    @api.model
    def _send_notices(self, notices, today):
        if not notices:
            return
        todo = self.env.ref("mail.mail_activity_data_todo")
        summary = self.env._("Follow up or the customer returns to the public pool")
        self.env["mail.activity"]._ka_create_for_partners(
            [(pid, uid, todo.id, due, summary) for pid, uid, due in notices]
        )
        ids = [pid for pid, _uid, _due in notices]
        self.env.cr.execute(
            "UPDATE res_partner SET ka_pool_notice_date = %s WHERE id = ANY(%s)",
            (today, ids),
        )
        self.env["res.partner"].invalidate_model(["ka_pool_notice_date"])
        self._log([(pid, uid, "notice", summary) for pid, uid, _due in notices])
