"""The data and the checks of the four flows, shared by the browser tests
(``test_flows.py``, run by ``HttpCase.start_tour``) and by the multi-process
run (``tools/run_workers.py``, against ``odoo-bin --workers 2``).

``prepare_*(env)`` makes the records a flow starts from and returns their ids;
``observe_*(env, ids)`` reads what the server holds after the tour, as a plain
dict to compare with ``EXPECTED_*``. Users log in with their login as password
and use the Chinese interface.
"""

import json
from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.after_sales.lib import licence
from odoo.addons.after_sales.tests.common import make_licensed_product

LANG = "zh_CN"
TZ = "Asia/Shanghai"

# (tour name, url the tour starts from, login, phone-sized window)
TOURS = {
    "pool": (
        "test_kam_flows_pool_claim",
        "/odoo/action-key_account.res_partner_action_pool",
        "kam_flow_pool",
        False,
    ),
    "visit": (
        "test_kam_flows_visit_checkin",
        "/odoo/action-sales_followup.sales_followup_visit_plan_action",
        "kam_flow_visit",
        True,
    ),
    "ticket": (
        "test_kam_flows_phone_ticket",
        "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action",
        "kam_flow_agent",
        False,
    ),
    "order": (
        "test_kam_flows_licence_order",
        "/odoo/action-sale.action_quotations_with_onboarding",
        "kam_flow_seller",
        False,
    ),
    "portal": (
        "test_kam_flows_licence_portal",
        "/my",
        "kam_flow_portal",
        False,
    ),
}


def _user(env, login, name, groups, **vals):
    env.ref("base.lang_zh_CN").active = True
    return new_test_user(
        env,
        login=login,
        password=login,
        name=name,
        groups=groups,
        lang=LANG,
        tz=TZ,
        **vals,
    )


# --- a. claim from the public pool (公海) ----------------------------------
POOL_CUSTOMER = "公海领取测试有限公司"


def prepare_pool(env):
    user = _user(env, "kam_flow_pool", "公海销售", "key_account.key_account_group_user")
    customer = env["res.partner"].create({"name": POOL_CUSTOMER, "is_company": True})
    return {"user": user.id, "customer": customer.id}


def observe_pool(env, ids):
    customer = env["res.partner"].browse(ids["customer"])
    logs = env["key_account.pool.log"].search([("partner_id", "=", customer.id)])
    return {
        "account_manager": customer.user_id.login,
        "in_pool": customer.ka_in_pool,
        "claim_date_set": bool(customer.ka_claim_date),
        "pool_log": [(log.action, log.user_id.login) for log in logs],
    }


EXPECTED_POOL = {
    "account_manager": "kam_flow_pool",
    "in_pool": False,
    "claim_date_set": True,
    "pool_log": [("claim", "kam_flow_pool")],
}


# --- b. plan a visit and check in on a phone ---------------------------------
VISIT_CUSTOMER = "拜访签到测试有限公司"


def prepare_visit(env):
    user = _user(
        env, "kam_flow_visit", "拜访销售", "key_account.key_account_group_user"
    )
    customer = env["res.partner"].create(
        {
            "name": VISIT_CUSTOMER,
            "is_company": True,
            "user_id": user.id,
            # the tour's mocked position is 0.0009 degree (about 100 m) north
            "partner_latitude": 31.2304,
            "partner_longitude": 121.4737,
        }
    )
    return {"user": user.id, "customer": customer.id}


def observe_visit(env, ids):
    plans = env["sales_followup.visit.plan"].search(
        [("partner_id", "=", ids["customer"])]
    )
    plan = plans[:1]
    return {
        "plans": len(plans),
        "salesperson": plan.user_id.login,
        "purpose": plan.purpose,
        "origin": plan.origin,
        "state": plan.state,
        "checked_in": bool(plan.checkin_date),
        "located": plan.checkin_located,
        "accuracy_m": plan.checkin_accuracy,
        "distance_m": round(plan.checkin_distance),
        "far": plan.checkin_far,
    }


