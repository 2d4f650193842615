"""The component schemas of the OpenAPI description (:mod:`hgq.api.openapi`): the
shapes of the API's objects, requests and errors. Keep them in step with
:mod:`hgq.api.schemas`, which produces and parses those shapes."""

from __future__ import annotations

from typing import Any

from hgq.accounts.models import Role
from hgq.api.schemas import MAX_ID, TOTP_CODE_MAX
from hgq.cases.models import CaseStatus, Channel, ResolutionType, Satisfaction, Urgency
from hgq.cases.queries import LIGHT_VALUES
from hgq.cases.services import COMMENT_MAX, TEXT_MAX, TITLE_MAX
from hgq.cases.workflow import MAX_EXTENSION_WORKDAYS, RULES


def values(enum: Any) -> list[str]:
    return [member.value for member in enum]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


TIME = {"type": "string", "format": "date-time", "nullable": True}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
NULLABLE_ID = {**ID, "nullable": True}


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "fields"],
                "properties": {
                    "code": {
                        "type": "string",
                        "description": (
                            "invalid_input, invalid_action, invalid_credentials, "
                            "totp_required, password_change_required, totp_setup_required, "
                            "unauthorized, "
                            "forbidden, not_found, invalid_transition, version_conflict, "
                            "frozen, conflict, bad_request, method_not_allowed, payload_too_large, "
                            "too_many_requests, internal_error"
                        ),
                    },
                    "message": {"type": "string", "description": "中文说明"},
                    "fields": {
                        "type": "object",
                        "description": "field name → message; {} when the error concerns "
                        "the whole request",
                        "additionalProperties": {"type": "string"},
                    },
                },
            }
        },
    },
    "TokenRequest": {
        "type": "object",
        "required": ["username", "password"],
        "properties": {
            "username": {"type": "string"},
            "password": {"type": "string"},
            "totp_code": {
                "type": "string",
                "maxLength": TOTP_CODE_MAX,
                "description": "两步验证码: the 6 digits of the user's authenticator app; "
                "required when the user has two-factor sign-in",
            },
        },
    },
    "Token": {
        "type": "object",
        "required": ["token", "expires_at"],
        "properties": {
            "token": {"type": "string", "description": "shown once; send as Bearer"},
            "expires_at": {"type": "string", "format": "date-time"},
        },
    },
    "User": {
        "type": "object",
        "required": ["id", "username", "name", "roles", "enterprise_id"],
        "properties": {
            "id": ID,
            "username": {"type": "string"},
            "name": {"type": "string"},
            "roles": {"type": "array", "items": {"type": "string", "enum": values(Role)}},
            "enterprise_id": {**NULLABLE_ID, "description": "set for enterprise accounts"},
        },
    },
    "Enterprise": {
        "type": "object",
        "required": ["id", "name", "credit_code", "industry"],
        "properties": {
            "id": ID,
            "name": {"type": "string"},
            "credit_code": {"type": "string", "description": "统一社会信用代码"},
            "industry": {"type": "string"},
            "address": {"type": "string"},
            "contact_name": {"type": "string"},
            "contact_phone": {"type": "string"},
            "is_active": {"type": "boolean"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    },
    "CodeName": {
        "type": "object",
        "required": ["code", "name"],
        "properties": {
            "code": {"type": "string", "description": "what requests carry"},
            "name": {"type": "string", "description": "中文名称"},
        },
    },
    "Case": {
        "type": "object",
        "required": [
            "id",
            "code",
            "enterprise_id",
            "title",
            "description",
            "category",
            "channel",
            "status",
            "level",
            "first_owner_id",
            "handler_id",
            "version",
            "created_at",
            "responded_at",
            "resolved_at",
            "closed_at",
            "due_at",
            "response_due_at",
            "resolution_due_at",
            "light",
            "paused",
            "urged",
            "deadline_provisional",
        ],
        "properties": {
            "id": ID,
            "code": {"type": "string", "example": "HGQ-2026-00042"},
            "enterprise_id": ID,
            "enterprise_name": {"type": "string"},
            "project_id": NULLABLE_ID,
            "title": {"type": "string"},
            "description": {"type": "string"},
            "category": {"type": "string", "description": "a code from /categories"},
            "channel": {"type": "string", "enum": values(Channel)},
            "urgency": {"type": "string", "enum": values(Urgency)},
            "status": {"type": "string", "enum": values(CaseStatus)},
            "level": {"type": "integer", "minimum": 1, "maximum": 3},
            "first_owner_id": {**NULLABLE_ID, "description": "首问责任人; never changes"},
            "handler_id": {**NULLABLE_ID, "description": "承办人; null: a queue"},
            "version": {"type": "integer", "description": "send it back with every action"},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "responded_at": TIME,
            "resolved_at": TIME,
            "closed_at": TIME,
            "due_at": {
                **TIME,
                "description": "the deadline that matters now: the response deadline until "
                "the first accept or reply, then the current level's resolution deadline; "
                "null when the case is not open or is paused",
            },
            "response_due_at": {
                **TIME,
                "description": "回应期限: answer (accept or reply) by then",
            },
            "resolution_due_at": {
                **TIME,
                "description": "办结期限 of the current level (moves on escalation, an "
                "approved extension, resuming after a pause, reopening)",
            },
            "light": {
                "type": "string",
                "enum": list(LIGHT_VALUES),
                "nullable": True,
                "description": "traffic light: green 正常, yellow 即将到期 (≤ 1 working day "
                "or 80 % of the limit used), red 已超期; null when the case is not open or "
                "its clock is paused",
            },
            "paused": {"type": "boolean", "description": "挂起: the clock stands still"},
            "urged": {
                "type": "boolean",
                "nullable": True,
                "description": "督办: urged by a superior (or the system) and still open; "
                "null for enterprise users (督办 is internal)",
            },
            "deadline_provisional": {
                "type": "boolean",
                "description": "期限暂定: a deadline falls in a year the work calendar does "
                "not cover yet, so it counts weekdays only",
            },
            "resolution_type": {
                "type": "string",
                "enum": values(ResolutionType),
                "nullable": True,
            },
            "resolution_reply": {"type": "string", "nullable": True},
            "rating_solved": {"type": "boolean", "nullable": True},
            "rating_satisfaction": {
                "type": "string",
                "enum": values(Satisfaction),
                "nullable": True,
            },
            "rating_comment": {"type": "string", "nullable": True},
            "rated_at": TIME,
            "closed_unrated": {"type": "boolean"},
            "reopen_count": {"type": "integer"},
        },
    },
    "Event": {
        "type": "object",
        "required": [
            "action",
            "actor_id",
            "at",
            "note",
            "from_status",
            "to_status",
            "from_level",
            "to_level",
        ],
        "properties": {
            "id": ID,
            "action": {"type": "string", "description": "submit or an action code"},
            "actor_id": NULLABLE_ID,
            "actor_name": {"type": "string", "nullable": True},
            "at": {"type": "string", "format": "date-time"},
            "note": {"type": "string"},
            "from_status": {"type": "string", "enum": values(CaseStatus), "nullable": True},
            "to_status": {"type": "string", "enum": values(CaseStatus)},
            "from_level": {"type": "integer", "nullable": True},
            "to_level": {"type": "integer"},
        },
    },
    "CaseDetail": {
        "description": "A case and its timeline; an enterprise user gets only the events "
        "meant for the enterprise.",
        "allOf": [
            ref("Case"),
            {
                "type": "object",
                "required": ["events"],
                "properties": {"events": {"type": "array", "items": ref("Event")}},
            },
        ],
    },
    "NewCase": {
        "type": "object",
        "required": ["title", "description", "category"],
        "properties": {
            "enterprise_id": {
                **ID,
                "description": "required for staff; an enterprise user may omit it (his own)",
            },
            "title": {"type": "string", "maxLength": TITLE_MAX},
            "description": {"type": "string", "maxLength": TEXT_MAX},
            "category": {"type": "string", "description": "a code from /categories"},
            "channel": {
                "type": "string",
                "enum": values(Channel),
                "description": "required for staff; default self_reported for an enterprise user",
            },
            "urgency": {"type": "string", "enum": values(Urgency), "default": "normal"},
            "project_id": {**NULLABLE_ID, "description": "a key project of the enterprise"},
        },
    },
    "ActionRequest": {
        "type": "object",
        "required": ["action", "version"],
        "properties": {
            "action": {"type": "string", "enum": [a.value for a in RULES]},
            "version": {"type": "integer", "description": "the case's version you last saw"},
            "working_days": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_EXTENSION_WORKDAYS,
                "description": "request_extension (required): how many working days "
                "more; approve_extension moves resolution_due_at by them, "
                "refuse_extension leaves it",
            },
            "note": {
                "type": "string",
                "maxLength": TEXT_MAX,
                "description": "required for note, reply, escalate, resolve (the reply to "
                "the enterprise), reopen, reject, urge, request_extension, refuse_extension "
                "and pause",
            },
            "resolution_type": {
                "type": "string",
                "enum": values(ResolutionType),
                "description": "resolve only (required)",
            },
            "solved": {"type": "boolean", "description": "rate only (required)"},
            "satisfaction": {
                "type": "string",
                "enum": values(Satisfaction),
                "description": "rate only (required); dissatisfied reopens the case",
            },
            "comment": {
                "type": "string",
                "nullable": True,
                "maxLength": COMMENT_MAX,
                "description": "rate only",
            },
        },
    },
}

for _name, _item in (
    ("EnterprisePage", "Enterprise"),
    ("CasePage", "Case"),
    ("VisitPage", "Visit"),
):
    SCHEMAS[_name] = {
        "type": "object",
        "required": ["items", "total", "page", "per_page"],
        "properties": {
            "items": {"type": "array", "items": ref(_item)},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    }
