from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from odoo.addons.key_account.lib.input_check import check_input
from odoo.addons.key_account.lib.system_fields import check_system_fields

RATE_CAP = 150.0  # achievement above 150 % of the target earns no more
MEASURES = ("revenue", "collection", "new_customer", "visit", "followup")
TARGET_FIELDS = tuple(f"target_{m}" for m in MEASURES)
WEIGHT_FIELDS = tuple(f"weight_{m}" for m in MEASURES)
ACTUAL_FIELDS = tuple(f"actual_{m}" for m in MEASURES)
RATE_FIELDS = tuple(f"rate_{m}" for m in MEASURES)
CRON_LOOKBACK_DAYS = 45
# computed by the system (nightly run, Compute button), never by hand
SYSTEM_FIELDS = frozenset(
    {
        *ACTUAL_FIELDS,
        *RATE_FIELDS,
        "plan_collection",
        "rate_collection_plan",
        "score",
        "rank",
        "compute_date",
    }
)


def period_bounds(period_type, start):
    """First and last day of the month/quarter/year containing `start`."""
    if period_type == "year":
        first = start.replace(month=1, day=1)
        return first, first + relativedelta(years=1, days=-1)
    if period_type == "quarter":
        first = start.replace(month=3 * ((start.month - 1) // 3) + 1, day=1)
        return first, first + relativedelta(months=3, days=-1)
    first = start.replace(day=1)
    return first, first + relativedelta(months=1, days=-1)


def achievement(actual, target):
    if not target or target <= 0:
        return 0.0
    return max(0.0, min(actual / target * 100.0, RATE_CAP))


class SalesFollowupKpiTarget(models.Model):
    _name = "sales_followup.kpi.target"
    _description = "Account Manager KPI Target"
    _inherit = ["mail.thread"]
    _order = "date_from desc, team_id, rank, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        ondelete="cascade",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        ondelete="set null",
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        required=True,
        default="month",
        tracking=True,
    )
    period_start = fields.Date(
        string="Period",
        required=True,
        default=lambda self: self.env.company._ka_today(),
        help="Any day of the period: the target covers its whole month, "
        "quarter or year.",
    )
    date_from = fields.Date(compute="_compute_dates", store=True, index=True)
    date_to = fields.Date(compute="_compute_dates", store=True)
    working_days = fields.Integer(
        compute="_compute_working_days",
        help="Working days of the period on the company's calendar: statutory "
        "holidays skipped, make-up working days (调休) counted.",
    )
    working_days_elapsed = fields.Integer(
        compute="_compute_working_days",
        help="Working days of the period up to the company's business day.",
    )
    time_progress = fields.Float(
        string="Time Progress (%)",
        compute="_compute_working_days",
        help="Share of the period's working days elapsed (时间进度), to compare "
        "with the achievement rates.",
    )

    target_revenue = fields.Monetary(
        string="Revenue Target", currency_field="currency_id", tracking=True
    )
    target_collection = fields.Monetary(
        string="Collections Target", currency_field="currency_id", tracking=True
    )
    target_new_customer = fields.Integer(string="New Customers Target", tracking=True)
    target_visit = fields.Integer(string="Visits Target", tracking=True)
    target_followup = fields.Integer(string="Follow-ups Target", tracking=True)

    weight_revenue = fields.Integer(string="Revenue Weight", default=30)
    weight_collection = fields.Integer(string="Collections Weight", default=20)
    weight_new_customer = fields.Integer(string="New Customers Weight", default=20)
    weight_visit = fields.Integer(string="Visits Weight", default=15)
    weight_followup = fields.Integer(string="Follow-ups Weight", default=15)
    weight_collection_plan = fields.Integer(
        string="Collections vs Plan Weight", default=0
    )

    actual_revenue = fields.Monetary(currency_field="currency_id", readonly=True)
    actual_collection = fields.Monetary(
        string="Actual Collections", currency_field="currency_id", readonly=True
    )
    actual_new_customer = fields.Integer(string="Actual New Customers", readonly=True)
    actual_visit = fields.Integer(string="Actual Visits", readonly=True)
    actual_followup = fields.Integer(string="Actual Follow-ups", readonly=True)
    plan_collection = fields.Monetary(
        string="Planned Collections",
        currency_field="currency_id",
        readonly=True,
        help="The receivable plans' instalments (回款计划) of the salesperson "
        "due in the period: what the collections are measured against.",
    )

    rate_revenue = fields.Float(
        string="Revenue Achievement (%)",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
    )
    rate_collection = fields.Float(
        string="Collections Achievement (%)",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
    )
    rate_new_customer = fields.Float(
        string="New Customers Achievement (%)",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
    )
    rate_visit = fields.Float(
        string="Visits Achievement (%)",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
    )
    rate_followup = fields.Float(
        string="Follow-ups Achievement (%)",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
    )
    rate_collection_plan = fields.Float(
        string="Collections vs Plan (%)",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
        help="Actual collections of the period against the instalments due in it.",
    )
    score = fields.Float(compute="_compute_rates", store=True, aggregator="avg")
    rank = fields.Integer(
        readonly=True,
        aggregator=False,
        help="Rank by score within the sales team and period (1 is best).",
    )
    compute_date = fields.Datetime(string="Computed On", readonly=True)

    _sql_constraints = [
        (
            "user_period_uniq",
            "UNIQUE(user_id, period_type, date_from, company_id)",
            "A salesperson has one target per period.",
        ),
        (
            "target_positive",
            (
                "CHECK(target_revenue >= 0 AND target_collection >= 0 "
                "AND target_new_customer >= 0 AND target_visit >= 0 "
                "AND target_followup >= 0)"
            ),
            "Targets cannot be negative.",
        ),
    ]

    @api.depends("user_id.name", "period_type", "date_from")
    def _compute_name(self):
        for target in self:
            target.name = f"{target.user_id.name or ''} {target._period_label()}"

    @api.depends("user_id")
    def _compute_team_id(self):
        for target in self:
            target.team_id = target.user_id.sale_team_id

    @api.depends("date_from", "date_to", "company_id")
    def _compute_working_days(self):
        for target in self:
            company = target.company_id or self.env.company
            if not (target.date_from and target.date_to):
                target.working_days = target.working_days_elapsed = 0
                target.time_progress = 0.0
                continue
            before = target.date_from - timedelta(days=1)
            total = company._ka_working_days_between(before, target.date_to)
            today = min(company._ka_today(), target.date_to)
            elapsed = (
                company._ka_working_days_between(before, today)
                if today >= target.date_from
                else 0
            )
            target.working_days = total
            target.working_days_elapsed = elapsed
            target.time_progress = 100.0 * elapsed / total if total else 0.0

    @api.depends("period_type", "period_start")
    def _compute_dates(self):
        for target in self:
            if target.period_start:
                target.date_from, target.date_to = period_bounds(
                    target.period_type, target.period_start
                )
            else:
                target.date_from = target.date_to = False

    @api.depends(
        *TARGET_FIELDS,
        *ACTUAL_FIELDS,
        *WEIGHT_FIELDS,
        "plan_collection",
        "weight_collection_plan",
    )
    def _compute_rates(self):
        for target in self:
            score = 0.0
            for measure in MEASURES:
                rate = achievement(
                    target[f"actual_{measure}"], target[f"target_{measure}"]
                )
                target[f"rate_{measure}"] = rate
                score += rate * target[f"weight_{measure}"] / 100.0
            target.rate_collection_plan = achievement(
                target.actual_collection, target.plan_collection
            )
            score += target.rate_collection_plan * target.weight_collection_plan / 100.0
            target.score = score

    @api.constrains(*WEIGHT_FIELDS, "weight_collection_plan")
    def _check_weights(self):
        for target in self:
            weights = [target[f] for f in (*WEIGHT_FIELDS, "weight_collection_plan")]
            if any(w < 0 for w in weights) or sum(weights) != 100:
                raise ValidationError(
                    self.env._(
                        "The weights of %(target)s add up to %(total)s: they must "
                        "be positive and add up to 100.",
                        target=target.display_name,
                        total=sum(weights),
                    )
                )

    def _period_label(self):
        self.ensure_one()
        start = self.date_from
        if not start:
            return ""
        if self.period_type == "year":
            return str(start.year)
        if self.period_type == "quarter":
            return f"{start.year} Q{(start.month - 1) // 3 + 1}"
        return f"{start.year}-{start.month:02d}"

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        check_system_fields(self, SYSTEM_FIELDS, vals_list)
        targets = super().create(vals_list)
        targets._update_ranks()
        return targets

    def write(self, vals):
        check_input(self, [vals])
        check_system_fields(self, SYSTEM_FIELDS, [vals])
        res = super().write(vals)
        if {"team_id", "period_type", "period_start", "company_id"}.intersection(
            vals
        ) or set(vals).intersection(
            TARGET_FIELDS + WEIGHT_FIELDS + ("weight_collection_plan",)
        ):
            self._update_ranks()
        return res

    @api.model
    def get_view(self, view_id=None, view_type="form", **options):
        """Leaders and managers edit the targets inline in the list."""
        result = super().get_view(view_id, view_type, **options)
        if view_type == "list" and self.env.user.has_group(
            "key_account.key_account_group_leader"
        ):
            node = etree.fromstring(result["arch"])
            if node.tag == "list" and not node.get("editable"):
                node.set("editable", "bottom")
                result["arch"] = etree.tostring(node, encoding="unicode")
        return result

    def action_compute_actuals(self):
        """Button of the list and form: recompute the selected targets.
        Team leaders and key-account managers, on the targets they may write
        (the figures are then written with SQL, past the access rules)."""
        if not self.env.su and not self.env.user.has_group(
            "key_account.key_account_group_leader"
        ):
            raise AccessError(
                self.env._(
                    "Only team leaders and key-account managers can compute the KPIs."
                )
            )
        self.check_access("write")
        self._compute_actuals()
        return True

    @api.model
    def _run_kpi_actuals(self, company, today):
        """The pipeline's step: the targets of ``company`` whose period is
        current on its business day ``today`` or ended within the last
        weeks. Returns the number of targets whose figures or rank changed."""
        targets = self.search(
            [
                ("company_id", "=", company.id),
                ("date_from", "<=", today),
                ("date_to", ">=", today - timedelta(days=CRON_LOOKBACK_DAYS)),
            ]
        )
        return targets._compute_actuals()

    def _compute_actuals(self):
        """Actual figures, rates and score of all targets in ``self`` with one
        UPDATE (one sub-query per measure over every target at once), then
        the ranks with a second one: the number of queries does not depend on
        the number of targets.

        The measures are key_account's: revenue is ``_revenue_lines_sql``
        by salesperson; visits and follow-ups are the follow-up events of the
        company's customers (``_followup_events_sql``) by user, visits of
        kind ``visit``, follow-ups of any other kind. Days are the business
        days of the target's company.
        Returns the number of targets whose figures or rank changed."""
        if not self:
            return 0
        self.env.flush_all()
        self.fetch(["company_id", "date_from", "date_to"])
        measure = self.env["key_account.measure"]
        companies = self.company_id
        revenue_lines = []
        collection_lines = []
        plan_lines = []
        events = []
        for company in companies:
            mine = self.filtered(lambda t, c=company: t.company_id == c)
            date_from = min(mine.mapped("date_from"))
            date_to = max(mine.mapped("date_to"))
            revenue_lines.append(
                SQL(
                    "SELECT r.user_id, r.date, r.amount, %s AS company_id FROM %s r",
                    company.id,
                    measure._revenue_lines_sql(company, date_from, date_to),
                )
            )
            collection_lines.append(
                SQL(
                    "SELECT c.user_id, c.date, c.amount, c.company_id FROM %s c",
                    measure._collections_sql(company, date_from, date_to),
                )
            )
            plan_lines.append(
                SQL(
                    "SELECT pl.user_id, pl.date, pl.amount, pl.company_id FROM %s pl",
                    measure._planned_collections_sql(company, date_from, date_to),
                )
            )
            events.append(
                SQL(
                    "SELECT e.user_id, e.date, e.kind, %s AS company_id FROM %s e",
                    company.id,
                    measure._followup_events_sql(company, date_from, date_to),
                )
            )
        rate_sql = {
            m: SQL(
                "CASE WHEN k.target_%(m)s > 0 THEN GREATEST(0.0, LEAST(%(cap)s, "
                "a.%(m)s::float / k.target_%(m)s::float * 100.0)) ELSE 0.0 END",
                m=SQL(m),
                cap=RATE_CAP,
            )
            for m in MEASURES
        }
        rate_plan_sql = SQL(
            "CASE WHEN a.plan_collection > 0 THEN GREATEST(0.0, LEAST(%(cap)s, "
            "a.collection::float / a.plan_collection::float * 100.0)) ELSE 0.0 END",
            cap=RATE_CAP,
        )
        score_sql = SQL(" + ").join(
            [
                *(
                    SQL("%s * k.weight_%s / 100.0", rate_sql[m], SQL(m))
                    for m in MEASURES
                ),
                SQL("%s * k.weight_collection_plan / 100.0", rate_plan_sql),
            ]
        )
        changed_sql = SQL(" OR ").join(
            [
                *(
                    SQL("k.actual_%(m)s IS DISTINCT FROM a.%(m)s", m=SQL(m))
                    for m in MEASURES
                ),
                SQL("k.plan_collection IS DISTINCT FROM a.plan_collection"),
            ]
        )
        self.env.cr.execute(
            SQL(
                """
            WITH zone AS (
                SELECT * FROM unnest(%(company_ids)s::int[], %(zones)s::varchar[])
                    AS z(company_id, tz)
            ),
            t AS (
                SELECT k.id, k.user_id, k.company_id, k.date_from, k.date_to,
                       (k.date_from::timestamp AT TIME ZONE z.tz)
                           AT TIME ZONE 'UTC' AS utc_from,
                       ((k.date_to + 1)::timestamp AT TIME ZONE z.tz)
                           AT TIME ZONE 'UTC' AS utc_to
                  FROM sales_followup_kpi_target k
                  JOIN zone z ON z.company_id = k.company_id
                 WHERE k.id = ANY(%(ids)s)
            ),
            revenue_line AS (%(revenue_lines)s),
            collection_line AS (%(collection_lines)s),
            plan_line AS (%(plan_lines)s),
            event AS (%(events)s),
            revenue AS (
                SELECT t.id, SUM(r.amount) AS v
                  FROM t
                  JOIN revenue_line r
                    ON r.user_id = t.user_id
                   AND r.company_id = t.company_id
                   AND r.date BETWEEN t.date_from AND t.date_to
                 GROUP BY t.id
            ),
            collection AS (
                SELECT t.id, SUM(c.amount) AS v
                  FROM t
                  JOIN collection_line c
                    ON c.user_id = t.user_id
                   AND c.company_id = t.company_id
                   AND c.date BETWEEN t.date_from AND t.date_to
                 GROUP BY t.id
            ),
            plan AS (
                SELECT t.id, SUM(pl.amount) AS v
                  FROM t
                  JOIN plan_line pl
                    ON pl.user_id = t.user_id
                   AND pl.company_id = t.company_id
                   AND pl.date BETWEEN t.date_from AND t.date_to
                 GROUP BY t.id
            ),
            first_order AS (
                SELECT DISTINCT ON (p.commercial_partner_id, so.company_id)
                       p.commercial_partner_id AS customer_id, so.company_id,
                       so.user_id, so.date_order
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
                   AND so.company_id IN (SELECT company_id FROM t)
                 ORDER BY p.commercial_partner_id, so.company_id,
                          so.date_order, so.id
            ),
            new_customer AS (
                SELECT t.id, COUNT(*) AS v
                  FROM t
                  JOIN first_order f
                    ON f.user_id = t.user_id
                   AND f.company_id = t.company_id
                   AND f.date_order >= t.utc_from AND f.date_order < t.utc_to
                 GROUP BY t.id
            ),
            activity AS (
                SELECT t.id,
                       COUNT(*) FILTER (WHERE e.kind = 'visit') AS visit,
                       COUNT(*) FILTER (WHERE e.kind <> 'visit') AS followup
                  FROM t
                  JOIN event e
                    ON e.user_id = t.user_id
                   AND e.company_id = t.company_id
                   AND e.date BETWEEN t.date_from AND t.date_to
                 GROUP BY t.id
            ),
            a AS (
                SELECT t.id,
                       COALESCE(r.v, 0) AS revenue,
                       COALESCE(c.v, 0) AS collection,
                       COALESCE(pn.v, 0) AS plan_collection,
                       COALESCE(n.v, 0) AS new_customer,
                       COALESCE(e.visit, 0) AS visit,
                       COALESCE(e.followup, 0) AS followup
                  FROM t
                  LEFT JOIN revenue r ON r.id = t.id
                  LEFT JOIN collection c ON c.id = t.id
                  LEFT JOIN plan pn ON pn.id = t.id
                  LEFT JOIN new_customer n ON n.id = t.id
                  LEFT JOIN activity e ON e.id = t.id
            ),
            changed AS (
                SELECT a.id, (%(changed)s) AS changed
                  FROM a JOIN sales_followup_kpi_target k ON k.id = a.id
            )
            UPDATE sales_followup_kpi_target k
               SET actual_revenue = a.revenue,
                   actual_collection = a.collection,
                   actual_new_customer = a.new_customer,
                   actual_visit = a.visit,
                   actual_followup = a.followup,
                   plan_collection = a.plan_collection,
                   rate_collection_plan = %(rate_collection_plan)s,
                   rate_revenue = %(rate_revenue)s,
                   rate_collection = %(rate_collection)s,
                   rate_new_customer = %(rate_new_customer)s,
                   rate_visit = %(rate_visit)s,
                   rate_followup = %(rate_followup)s,
                   score = %(score)s,
                   compute_date = NOW() AT TIME ZONE 'UTC'
              FROM a JOIN changed ch ON ch.id = a.id
             WHERE a.id = k.id
            RETURNING k.id, ch.changed
            """,
                company_ids=companies.ids,
                zones=[company._ka_tz().zone for company in companies],
                ids=self.ids,
                revenue_lines=SQL(" UNION ALL ").join(revenue_lines),
                collection_lines=SQL(" UNION ALL ").join(collection_lines),
                plan_lines=SQL(" UNION ALL ").join(plan_lines),
                rate_collection_plan=rate_plan_sql,
                events=SQL(" UNION ALL ").join(events),
                changed=changed_sql,
                rate_revenue=rate_sql["revenue"],
                rate_collection=rate_sql["collection"],
                rate_new_customer=rate_sql["new_customer"],
                rate_visit=rate_sql["visit"],
                rate_followup=rate_sql["followup"],
                score=score_sql,
            )
        )
        changed = {tid for tid, is_changed in self.env.cr.fetchall() if is_changed}
        self.invalidate_recordset(
            [
                *ACTUAL_FIELDS,
                *RATE_FIELDS,
                "plan_collection",
                "rate_collection_plan",
                "score",
                "compute_date",
            ]
        )
        changed.update(self._update_ranks())
        return len(changed)

    def _update_ranks(self):
        """Rank by score within team and period, for every target sharing a
        team and period with one of `self` (one query). Returns the ids of
        the targets whose rank changed."""
        if not self:
            return set()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            WITH groups AS (
                SELECT DISTINCT company_id, COALESCE(team_id, 0) AS team_id,
                       period_type, date_from
                  FROM sales_followup_kpi_target
                 WHERE id = ANY(%(ids)s)
            ), ranked AS (
                SELECT k.id, RANK() OVER (
                           PARTITION BY k.company_id, COALESCE(k.team_id, 0),
                                        k.period_type, k.date_from
                           ORDER BY k.score DESC NULLS LAST) AS rnk
                  FROM sales_followup_kpi_target k
                  JOIN groups g
                    ON g.company_id = k.company_id
                   AND g.team_id = COALESCE(k.team_id, 0)
                   AND g.period_type = k.period_type
                   AND g.date_from = k.date_from
            )
            UPDATE sales_followup_kpi_target k
               SET rank = ranked.rnk
              FROM ranked
             WHERE ranked.id = k.id AND k.rank IS DISTINCT FROM ranked.rnk
            RETURNING k.id
            """,
                ids=self.ids,
            )
        )
        ranked = {row[0] for row in self.env.cr.fetchall()}
        self.env["sales_followup.kpi.target"].invalidate_model(["rank"])
        return ranked