EXPECTED_VISIT = {
    "plans": 1,
    "salesperson": "kam_flow_visit",
    "purpose": "季度拜访",
    "origin": "manual",
    "state": "planned",
    "checked_in": True,
    "located": True,
    "accuracy_m": 15.0,
    "distance_m": 100,
    "far": False,
}


# --- c. phone call at the intake (来电登记) → ticket → solved → revisit (回访) ---
TICKET_CUSTOMER = "来电测试有限公司"
TICKET_TEAM = "售后热线组"
TICKET_STAGE_SOLVED = "已解决"


def prepare_ticket(env):
    # a Chinese company: numbers typed without country code are Chinese
    env.company.country_id = env.ref("base.cn")
    agent = _user(
        env, "kam_flow_agent", "热线坐席", "after_sales.after_sales_group_user"
    )
    manager = _user(
        env, "kam_flow_am", "来电客户经理", "key_account.key_account_group_user"
    )
    grade = env["key_account.grade"].create(
        {
            "name": "流程测试等级",
            "code": "FLOW",
            "ticket_response_hours": 4.0,
            "ticket_resolution_hours": 16.0,
        }
    )
    customer = env["res.partner"].create(
        {
            "name": TICKET_CUSTOMER,
            "is_company": True,
            "user_id": manager.id,
            "ka_grade_id": grade.id,
            # the intake finds the customer by this number, typed 13812345678
            "phone": "+86 138 1234 5678",
        }
    )
    team = env["helpdesk.ticket.team"].create(
        {"name": TICKET_TEAM, "user_id": agent.id, "user_ids": [(4, agent.id)]}
    )
    # helpdesk_mgmt's closed stages are folded and not translated: a visible
    # closed stage named in Chinese, as a call centre would set it up
    stage = env["helpdesk.ticket.stage"].create(
        {
            "name": TICKET_STAGE_SOLVED,
            "sequence": 90,
            "closed": True,
            "fold": False,
            "team_ids": [(4, team.id)],
        }
    )
    return {
        "agent": agent.id,
        "customer": customer.id,
        "team": team.id,
        "stage": stage.id,
    }


def observe_ticket(env, ids):
    tickets = env["helpdesk.ticket"].search([("partner_id", "=", ids["customer"])])
    ticket = tickets[:1]
    return {
        "tickets": len(tickets),
        "subject": ticket.name,
        "customer": ticket.partner_id.name,
        "team": ticket.team_id.name,
        "channel": ticket.as_channel,
        "caller": ticket.as_caller_number,
        # the intake's call time, taken when the call came in
        "call_time_set": bool(ticket.as_call_time)
        and ticket.as_call_time <= ticket.create_date,
        "described": "登录时提示密码错误" in (ticket.description or ""),
        "grade": ticket.as_grade_id.code,
        "sla_planned": bool(
            ticket.as_response_deadline and ticket.as_resolution_deadline
        ),
        "stage": ticket.stage_id.name,
        "closed": ticket.stage_id.closed,
        "solution": ticket.as_solution,
        "revisits": [
            (revisit.state, revisit.score, revisit.user_id.login, revisit.comment)
            for revisit in ticket.as_revisit_ids
        ],
    }


EXPECTED_TICKET = {
    "tickets": 1,
    "subject": "来电：系统无法登录",
    "customer": TICKET_CUSTOMER,
    "team": TICKET_TEAM,
    "channel": "phone",
    "caller": "13812345678",
    "call_time_set": True,
    "described": True,
    "grade": "FLOW",
    "sla_planned": True,
    "stage": TICKET_STAGE_SOLVED,
    "closed": True,
    "solution": "重置密码后恢复登录",
    "revisits": [("done", 4, "kam_flow_agent", "问题已解决，满意")],
}


# --- d. licence (授权号) from a sales order, downloaded in the portal ---------
LICENCE_CUSTOMER = "授权流程科技有限公司"
LICENCE_PRODUCT = "流程授权软件"


