"""The OpenAPI paths and component schemas of the points endpoints (积分考核); merged
into the description by :mod:`hgq.api.openapi`. Keep them in step with
:mod:`hgq.api.points_views` and :mod:`hgq.api.points_schemas`."""

from __future__ import annotations

from typing import Any

from hgq.api.openapi_schemas import ID, NULLABLE_ID, ref, values
from hgq.points.models import SourceType
from hgq.points.rules import RULE_NAMES


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(ref("Error"), description)


PERIOD_PARAM = {
    "name": "period",
    "in": "query",
    "required": False,
    "schema": {
        "type": "string",
        "pattern": "^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$",
        "example": "2026-11",
    },
    "description": "a month (2026-11) or a quarter (2026-Q4), local time; the current "
    "month when omitted; 400 invalid_input when malformed",
}
ROLE_PARAM = {
    "name": "role",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["officer", "leader"], "default": "officer"},
    "description": "officer 包保责任人, leader 包保领导; 400 invalid_input otherwise",
}
USER_PARAM = {
    "name": "user_id",
    "in": "query",
    "required": False,
    "schema": ID,
    "description": "whose points (yours when omitted): a leader's officers, anyone for "
    "admin and committee; 404 for anyone else; 400 invalid_input when not an id",
}
UNAUTHORIZED = {"401": {"$ref": "#/components/responses/Unauthorized"}}
BAD_REQUEST = {"400": {"$ref": "#/components/responses/BadRequest"}}
FORBIDDEN = {"403": _error("forbidden: enterprise accounts (points are for staff)")}

POINTS_PATHS: dict[str, Any] = {
    "/points": {
        "get": {
            "summary": "A person's point entries (积分明细) of a month or quarter, with the "
            "source of each, and the total",
            "operationId": "getPoints",
            "parameters": [USER_PARAM, PERIOD_PARAM],
            "responses": {
                "200": _json(ref("Points"), "the entries, in time order"),
                **BAD_REQUEST,
                **UNAUTHORIZED,
                **FORBIDDEN,
                "404": _error("not_found: a person whose points you may not see"),
            },
        }
    },
    "/rankings": {
        "get": {
            "summary": "The ranking (积分排名) of officers or leaders for a month or "
            "quarter, best first; every active holder of the role, 0 without entries",
            "operationId": "getRankings",
            "parameters": [PERIOD_PARAM, ROLE_PARAM],
            "responses": {
                "200": _json({"type": "array", "items": ref("RankRow")}, "the ranking"),
                **BAD_REQUEST,
                **UNAUTHORIZED,
                **FORBIDDEN,
            },
        }
    },
}

_ENTRY_PROPERTIES: dict[str, Any] = {
    "id": ID,
    "points": {"type": "integer"},
    "rule": {
        "type": "string",
        "enum": list(RULE_NAMES),
        "description": "the rule code; manual 人工调整, appeal_reversal 申诉撤销",
    },
    "rule_name": {"type": "string", "description": "the rule's Chinese name"},
    "source_type": {
        "type": "string",
        "enum": values(SourceType),
        "description": "case 诉求, visit 走访, checklist 每周清单, manual 人工调整",
    },
    "source_id": {**ID, "description": "that case, visit or checklist; for manual, the entry"},
    "event_id": {**NULLABLE_ID, "description": "the case event that scored, if any"},
    "at": {"type": "string", "format": "date-time"},
    "period": {"type": "string", "example": "2026-11", "description": "the entry's month"},
    "note": {"type": "string"},
    "corrects_id": {**NULLABLE_ID, "description": "the entry this one corrects"},
}

POINTS_SCHEMAS: dict[str, Any] = {
    "PointEntry": {
        "type": "object",
        "required": list(_ENTRY_PROPERTIES),
        "properties": _ENTRY_PROPERTIES,
    },
    "Points": {
        "type": "object",
        "required": ["user_id", "user_name", "period", "period_label", "total", "entries"],
        "properties": {
            "user_id": ID,
            "user_name": {"type": "string"},
            "period": {"type": "string", "example": "2026-Q4"},
            "period_label": {"type": "string", "example": "2026年第四季度"},
            "total": {"type": "integer"},
            "entries": {"type": "array", "items": ref("PointEntry")},
        },
    },
    "RankRow": {
        "type": "object",
        "required": ["user_id", "name", "total", "rank"],
        "properties": {
            "user_id": ID,
            "name": {"type": "string"},
            "total": {"type": "integer"},
            "rank": {
                "type": "integer",
                "minimum": 1,
                "description": "standard competition rank: equal totals share it (1, 2, 2, 4)",
            },
        },
    },
}
