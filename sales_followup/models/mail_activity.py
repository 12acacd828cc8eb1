import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.key_account.lib.input_check import check_input
from odoo.addons.key_account.lib.system_fields import check_system_fields

_logger = logging.getLogger(__name__)

PARAM_REMINDER_CALENDAR = "sales_followup.activity_reminder_calendar_days"


class MailActivity(models.Model):
    _inherit = "mail.activity"

    sf_reminded = fields.Boolean(
        string="Reminded",
        copy=False,
        readonly=True,
        help="The assigned user got the reminder before the deadline.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        # set by the nightly reminder run (with SQL), never by hand
        check_system_fields(self, {"sf_reminded"}, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_input(self, [vals])
        check_system_fields(self, {"sf_reminded"}, [vals])
        return super().write(vals)

    @api.model
    def _run_sf_activity_reminders(self, company, today):
        """Remind each assigned user of ``company`` (the users whose main
        company it is), once, of the activities whose deadline is within the
        reminder days of their type, counted from the company's business day
        ``today`` in working days (in calendar days when the parameter
        ``sales_followup.activity_reminder_calendar_days`` is set).

        Set-wise: one SELECT of the due activities, one UPDATE marking them
        reminded (only those this run marks are reminded by it), one inbox
        message per user listing all of theirs, rendered from the template
        *Follow-up: Activity Reminder* in the user's language.
        Returns the number of activities reminded.
        """
        self.env.flush_all()
        # the last deadline each reminder-days count reaches today: N working
        # days on (the default; holidays skipped, make-up days counted) or N
        # calendar days
        self.env.cr.execute(
            "SELECT DISTINCT sf_reminder_days FROM mail_activity_type"
            " WHERE sf_reminder_days > 0"
        )
        counts = [row[0] for row in self.env.cr.fetchall()]
        working = company._ka_working_days_param(PARAM_REMINDER_CALENDAR)
        horizons = [company._ka_shift_days(today, n, working) for n in counts]
        self.env.cr.execute(
            SQL(
                """
            SELECT a.id, a.user_id
              FROM mail_activity a
              JOIN mail_activity_type t ON t.id = a.activity_type_id
              JOIN res_users u ON u.id = a.user_id
              JOIN unnest(%(counts)s::int[], %(horizons)s::date[]) AS h(n, horizon)
                ON h.n = t.sf_reminder_days
             WHERE a.active AND NOT COALESCE(a.sf_reminded, FALSE)
               AND u.company_id = %(company)s
               AND a.date_deadline >= %(today)s
               AND a.date_deadline <= h.horizon
             ORDER BY a.user_id, a.date_deadline, a.id
            """,
                today=today,
                company=company.id,
                counts=counts,
                horizons=horizons,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return 0
        # claim them first (a concurrent run gets none of these), then notify,
        # in the same transaction: interrupted, both are rolled back
        self.env.cr.execute(
            SQL(
                "UPDATE mail_activity SET sf_reminded = TRUE "
                "WHERE id = ANY(%s) AND NOT COALESCE(sf_reminded, FALSE) "
                "RETURNING id",
                [row[0] for row in rows],
            )
        )
        claimed = {row[0] for row in self.env.cr.fetchall()}
        rows = [row for row in rows if row[0] in claimed]
        self.invalidate_model(["sf_reminded"])
        by_user = defaultdict(list)
        for activity_id, user_id in rows:
            by_user[user_id].append(activity_id)
        activities = self.browse([row[0] for row in rows])
        activities.fetch(["res_name", "summary", "date_deadline", "activity_type_id"])
        users = self.env["res.users"].browse(list(by_user))
        users.fetch(["partner_id", "lang"])
        odoobot = self.env.ref("base.partner_root")
        template = self.env.ref("sales_followup.mail_template_activity_reminder")
        for user in users:
            lang = user.lang or self.env.lang
            user_activities = self.with_context(lang=lang).browse(by_user[user.id])
            add_context = {"activities": user_activities, "count": len(user_activities)}
            subject = template._render_field(
                "subject", user.ids, set_lang=lang, add_context=add_context
            )[user.id]
            body = template._render_field(
                "body_html", user.ids, set_lang=lang, add_context=add_context
            )[user.id]
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=user.partner_id.ids,
                author_id=odoobot.id,
                subject=subject,
                body=body,
            )
        _logger.info(
            "sales_followup: %s, %s activity reminders", company.name, len(rows)
        )
        return len(rows)
