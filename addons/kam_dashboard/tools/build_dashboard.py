"""Writes data/files/kam_dashboard.json, the managers' spreadsheet dashboard.

Run after changing it: python addons/kam_dashboard/tools/build_dashboard.py
(the JSON is committed; Odoo loads it as the spreadsheet.dashboard's data, as
its own spreadsheet_dashboard_* addons ship theirs). Labels are Chinese: the
dashboard is for the Chinese managers (the spreadsheet's texts are not
translatable terms)."""

import json
import pathlib

OUT = (
    pathlib.Path(__file__).resolve().parent.parent
    / "data"
    / "files"
    / "kam_dashboard.json"
)

ROW = 23  # default row height (px): the figures sit below their title rows
F_PERIOD = "9b1c1d8e-7a31-4c55-9c1e-0d7a5e0a1001"
F_TEAM = "9b1c1d8e-7a31-4c55-9c1e-0d7a5e0a1002"
F_USER = "9b1c1d8e-7a31-4c55-9c1e-0d7a5e0a1003"

GLOBAL_FILTERS = [
    {
        "id": F_PERIOD,
        "type": "date",
        "label": "期间",
        "defaultValue": "last_year",
        "rangeType": "relative",
    },
    {
        "id": F_TEAM,
        "type": "relation",
        "label": "销售团队",
        "modelName": "crm.team",
        "defaultValue": [],
        "defaultValueDisplayNames": [],
    },
    {
        "id": F_USER,
        "type": "relation",
        "label": "客户经理",
        "modelName": "res.users",
        "defaultValue": [],
        "defaultValueDisplayNames": [],
    },
]

CUSTOMER_DOMAIN = [
    ["is_company", "=", True],
    ["parent_id", "=", False],
    ["ka_grade_id", "!=", False],
]


def matching(date=None, team="team_id", user="user_id", offset=0, date_type="date"):
    """The global filters' fields on a model (None: the filter does not apply)."""
    result = {}
    if date:
        result[F_PERIOD] = {"chain": date, "type": date_type, "offset": offset}
    else:
        result[F_PERIOD] = {}
    result[F_TEAM] = {"chain": team, "type": "many2one"} if team else {}
    result[F_USER] = {"chain": user, "type": "many2one"} if user else {}
    return result


PIVOTS = {}


def pivot(pid, name, model, domain, measures, rows=(), cols=(), fm=None):
    PIVOTS[str(pid)] = {
        "type": "ODOO",
        "id": str(pid),
        "formulaId": str(pid),
        "name": name,
        "model": model,
        "domain": domain,
        "context": {},
        "measures": [{"id": m, "fieldName": m} for m in measures],
        "rows": [
            {
                "fieldName": r.split(":")[0],
                **({"granularity": r.split(":")[1]} if ":" in r else {}),
            }
            for r in rows
        ],
        "columns": [
            {
                "fieldName": c.split(":")[0],
                **({"granularity": c.split(":")[1]} if ":" in c else {}),
            }
            for c in cols
        ],
        "sortedColumn": None,
        "fieldMatching": fm or {},
    }


REVENUE_FM = matching("date")
pivot(1, "销售额(本期)", "key_account.report", [], ["revenue"], fm=matching("date"))
pivot(
    2,
    "销售额(上期)",
    "key_account.report",
    [],
    ["revenue"],
    fm=matching("date", offset=-1),
)
pivot(
    3,
    "A级客户",
    "res.partner",
    [*CUSTOMER_DOMAIN, ["ka_grade_id.code", "=", "A"]],
    ["__count"],
    fm=matching(None),
)
pivot(
    4,
    "公海流转",
    "key_account.pool.log",
    [],
    ["__count"],
    rows=["date:month", "action"],
    fm=matching(None),
)
pivot(
    5,
    "拜访",
    "sales_followup.visit.plan",
    [],
    ["__count"],
    rows=["planned_date:month", "state"],
    fm=matching(None),
)
pivot(
    6,
    "超时工单",
    "helpdesk.ticket",
    ["|", ["as_response_breached", "=", True], ["as_resolution_breached", "=", True]],
    ["__count"],
    fm=matching(
        "create_date",
        team="commercial_partner_id.team_id",
        user="commercial_partner_id.user_id",
        date_type="datetime",
    ),
)
pivot(
    7,
    "满意度",
    "after_sales.revisit",
    [["state", "=", "done"], ["score", ">", 0]],
    ["score"],
    fm=matching("date_done", team="partner_id.team_id", user="account_manager_id"),
)
pivot(
    8,
    "RFM 矩阵",
    "res.partner",
    [
        ["ka_rfm_segment", "!=", False],
        ["is_company", "=", True],
        ["parent_id", "=", False],
    ],
    ["__count", "ka_revenue_12m"],
    rows=["ka_rfm_recency"],
    cols=["ka_rfm_frequency"],
    fm=matching(None),
)

