"""The OpenAPI paths and component schemas of the weekly checklist endpoints (每周清单);
merged into the description by :mod:`hgq.api.openapi`. Keep them in step with
:mod:`hgq.api.checklist_views` and :mod:`hgq.api.checklist_schemas`."""

from __future__ import annotations

from typing import Any

from hgq.api.openapi_schemas import ID, NULLABLE_ID, TIME, ref, values
from hgq.checklists.models import ChecklistStatus, ItemKind, Outcome
from hgq.checklists.services import PROGRESS_MAX, TITLE_MAX


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(ref("Error"), description)


def _body(name: str, *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": ref(name)}}}


WEEK_PARAM = {
    "name": "week",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]{4}-W[0-9]{2}$", "example": "2026-W48"},
    "description": "ISO week; a malformed or impossible week answers 404 not_found",
}
ITEM_PARAM = {"name": "item_id", "in": "path", "required": True, "schema": ID}
USER_PARAM = {
    "name": "user_id",
    "in": "query",
    "required": False,
    "schema": ID,
    "description": "another officer's week, for his leaders, the committee and admin "
    "(404 for anyone else); 400 invalid_input when not an integer",
}

UNAUTHORIZED = {"401": {"$ref": "#/components/responses/Unauthorized"}}
BAD_REQUEST = {"400": {"$ref": "#/components/responses/BadRequest"}}
FORBIDDEN = {"403": _error("forbidden: you keep no weekly checklist (officers only)")}
NOT_FOUND = {
    "404": _error(
        "not_found: a malformed week, a week without a checklist (not begun, or closed "
        "before it was ever opened), an owner who keeps none, or an item not on it"
    )
}
CONFLICT = {
    "409": _error(
        "frozen (the week is submitted, or closed for late submission) or "
        "version_conflict (version is not the checklist's current one)"
    )
}
CHANGE_ERRORS = {**BAD_REQUEST, **UNAUTHORIZED, **FORBIDDEN, **NOT_FOUND, **CONFLICT}
ON_OWN = " Acts on your own checklist; a user_id query argument is refused (400)."

CHECKLIST_PATHS: dict[str, Any] = {
    "/checklists/{week}": {
        "get": {
            "summary": "A week's checklist (每周清单), made on first need and kept in step "
            "with your open cases and enterprises due for contact while the week runs",
            "operationId": "getChecklist",
            "parameters": [WEEK_PARAM, USER_PARAM],
            "responses": {
                "200": _json(ref("Checklist"), "the checklist"),
                **BAD_REQUEST,
                **UNAUTHORIZED,
                **NOT_FOUND,
            },
        }
    },
    "/checklists/{week}/items": {
        "post": {
            "summary": "Add an item of your own (自定事项)." + ON_OWN,
            "operationId": "addChecklistItem",
            "parameters": [WEEK_PARAM],
            "requestBody": _body("NewChecklistItem"),
            "responses": {
                "201": _json(ref("ChangedChecklistItem"), "the new item"),
                **CHANGE_ERRORS,
            },
        }
    },
    "/checklists/{week}/items/{item_id}": {
        "patch": {
            "summary": "Record progress on an item, and whether it is done." + ON_OWN,
            "operationId": "updateChecklistItem",
            "parameters": [WEEK_PARAM, ITEM_PARAM],
            "requestBody": _body("ChecklistProgress"),
            "responses": {
                "200": _json(ref("ChangedChecklistItem"), "the item after the change"),
                **CHANGE_ERRORS,
            },
        }
    },
    "/checklists/{week}/submit": {
        "post": {
            "summary": "Submit the week: on time by its deadline, late after it; the "
            "checklist is frozen from then on." + ON_OWN,
            "operationId": "submitChecklist",
            "parameters": [WEEK_PARAM],
            "requestBody": _body("ChecklistSubmission", required=False),
            "responses": {
                "200": _json(ref("Checklist"), "the submitted checklist"),
                **CHANGE_ERRORS,
            },
        }
    },
}