def prepare_licence(env):
    seller = _user(
        env, "kam_flow_seller", "授权销售", "key_account.key_account_group_user"
    )
    customer = env["res.partner"].create(
        {
            "name": LICENCE_CUSTOMER,
            "is_company": True,
            "user_id": seller.id,
            "ka_uscc": "91310000MA1FL4B24G",
        }
    )
    contact = env["res.partner"].create(
        {"name": "李工", "parent_id": customer.id, "email": "li@example.com"}
    )
    portal = _user(
        env,
        "kam_flow_portal",
        "李工",
        "base.group_portal",
        partner_id=contact.id,
    )
    product = make_licensed_product(env, name=LICENCE_PRODUCT, seats=5, months=12)
    order = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "user_id": seller.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})],
        }
    )
    return {
        "seller": seller.id,
        "portal": portal.id,
        "customer": customer.id,
        "order": order.id,
        "order_name": order.name,
    }


def observe_licence(env, ids):
    order = env["sale.order"].browse(ids["order"])
    auths = env["after_sales.authorization"].search([("order_id", "=", order.id)])
    auth = auths[:1]
    # the salesperson's today (in China) is the key's first day
    today = fields.Date.context_today(auth.with_context(tz=TZ))
    return {
        "order_state": order.state,
        "authorizations": len(auths),
        "customer": auth.partner_id.name,
        "state": auth.state,
        "seats": auth.seats,
        "edition": auth.edition,
        "days": auth.date_end and (auth.date_end - auth.date_start).days,
        "starts_today": auth.date_start == today,
    }


EXPECTED_LICENCE = {
    "order_state": "sale",
    "authorizations": 1,
    "customer": LICENCE_CUSTOMER,
    "state": "active",
    "seats": 10,  # 2 units x 5 seats
    "edition": "专业版",
    "days": None,  # filled in by expected_licence(): 12 months less a day
    "starts_today": True,
}


def expected_licence(env, ids):
    order = env["sale.order"].browse(ids["order"])
    auth = env["after_sales.authorization"].search([("order_id", "=", order.id)])[:1]
    start = auth.date_start or fields.Date.context_today(order)
    end = fields.Date.add(start, months=12) - timedelta(days=1)
    return dict(EXPECTED_LICENCE, days=(end - start).days)


def licence_download_facts(env, ids, status, headers, content):
    """What a downloaded licence file says, checked with the company's public
    key as the customer's software would check it offline."""
    order = env["sale.order"].browse(ids["order"])
    auth = env["after_sales.authorization"].search([("order_id", "=", order.id)])[:1]
    public_key = auth.company_id._as_licence_public_key()
    try:
        payload = licence.verify_licence(content, public_key)
        verified = True
    except licence.InvalidLicence:
        payload, verified = {}, False
    document = json.loads(content) if content.startswith(b"{") else {}
    return {
        "status": status,
        "content_type": headers.get("Content-Type", "").split(";")[0],
        "attachment": headers.get("Content-Disposition", "").startswith("attachment"),
        "algorithm": document.get("algorithm"),
        "verified": verified,
        "key_matches": payload.get("key") == auth.key,
        "customer": payload.get("customer"),
        "uscc": payload.get("uscc"),
        "seats": payload.get("seats"),
        "expiry": payload.get("expiry"),
        "fields": sorted(payload),
    }


def expected_download(env, ids):
    order = env["sale.order"].browse(ids["order"])
    auth = env["after_sales.authorization"].search([("order_id", "=", order.id)])[:1]
    return {
        "status": 200,
        "content_type": "application/json",
        "attachment": True,
        "algorithm": licence.ALGORITHM,
        "verified": True,
        "key_matches": True,
        "customer": LICENCE_CUSTOMER,
        "uscc": "91310000MA1FL4B24G",
        "seats": 10,
        "expiry": str(auth.date_end),
        "fields": sorted(
            [
                "key",
                "customer",
                "uscc",
                "product",
                "product_code",
                "edition",
                "seats",
                "start",
                "expiry",
                "issued_at",
                "issuer",
            ]
        ),
    }


def licence_url(env, ids):
    order = env["sale.order"].browse(ids["order"])
    auth = env["after_sales.authorization"].search([("order_id", "=", order.id)])[:1]
    return f"/my/authorizations/{auth.id}/licence"


PREPARE = {
    "pool": prepare_pool,
    "visit": prepare_visit,
    "ticket": prepare_ticket,
    "licence": prepare_licence,
}