THIS_MONTH = 'TEXT(TODAY(),"mm/yyyy")'


def value(pid, measure, *groups):
    """PIVOT.VALUE of a pivot, 0 when the group is absent (empty) or loading."""
    args = "".join(f",{g}" for g in groups)
    return f'IFERROR(0+PIVOT.VALUE({pid},"{measure}"{args}),0)'


def pool(action):
    return value(4, "__count", '"date:month"', THIS_MONTH, '"action"', f'"{action}"')


def visits(state=None):
    groups = ['"planned_date:month"', THIS_MONTH]
    if state:
        groups += ['"state"', f'"{state}"']
    return value(5, "__count", *groups)


DATA_ROWS = [
    # label, current value, previous value (or None)
    ("销售额(近12个月)", value(1, "revenue"), value(2, "revenue")),
    ("A级客户", value(3, "__count"), None),
    ("本月进入公海", f"{pool('release')}+{pool('recycle')}", None),
    ("本月领取/分配", f"{pool('claim')}+{pool('assign')}", None),
    ("本月计划拜访", f"{visits()}-{visits('cancelled')}", None),
    ("本月完成拜访", visits("done"), None),
    ("超时工单", value(6, "__count"), None),
    ("平均满意度", f"ROUND({value(7, 'score')},2)", None),
]


def data_sheet():
    cells = {
        "A1": {"content": "指标"},
        "B1": {"content": "本期"},
        "C1": {"content": "上期"},
        "D1": {"content": "显示"},
    }
    for n, (label, current, previous) in enumerate(DATA_ROWS, start=2):
        cells[f"A{n}"] = {"content": label}
        cells[f"B{n}"] = {"content": f"={current}"}
        if previous:
            cells[f"C{n}"] = {"content": f"={previous}"}
        cells[f"D{n}"] = {
            "content": f"=FORMAT.LARGE.NUMBER(B{n})" if n == 2 else f"=B{n}"
        }
    # visits: "done / planned"
    cells["E6"] = {"content": '=B7&" / "&B6'}
    # satisfaction with one decimal
    cells["D9"] = {"content": '=TEXT(B9,"0.0")'}
    return {
        "id": "kam_data",
        "name": "Data",
        "colNumber": 6,
        "rowNumber": 20,
        "rows": {},
        "cols": {"0": {"size": 160}},
        "merges": [],
        "cells": cells,
        "styles": {},
        "formats": {},
        "borders": {},
        "conditionalFormats": [],
        "figures": [],
        "tables": [],
        "areGridLinesVisible": True,
        "isVisible": False,
        "headerGroups": {"ROW": [], "COL": []},
        "dataValidationRules": [],
        "comments": {},
    }


def scorecard(fid, x, y, title, key, baseline=None, background="#EFF6FF", descr=""):
    data = {
        "type": "scorecard",
        "title": {"text": title, "bold": True, "color": "#434343"},
        "background": background,
        "keyValue": key,
        "baselineColorDown": "#DC6965",
        "baselineColorUp": "#00A04A",
        "baselineMode": "percentage" if baseline else "text",
        "baselineDescr": descr,
        "humanize": False,
    }
    if baseline:
        data["baseline"] = baseline
    return {
        "id": fid,
        "x": x,
        "y": y,
        "width": 200,
        "height": 100,
        "tag": "chart",
        "data": data,
    }


def odoo_chart(
    fid,
    x,
    y,
    ctype,
    title,
    model,
    group_by,
    measure,
    domain,
    fm,
    width=540,
    stacked=False,
):
    mode = {"odoo_line": "line", "odoo_bar": "bar", "odoo_pie": "pie"}[ctype]
    data = {
        "type": ctype,
        "title": {"text": title, "bold": True, "color": "#434343"},
        "background": "#FFFFFF",
        "legendPosition": "top",
        "metaData": {
            "groupBy": group_by,
            "measure": measure,
            "order": None,
            "resModel": model,
            "mode": mode,
        },
        "searchParams": {
            "comparison": None,
            "context": {},
            "domain": domain,
            "groupBy": group_by,
            "orderBy": [],
        },
        "fieldMatching": fm,
    }
    if ctype == "odoo_line":
        data.update(
            verticalAxisPosition="left", stacked=False, fillArea=True, cumulative=False
        )
    if ctype == "odoo_bar":
        data.update(verticalAxisPosition="left", stacked=stacked)
    return {
        "id": fid,
        "x": x,
        "y": y,
        "width": width,
        "height": 300,
        "tag": "chart",
        "data": data,
    }


