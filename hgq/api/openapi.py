"""The OpenAPI 3.0 description of /api/v1, written out by hand as a dict.

It is the contract outside clients build against: when a route, a field or an error
code changes in :mod:`hgq.api.views` or :mod:`hgq.api.schemas`, change it here too
(tests/api/test_openapi.py checks that every route is described).
"""

from __future__ import annotations

from typing import Any

from hgq.api.openapi_checklists import CHECKLIST_PATHS, CHECKLIST_SCHEMAS
from hgq.api.openapi_points import POINTS_PATHS, POINTS_SCHEMAS
from hgq.api.openapi_schemas import ID, SCHEMAS, ref, values
from hgq.api.openapi_stats import STATS_PATHS, STATS_SCHEMAS
from hgq.api.openapi_visits import VISIT_SCHEMAS
from hgq.api.schemas import MAX_PAGE, MAX_PER_PAGE, Q_MAX
from hgq.cases.models import CaseStatus
from hgq.cases.queries import LIGHT_VALUES


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*names: str) -> dict[str, Any]:
    codes = {
        "BadRequest": "400",
        "Unauthorized": "401",
        "Forbidden": "403",
        "NotFound": "404",
        "Conflict": "409",
    }
    return {codes[name]: {"$ref": f"#/components/responses/{name}"} for name in names}


def _error_response(description: str) -> dict[str, Any]:
    return _json(ref("Error"), description)


RESPONSES = {
    "BadRequest": _error_response(
        "invalid_input (fields names what is wrong), or invalid_action for an unknown action"
    ),
    "Unauthorized": {
        **_error_response("unauthorized: token missing, unknown, expired or revoked"),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    },
    "Forbidden": _error_response("forbidden: visible, but not yours to do"),
    "NotFound": _error_response("not_found: missing, or not visible to you (the same answer)"),
    "Conflict": _error_response(
        "invalid_transition (not possible in the case's status) or version_conflict "
        "(someone acted meanwhile; the message says what changed), or frozen (a "
        "submitted weekly checklist takes no more changes)"
    ),
}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PARAMETERS = {
    "page": _query(
        "page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "页码"
    ),
    "per_page": _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
        "每页条数",
    ),
    "q": _query("q", {"type": "string", "maxLength": Q_MAX}, "搜索"),
    "case_id": {"name": "case_id", "in": "path", "required": True, "schema": ID},
}