VERSION = {
    "type": "integer",
    "minimum": 1,
    "description": "the checklist's version you last read; 409 version_conflict if it "
    "changed since (omit to skip the check)",
}
_ITEM_PROPERTIES: dict[str, Any] = {
    "id": ID,
    "kind": {
        "type": "string",
        "enum": values(ItemKind),
        "description": "case 诉求办理, contact 定期联络, carried 上周结转, own 自定事项",
    },
    "origin": {
        "type": "string",
        "enum": [k for k in values(ItemKind) if k != ItemKind.CARRIED.value],
        "description": "what the item is about; for a carried item, what it was about",
    },
    "ref_id": {
        **NULLABLE_ID,
        "description": "the case (origin case) or enterprise (origin contact); null for own",
    },
    "title": {"type": "string"},
    "due_at": {**TIME, "description": "the case's deadline, the contact's due day, or yours"},
    "progress": {"type": "string"},
    "done": {"type": "boolean"},
    "carried_from_id": {**NULLABLE_ID, "description": "the item of last week it continues"},
    "updated_at": {**TIME, "description": "when progress was last recorded"},
}
_ITEM_REQUIRED = list(_ITEM_PROPERTIES)

CHECKLIST_SCHEMAS: dict[str, Any] = {
    "ChecklistItem": {
        "type": "object",
        "required": _ITEM_REQUIRED,
        "properties": _ITEM_PROPERTIES,
    },
    "ChangedChecklistItem": {
        "type": "object",
        "required": [*_ITEM_REQUIRED, "checklist_version"],
        "properties": {
            **_ITEM_PROPERTIES,
            "checklist_version": {
                "type": "integer",
                "description": "the checklist's version after the change (send it with "
                "the next change)",
            },
        },
    },
    "ChecklistReview": {
        "type": "object",
        "nullable": True,
        "required": ["comment", "by", "by_id", "at"],
        "properties": {
            "comment": {"type": "string", "description": "点评意见"},
            "by": {"type": "string", "nullable": True, "description": "the reviewer's name"},
            "by_id": NULLABLE_ID,
            "at": TIME,
        },
    },
    "Checklist": {
        "type": "object",
        "required": [
            "week",
            "user_id",
            "user_name",
            "status",
            "due_at",
            "submitted_at",
            "outcome",
            "on_time",
            "frozen",
            "version",
            "review",
            "items",
        ],
        "properties": {
            "week": {"type": "string", "example": "2026-W48"},
            "user_id": ID,
            "user_name": {"type": "string"},
            "status": {
                "type": "string",
                "enum": values(ChecklistStatus),
                "description": "open 填报中, submitted 已提交",
            },
            "due_at": {
                "type": "string",
                "format": "date-time",
                "description": "the submission deadline (on the work calendar)",
            },
            "submitted_at": TIME,
            "outcome": {
                "type": "string",
                "nullable": True,
                "enum": [*values(Outcome), None],
                "description": "on_time 按时, late 逾期, missing 未交 (closed unsubmitted); "
                "null while it may still be submitted",
            },
            "on_time": {
                "type": "boolean",
                "nullable": True,
                "description": "true for on_time, false for late or missing, else null",
            },
            "frozen": {
                "type": "boolean",
                "description": "submitted, or closed: nothing on it changes any more",
            },
            "version": {"type": "integer", "description": "send it back with a change"},
            "review": ref("ChecklistReview"),
            "items": {"type": "array", "items": ref("ChecklistItem")},
        },
    },
    "NewChecklistItem": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "maxLength": TITLE_MAX},
            "due_on": {
                "type": "string",
                "format": "date",
                "nullable": True,
                "description": "due by the end of this local day (within a year of the week)",
            },
            "version": VERSION,
        },
    },
    "ChecklistProgress": {
        "type": "object",
        "required": ["progress"],
        "properties": {
            "progress": {
                "type": "string",
                "maxLength": PROGRESS_MAX,
                "description": "the progress text (replaces the previous one; may be empty)",
            },
            "done": {"type": "boolean", "description": "omit to leave it as it is"},
            "version": VERSION,
        },
    },
    "ChecklistSubmission": {"type": "object", "properties": {"version": VERSION}},
}
