from datetime import timedelta

from odoo.tests import new_test_user

from odoo.addons.key_account.tests.common import KeyAccountCommon


def make_licensed_product(env, name="授权软件 专业版", seats=5, months=12):
    return env["product.product"].create(
        {
            "name": name,
            "type": "service",
            "list_price": 10000.0,
            "invoice_policy": "order",
            "as_is_licensed": True,
            "as_licence_seats": seats,
            "as_licence_months": months,
            "as_licence_edition": "专业版",
        }
    )


def make_authorization(env, partner, product, days_left=200, **vals):
    today = env.company._ka_today()
    return (
        env["after_sales.authorization"]
        .sudo()
        .create(
            {
                "partner_id": partner.id,
                "product_id": product.id,
                "seats": 5,
                "edition": product.as_licence_edition,
                "date_start": today - timedelta(days=30),
                "date_end": today + timedelta(days=days_left),
                **vals,
            }
        )
    )


class AfterSalesCommon(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.licensed = make_licensed_product(cls.env)
        cls.plain = cls._ka_product("普通服务")
        cls.as_staff = new_test_user(
            cls.env,
            login="as_auth_staff",
            name="售后员",
            groups="after_sales.after_sales_group_user",
        )
        cls.as_manager = new_test_user(
            cls.env,
            login="as_auth_manager",
            name="售后经理",
            groups="after_sales.after_sales_group_manager",
        )


class TicketCommon(AfterSalesCommon):
    """A helpdesk team on a UTC 8-12/13-17 Monday-Friday calendar, a grade with
    4 h / 16 h targets and a customer of that grade."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "售后工作时间",
                "tz": "UTC",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"{day}-{period}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": period,
                        },
                    )
                    for day in range(5)
                    for period, hour_from, hour_to in (
                        ("morning", 8, 12),
                        ("afternoon", 13, 17),
                    )
                ],
            }
        )
        cls.grade_sla = cls.env["key_account.grade"].create(
            {
                "name": "工单测试等级",
                "code": "TK",
                "ticket_response_hours": 4.0,
                "ticket_resolution_hours": 16.0,
            }
        )
        cls.ticket_leader = new_test_user(
            cls.env,
            login="as_ticket_leader",
            name="售后组长",
            groups="after_sales.after_sales_group_user",
        )
        cls.helpdesk_team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "售后一组",
                "user_id": cls.ticket_leader.id,
                "as_calendar_id": cls.calendar.id,
                "user_ids": [(4, cls.ticket_leader.id), (4, cls.as_staff.id)],
            }
        )
        cls.customer_a.write({"ka_grade_id": cls.grade_sla.id})
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    @classmethod
    def _ticket(cls, partner=None, **vals):
        return cls.env["helpdesk.ticket"].create(
            {
                "name": "系统无法登录",
                "description": "客户来电反馈",
                "partner_id": (partner or cls.customer_a).id,
                "team_id": cls.helpdesk_team.id,
                "stage_id": cls.stage_new.id,
                **vals,
            }
        )