def dashboard_sheet():
    cells = {
        "A1": {"content": "大客户管理看板"},
        "A3": {"content": "关键指标"},
        "A14": {"content": "销售额趋势与客户等级"},
        "A29": {"content": "公海流转与拜访"},
        "A44": {"content": "工单与满意度"},
        "A59": {
            "content": "RFM 矩阵(行:最近购买得分 R,列:购买频次得分 F;"
            "客户数与近12个月销售额)"
        },
        "A60": {"content": "=PIVOT(8)"},
    }
    styles = {"A1": 1, "A3": 2, "A14": 2, "A29": 2, "A44": 2, "A59": 2}
    y0 = 3 * ROW
    figures = [
        scorecard(
            "kpi-revenue",
            0,
            y0,
            "销售额(近12个月)",
            "Data!D2",
            "Data!C2",
            "#EFF6FF",
            "较上一期",
        ),
        scorecard("kpi-grade-a", 220, y0, "A级客户", "Data!D3", None, "#FFF7ED"),
        scorecard("kpi-pool-in", 440, y0, "本月进入公海", "Data!D4", None, "#F0FDF4"),
        scorecard("kpi-pool-out", 660, y0, "本月领取/分配", "Data!D5", None, "#F0FDF4"),
        scorecard(
            "kpi-visits", 0, y0 + 110, "本月拜访(完成/计划)", "Data!E6", None, "#EFF6FF"
        ),
        scorecard("kpi-sla", 220, y0 + 110, "超时工单", "Data!D8", None, "#FEF2F2"),
        scorecard(
            "kpi-satisfaction",
            440,
            y0 + 110,
            "平均满意度(1-5)",
            "Data!D9",
            None,
            "#FFF7ED",
        ),
    ]
    y1 = 14 * ROW
    figures += [
        odoo_chart(
            "chart-revenue",
            0,
            y1,
            "odoo_line",
            "销售额趋势(按月)",
            "key_account.report",
            ["date:month"],
            "revenue",
            [],
            matching("date"),
        ),
        odoo_chart(
            "chart-grades",
            560,
            y1,
            "odoo_pie",
            "客户等级分布",
            "res.partner",
            ["ka_grade_id"],
            "__count",
            CUSTOMER_DOMAIN,
            matching(None),
            width=420,
        ),
    ]
    y2 = 29 * ROW
    figures += [
        odoo_chart(
            "chart-pool",
            0,
            y2,
            "odoo_bar",
            "公海流转(按月)",
            "key_account.pool.log",
            ["date:month", "action"],
            "__count",
            [],
            matching("date", date_type="datetime"),
            stacked=True,
        ),
        odoo_chart(
            "chart-visits",
            560,
            y2,
            "odoo_bar",
            "拜访计划与完成(按月)",
            "sales_followup.visit.plan",
            ["planned_date:month", "state"],
            "__count",
            [["state", "!=", "cancelled"]],
            matching("planned_date", date_type="datetime"),
            width=420,
        ),
    ]
    y3 = 44 * ROW
    figures += [
        odoo_chart(
            "chart-tickets",
            0,
            y3,
            "odoo_bar",
            "工单(按阶段和客户等级)",
            "helpdesk.ticket",
            ["stage_id", "as_grade_id"],
            "__count",
            [],
            matching(
                "create_date",
                team="commercial_partner_id.team_id",
                user="commercial_partner_id.user_id",
                date_type="datetime",
            ),
            stacked=True,
        ),
        odoo_chart(
            "chart-satisfaction",
            560,
            y3,
            "odoo_bar",
            "满意度(回访评分分布)",
            "after_sales.revisit",
            ["score"],
            "__count",
            [["state", "=", "done"], ["score", ">", 0]],
            matching("date_done", team="partner_id.team_id", user="account_manager_id"),
            width=420,
        ),
    ]
    return {
        "id": "kam_dashboard",
        "name": "看板",
        "colNumber": 12,
        "rowNumber": 80,
        "rows": {},
        "cols": {"0": {"size": 160}},
        "merges": [],
        "cells": cells,
        "styles": styles,
        "formats": {},
        "borders": {},
        "conditionalFormats": [],
        "figures": figures,
        "tables": [],
        "areGridLinesVisible": False,
        "isVisible": True,
        "headerGroups": {"ROW": [], "COL": []},
        "dataValidationRules": [],
        "comments": {},
    }


def build():
    return {
        "version": 21,
        "odooVersion": 12,
        "sheets": [dashboard_sheet(), data_sheet()],
        "styles": {
            "1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
            "2": {"bold": True, "fontSize": 11, "textColor": "#434343"},
        },
        "formats": {},
        "borders": {},
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {
            "locale": {
                "name": "Chinese",
                "code": "zh_CN",
                "thousandsSeparator": ",",
                "decimalSeparator": ".",
                "dateFormat": "yyyy-mm-dd",
                "timeFormat": "hh:mm:ss",
                "formulaArgSeparator": ",",
                "weekStart": 1,
            }
        },
        "pivots": PIVOTS,
        "pivotNextId": len(PIVOTS) + 1,
        "customTableStyles": {},
        "globalFilters": GLOBAL_FILTERS,
        "lists": {},
        "listNextId": 1,
        "chartOdooMenusReferences": {},
    }


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(build(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(OUT)