def _param(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


PAGED = [_param("page"), _param("per_page"), _param("q")]

PATHS: dict[str, Any] = {
    "/tokens": {
        "post": {
            "summary": "Get a bearer token for a username and password",
            "description": (
                "A user with two-factor sign-in (两步验证) also sends `totp_code`, the "
                "6-digit code his authenticator app shows; each code is accepted once. "
                "A wrong code counts towards the lockout like a wrong password."
            ),
            "operationId": "createToken",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("TokenRequest")}},
            },
            "responses": {
                "201": _json(ref("Token"), "the token (stored only as its hash)"),
                **_errors("BadRequest"),
                "401": _error_response(
                    "invalid_credentials (one message for every reason: wrong username, "
                    "password or two-factor code, or a disabled account), or totp_required: "
                    "the password is right and the user has two-factor sign-in, but "
                    "`totp_code` is missing (send the request again with it)"
                ),
                "403": _error_response(
                    "password_change_required: the password must first be changed on the "
                    "web; or totp_setup_required: two-factor sign-in is required of this "
                    "account and must first be set up on the web"
                ),
                "429": _error_response(
                    "too_many_requests: the username is locked after repeated failures, or "
                    "this address made too many failed attempts (the message says until when)"
                ),
            },
        }
    },
    "/tokens/current": {
        "delete": {
            "summary": "Revoke the token this request carries",
            "operationId": "revokeCurrentToken",
            "responses": {"204": {"description": "revoked"}, **_errors("Unauthorized")},
        }
    },
    "/me": {
        "get": {
            "summary": "The user the token belongs to",
            "operationId": "getMe",
            "responses": {"200": _json(ref("User"), "the user"), **_errors("Unauthorized")},
        }
    },
    "/enterprises": {
        "get": {
            "summary": "The enterprises you may see, by name",
            "operationId": "listEnterprises",
            "parameters": PAGED,
            "responses": {
                "200": _json(ref("EnterprisePage"), "a page of enterprises"),
                **_errors("BadRequest", "Unauthorized"),
            },
        }
    },
    "/categories": {
        "get": {
            "summary": "Active case categories",
            "operationId": "listCategories",
            "responses": {
                "200": _json({"type": "array", "items": ref("CodeName")}, "categories"),
                **_errors("Unauthorized"),
            },
        }
    },
    "/channels": {
        "get": {
            "summary": "How a request can reach the zone",
            "operationId": "listChannels",
            "responses": {
                "200": _json({"type": "array", "items": ref("CodeName")}, "channels"),
                **_errors("Unauthorized"),
            },
        }
    },
    "/cases": {
        "get": {
            "summary": "The cases you may see, newest first",
            "operationId": "listCases",
            "parameters": [
                _query("status", {"type": "string", "enum": values(CaseStatus)}, "状态"),
                _query("level", {"type": "integer", "minimum": 1, "maximum": 3}, "级别"),
                _query("enterprise_id", ID, "企业"),
                _query(
                    "light",
                    {"type": "string", "enum": list(LIGHT_VALUES)},
                    "办理期限红黄绿灯: open cases whose clock runs (green 正常, yellow 即将到期, "
                    "red 已超期)",
                ),
                _query(
                    "urged",
                    {"type": "string", "enum": ["true", "false", "1", "0"]},
                    "督办: true for open cases under 督办, false for the others; staff only "
                    "(400 for enterprise users)",
                ),
                *PAGED,
            ],
            "responses": {
                "200": _json(ref("CasePage"), "a page of cases"),
                **_errors("BadRequest", "Unauthorized"),
            },
        },
        "post": {
            "summary": "Log a request (诉求) for an enterprise",
            "operationId": "createCase",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("NewCase")}},
            },
            "responses": {
                "201": {
                    **_json(ref("CaseDetail"), "the new case"),
                    "headers": {"Location": {"schema": {"type": "string"}}},
                },
                **_errors("BadRequest", "Unauthorized", "Forbidden", "NotFound"),
            },
        },
    },
    "/cases/{case_id}": {
        "get": {
            "summary": "A case and its timeline",
            "operationId": "getCase",
            "parameters": [_param("case_id")],
            "responses": {
                "200": _json(ref("CaseDetail"), "the case"),
                **_errors("Unauthorized", "NotFound"),
            },
        }
    },
    "/cases/{case_id}/actions": {
        "post": {
            "summary": "Take an action on a case (accept, reply, escalate, resolve, rate, "
            "urge, request_extension, approve_extension, refuse_extension, pause, resume …)",
            "operationId": "actOnCase",
            "parameters": [_param("case_id")],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("ActionRequest")}},
            },
            "responses": {
                "200": _json(ref("CaseDetail"), "the case after the action"),
                **_errors("BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict"),
            },
        }
    },
    "/visits": {
        "get": {
            "summary": "The visits (定期联络) you may see, newest first",
            "operationId": "listVisits",
            "parameters": [
                _query("enterprise_id", ID, "企业"),
                _query("from", {"type": "string", "format": "date"}, "从此日期起（含）"),
                _query("to", {"type": "string", "format": "date"}, "到此日期止（含）"),
                _param("page"),
                _param("per_page"),
            ],
            "responses": {
                "200": _json(ref("VisitPage"), "a page of visits"),
                **_errors("BadRequest", "Unauthorized"),
            },
        },
        "post": {
            "summary": "Log a visit to an enterprise you cover or lead; each problem becomes "
            "a case with you as 首问",
            "operationId": "createVisit",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("NewVisit")}},
            },
            "responses": {
                "201": _json(ref("Visit"), "the visit, with case_ids"),
                **_errors("BadRequest", "Unauthorized", "Forbidden", "NotFound"),
            },
        },
    },
    "/contact-due": {
        "get": {
            "summary": "Your enterprises (as officer or leader) against their contact "
            "interval, most urgent first",
            "operationId": "listContactDue",
            "responses": {
                "200": _json({"type": "array", "items": ref("ContactDue")}, "the list"),
                **_errors("Unauthorized"),
            },
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This description",
            "operationId": "getOpenApi",
            "security": [],
            "responses": {"200": _json({"type": "object"}, "the OpenAPI document")},
        }
    },
}


def build_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "hgq 包保服务系统 API",
            "version": "1.0.0",
            "description": (
                "Cases (诉求) of the zone's enterprises and their workflow. Get a token "
                "from POST /tokens and send it as `Authorization: Bearer <token>`. Every "
                'error answers `{"error": {"code", "message", "fields"}}`. Times are '
                "ISO 8601 in UTC; codes (status, category, channel …) are English, names "
                "Chinese."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {**PATHS, **CHECKLIST_PATHS, **POINTS_PATHS, **STATS_PATHS},
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a token from POST /tokens",
                }
            },
            "schemas": {
                **SCHEMAS,
                **VISIT_SCHEMAS,
                **CHECKLIST_SCHEMAS,
                **POINTS_SCHEMAS,
                **STATS_SCHEMAS,
            },
            "responses": RESPONSES,
            "parameters": PARAMETERS,
        },
    }
