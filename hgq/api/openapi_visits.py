"""The OpenAPI component schemas of the visit endpoints (定期联络); merged into the
description by :mod:`hgq.api.openapi`."""

from __future__ import annotations

from typing import Any

from hgq.api.openapi_schemas import ID, values
from hgq.cases.services import TEXT_MAX, TITLE_MAX
from hgq.visits.models import VisitMethod
from hgq.visits.queries import ContactStatus

VISIT_SCHEMAS: dict[str, Any] = {}

DATE = {"type": "string", "format": "date"}
_PROBLEM = {
    "type": "object",
    "required": ["title", "description", "category"],
    "properties": {
        "title": {"type": "string", "maxLength": TITLE_MAX},
        "description": {"type": "string", "maxLength": TEXT_MAX},
        "category": {"type": "string", "description": "a code from /categories"},
    },
}
_METHOD = {
    "type": "string",
    "enum": values(VisitMethod),
    "description": "onsite 上门, phone 电话, video 视频, meeting 座谈",
}
VISIT_SCHEMAS["NewVisit"] = {
    "type": "object",
    "required": ["enterprise_id", "date", "method", "summary"],
    "properties": {
        "enterprise_id": {**ID, "description": "an enterprise you cover (officer) or lead"},
        "date": {**DATE, "description": "local date of the contact, not in the future"},
        "method": _METHOD,
        "summary": {"type": "string", "maxLength": TEXT_MAX, "description": "联络情况"},
        "people_met": {"type": "string", "maxLength": 200, "description": "会见人员"},
        "problems_found": {"type": "string", "maxLength": TEXT_MAX, "description": "发现的问题"},
        "problems": {
            "type": "array",
            "maxItems": 10,
            "items": _PROBLEM,
            "description": "each becomes a case with you as 首问; all or nothing "
            "(errors name problems[i].field)",
        },
    },
}
VISIT_SCHEMAS["Visit"] = {
    "type": "object",
    "required": [
        "id",
        "enterprise_id",
        "enterprise_name",
        "visitor_id",
        "visitor_name",
        "date",
        "method",
        "people_met",
        "summary",
        "problems_found",
        "created_at",
        "case_ids",
    ],
    "properties": {
        "id": ID,
        "enterprise_id": ID,
        "enterprise_name": {"type": "string"},
        "visitor_id": ID,
        "visitor_name": {"type": "string"},
        "date": DATE,
        "method": _METHOD,
        "people_met": {"type": "string"},
        "summary": {"type": "string"},
        "problems_found": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "case_ids": {
            "type": "array",
            "items": ID,
            "description": "the cases logged from this visit",
        },
    },
}
VISIT_SCHEMAS["ContactDue"] = {
    "type": "object",
    "required": [
        "enterprise_id",
        "name",
        "interval_days",
        "last_contact_at",
        "last_contact_by",
        "due_at",
        "status",
        "overdue",
    ],
    "properties": {
        "enterprise_id": ID,
        "name": {"type": "string"},
        "interval_days": {
            "type": "integer",
            "description": "the shortest interval its tags set, else the default (30)",
        },
        "last_contact_at": {**DATE, "nullable": True, "description": "date of the last visit"},
        "last_contact_by": {"type": "string", "nullable": True},
        "due_at": {
            **DATE,
            "description": "last contact (or the assignment's start) plus the interval",
        },
        "status": {
            "type": "string",
            "enum": values(ContactStatus),
            "description": "overdue 已逾期, due_this_week 本周到期, ok 正常",
        },
        "overdue": {"type": "boolean"},
    },
}
