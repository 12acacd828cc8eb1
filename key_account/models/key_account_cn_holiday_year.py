import logging

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..lib import cn_holidays

_logger = logging.getLogger(__name__)

# From this month on the next year's notice is due (the State Council
# publishes it in November or December) and its absence is flagged.
NEXT_YEAR_FLAG_MONTH = 11


class KeyAccountCnHolidayYear(models.Model):
    """The Chinese working calendar of one year: the statutory holidays and
    the make-up working days (调休) of the State Council notice.

    Filled from the ``chinesecalendar`` package for the years it knows, and
    entered by a key-account manager for the others. A year without any
    holiday is *missing*: the working-time computations then fall back to
    the ordinary week, and the nightly pipeline flags the year to the
    managers (an activity on the year) until it is entered."""

    _name = "key_account.cn.holiday.year"
    _description = "Chinese Holiday Calendar Year"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "year desc"
    _rec_name = "year"

    year = fields.Integer(required=True, tracking=True)
    source = fields.Selection(
        [("package", "chinesecalendar package"), ("manual", "Entered by hand")],
        required=True,
        default="manual",
        tracking=True,
    )
    day_ids = fields.One2many("key_account.cn.holiday", "year_id", string="Days")
    holiday_count = fields.Integer(
        string="Holidays", compute="_compute_counts", store=True
    )
    workday_count = fields.Integer(
        string="Make-up Working Days", compute="_compute_counts", store=True
    )
    missing = fields.Boolean(
        string="No Data",
        compute="_compute_counts",
        store=True,
        help="No holiday is entered for this year: the working time is counted "
        "on ordinary weeks until the State Council notice is entered.",
    )
    note = fields.Text(help="The State Council notice this year was entered from.")

    _sql_constraints = [
        ("year_unique", "unique(year)", "Each year can be entered only once."),
    ]

    @api.depends("day_ids.kind")
    def _compute_counts(self):
        for year in self:
            kinds = year.day_ids.mapped("kind")
            year.holiday_count = kinds.count("holiday")
            year.workday_count = kinds.count("workday")
            year.missing = not year.holiday_count

    @api.constrains("year")
    def _check_year(self):
        for year in self:
            if not 1990 <= year.year <= 2200:
                raise ValidationError(
                    self.env._("%(year)s is not a valid year.", year=year.year)
                )

    @api.model_create_multi
    def create(self, vals_list):
        years = super().create(vals_list)
        self._ka_changed(years.mapped("year"))
        return years

    def write(self, vals):
        before = self.mapped("year")
        res = super().write(vals)
        if "year" in vals:
            self._ka_changed(before + self.mapped("year"))
        return res

    def unlink(self):
        before = self.mapped("year")
        res = super().unlink()
        self._ka_changed(before)
        return res

    # ------------------------------------------------------------------
    # buttons
    # ------------------------------------------------------------------
    def _ka_check_manager(self):
        if not (
            self.env.su
            or self.env.user.has_group("key_account.key_account_group_manager")
        ):
            raise AccessError(
                self.env._("Only key-account managers can change the holiday calendar.")
            )

    def action_load_from_package(self):
        """Replace the days of the years by the chinesecalendar package's."""
        self._ka_check_manager()
        known = cn_holidays.package_years()
        unknown = [year.year for year in self if year.year not in known]
        if unknown:
            raise UserError(
                self.env._(
                    "The chinesecalendar package does not know the year %(years)s: "
                    "enter the State Council notice by hand.",
                    years=", ".join(map(str, unknown)),
                )
            )
        for year in self:
            year.day_ids.unlink()
            year._ka_fill_from_package()
        return True

    # ------------------------------------------------------------------
    # filling and flagging
    # ------------------------------------------------------------------
    def _ka_fill_from_package(self):
        Day = self.env["key_account.cn.holiday"]
        vals_list = []
        for year in self:
            vals_list += [
                {"year_id": year.id, "date": day, "kind": kind, "festival": festival}
                for day, kind, festival in cn_holidays.package_days(year.year)
            ]
        Day.create(vals_list)
        self.write({"source": "package"})

    @api.model
    def _ka_load_package_years(self):
        """Create the years the package knows and the database has not (run
        at install and update); years already entered are left alone, and a
        year created empty (flagged as missing) is filled."""
        known = cn_holidays.package_years()
        existing = self.search([("year", "in", list(known))])
        empty = existing.filtered("missing")
        new = self.create(
            [{"year": y} for y in sorted(known - set(existing.mapped("year")))]
        )
        (new | empty)._ka_fill_from_package()
        (new | empty).activity_unlink(["mail.mail_activity_data_todo"])
        return len(new | empty)

    @api.model
    def _ka_flag_missing_years(self, today):
        """The years the business needs (this one; the next one from
        November) without data: created empty if absent and flagged with one
        activity for the key-account managers. Returns the years flagged."""
        wanted = [today.year]
        if today.month >= NEXT_YEAR_FLAG_MONTH:
            wanted.append(today.year + 1)
        self._ka_load_package_years()
        years = self.search([("year", "in", wanted)])
        years |= self.create(
            [{"year": y} for y in wanted if y not in years.mapped("year")]
        )
        missing = years.filtered("missing")
        if not missing:
            return 0
        managers = (
            self.env.ref("key_account.key_account_group_manager").sudo().users
        ).filtered(lambda u: not u.share and u.active)
        user = managers.sorted("id")[:1] or self.env.ref("base.user_admin")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        flagged = 0
        for year in missing:
            if year.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            ):
                continue
            year.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=today,
                summary=self.env._(
                    "Enter the State Council holiday notice of %(year)s",
                    year=year.year,
                ),
                user_id=user.id,
            )
            flagged += 1
        return flagged

    @api.model
    def _ka_changed(self, years):
        """The holidays of ``years`` (year numbers) changed: drop the cached
        day sets. Addons extend it with super() to re-plan what depends on
        working time (after_sales: the SLA deadlines of open tickets)."""
        self.env.registry.clear_cache()

    # ------------------------------------------------------------------
    # the day sets, cached per year
    # ------------------------------------------------------------------
    @api.model
    @tools.ormcache("year")
    def _ka_year_days(self, year):
        """(holidays, make-up working days, known) of ``year``: two frozensets
        of dates, and whether the year has data. Cached until a holiday
        changes (one query per year and worker)."""
        self.env.cr.execute(
            SQL(
                """SELECT d.date, d.kind
                     FROM key_account_cn_holiday d
                     JOIN key_account_cn_holiday_year y ON y.id = d.year_id
                    WHERE y.year = %s""",
                year,
            )
        )
        holidays, workdays = set(), set()
        for day, kind in self.env.cr.fetchall():
            (holidays if kind == "holiday" else workdays).add(day)
        known = bool(holidays)
        if not known:
            _logger.warning(
                "No Chinese holiday data for %s: working time counted on "
                "ordinary weeks (enter the year under Key Accounts > "
                "Configuration > Holiday Calendar)",
                year,
            )
        return frozenset(holidays), frozenset(workdays), known

    @api.model
    def _ka_days_between(self, date_from, date_to):
        """(holidays, make-up working days, missing years) between two dates
        (inclusive): the union of the cached year sets."""
        holidays, workdays, missing = set(), set(), []
        for year in range(date_from.year, date_to.year + 1):
            h, w, known = self._ka_year_days(year)
            holidays |= h
            workdays |= w
            if not known:
                missing.append(year)
        return holidays, workdays, missing

    @api.model
    def _ka_festival_days(self, year, festival):
        """The holidays of ``festival`` (e.g. "spring", "mid_autumn") in
        ``year``, sorted; empty when the year has no data."""
        days = (
            self.env["key_account.cn.holiday"]
            .sudo()
            .search(
                [
                    ("year_id.year", "=", year),
                    ("festival", "=", festival),
                    ("kind", "=", "holiday"),
                ]
            )
        )
        return days.mapped("date")
