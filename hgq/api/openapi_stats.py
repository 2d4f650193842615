"""The OpenAPI path and component schemas of ``GET /stats`` (三率 and the other
measures); merged into the description by :mod:`hgq.api.openapi`. Keep them in step
with :mod:`hgq.api.stats_views` and :mod:`hgq.stats.queries`."""

from __future__ import annotations

from typing import Any

from hgq.api.openapi_schemas import ref, values
from hgq.cases.models import CaseStatus
from hgq.stats.queries import FORMULAS, GROUP_BY


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


COUNT = {"type": "integer", "minimum": 0}
RATE = {"type": "number", "minimum": 0, "maximum": 1, "nullable": True}
MONTH = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "example": "2026-11"}
MONTH_OR_DATE = {
    "type": "string",
    "pattern": "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$",
    "example": "2026-11",
}

RATE_PROPERTIES: dict[str, Any] = {
    "cases": {**COUNT, "description": "诉求件数"},
    "due_for_response": {
        **COUNT,
        "description": "应响应件数: answered, or unanswered with the response deadline passed",
    },
    "responded_on_time": {**COUNT, "description": "时限内响应件数"},
    "response_rate": {**RATE, "description": FORMULAS["response_rate"]},
    "rated": {**COUNT, "description": "已评价件数 (the case carries a rating now)"},
    "solved": {**COUNT, "description": "企业评价“已解决”件数"},
    "resolution_rate": {**RATE, "description": FORMULAS["resolution_rate"]},
    "satisfied": {**COUNT, "description": "满意 + 基本满意件数"},
    "satisfaction_rate": {**RATE, "description": FORMULAS["satisfaction_rate"]},
    "escalated": {**COUNT, "description": "升级办理件数 (ever escalated)"},
    "escalation_rate": {**RATE, "description": FORMULAS["escalation_rate"]},
}

STATS_SCHEMAS: dict[str, Any] = {
    "StatsRow": {
        "type": "object",
        "required": ["key", "label", *RATE_PROPERTIES],
        "properties": {
            "key": {
                "oneOf": [{"type": "integer", "minimum": 0}, MONTH],
                "description": "user id (officer, leader), department id, category id, or "
                "the month (YYYY-MM); 0 gathers the cases without one (label 未指定)",
            },
            "label": {"type": "string", "description": "name, or 2026年11月"},
            "user_id": {
                "type": "integer",
                "nullable": True,
                "description": "officer and leader grouping only: the key again (null for 0)",
            },
            **RATE_PROPERTIES,
        },
    },
    "StatsTotal": {
        "type": "object",
        "required": [*RATE_PROPERTIES, "by_status", "by_level", "resolved", "median_days"],
        "properties": {
            **RATE_PROPERTIES,
            "by_status": {
                "type": "object",
                "description": "cases by current status",
                "properties": {status: COUNT for status in values(CaseStatus)},
            },
            "by_level": {
                "type": "object",
                "description": "cases by current level",
                "properties": {level: COUNT for level in ("1", "2", "3")},
            },
            "resolved": {**COUNT, "description": "ever resolved (已办结, even if reopened)"},
            "median_days": {
                "type": "number",
                "nullable": True,
                "description": FORMULAS["median_days"],
            },
        },
    },
    "Stats": {
        "type": "object",
        "required": ["items", "formulas", "group_by", "from", "to", "total"],
        "properties": {
            "items": {"type": "array", "items": ref("StatsRow")},
            "formulas": {
                "type": "object",
                "properties": {name: {"type": "string"} for name in FORMULAS},
                "description": "the formula of each measure, to show beside it",
            },
            "group_by": {"type": "string", "enum": list(GROUP_BY)},
            "from": {**MONTH, "nullable": True, "description": "first month counted"},
            "to": {**MONTH, "nullable": True, "description": "last month counted"},
            "total": ref("StatsTotal"),
        },
    },
}


def _query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> Any:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
    }


STATS_PATHS: dict[str, Any] = {
    "/stats": {
        "get": {
            "summary": "响应率, 解决率, 满意率 and 升级率 of your share of the cases, grouped",
            "description": "Committee and admin see the zone; a leader the cases of the "
            "enterprises he led at submission; an officer the cases he received first "
            "(首问); others 403. Counted by submission month: from and to are rounded "
            "to whole months.",
            "operationId": "getStats",
            "parameters": [
                _query("group_by", {"type": "string", "enum": list(GROUP_BY)}, "分组", True),
                _query("from", MONTH_OR_DATE, "从此月起（含）"),
                _query("to", MONTH_OR_DATE, "到此月止（含）"),
            ],
            "responses": {
                "200": _json(ref("Stats"), "the rows, the formulas and the total"),
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "403": _json(ref("Error"), "forbidden: enterprise and department users"),
            },
        }
    },
}
