"""The API's error shape ``{"error": {"code", "message", "fields"}}``, ApiError, and how
domain refusals and HTTP errors map onto it. Messages are Chinese; codes are stable."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, jsonify
from werkzeug.exceptions import HTTPException

from hgq.cases.workflow import ActionNotAllowed
from hgq.errors import DomainError, NotAllowed, RecordFrozen, VersionConflict
from hgq.extensions import db


class ApiError(Exception):
    """A refusal the API answers directly (bad input, no token, not found …)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


def invalid_input(
    fields: Mapping[str, str], message: str = "提交的内容有误，请检查标明的字段"
) -> ApiError:
    return ApiError(400, "invalid_input", message, fields)


def unauthorized() -> ApiError:
    # One message whatever the reason (missing, unknown, expired, revoked, user
    # deactivated), so the answer tells a guesser nothing.
    return ApiError(
        401,
        "unauthorized",
        "未提供有效的访问令牌（可能已过期或已撤销），请重新获取令牌",
        headers={"WWW-Authenticate": 'Bearer realm="hgq"'},
    )


def error_response(
    status: int,
    code: str,
    message: str,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "fields": dict(fields or {})}})
    response.status_code = status
    response.headers.update(dict(headers or {}))
    return response


# ActionNotAllowed.code → HTTP status
ACTION_REFUSAL_STATUS = {"invalid_transition": 409, "forbidden": 403, "invalid_action": 400}


def domain_error_response(exc: DomainError) -> Response:
    """Map a service's refusal: VersionConflict → 409 ``version_conflict``; RecordFrozen
    → 409 ``frozen``;
    ActionNotAllowed → by its code; NotAllowed (and any other) → 400 ``invalid_input``."""
    message = str(exc)
    fields = {exc.field: message} if exc.field else {}
    if isinstance(exc, VersionConflict):
        return error_response(409, "version_conflict", message)
    if isinstance(exc, RecordFrozen):
        return error_response(409, "frozen", message)
    if isinstance(exc, ActionNotAllowed):
        status = ACTION_REFUSAL_STATUS.get(exc.code, 400)
        return error_response(status, exc.code, message, fields)
    if isinstance(exc, NotAllowed):
        return error_response(400, "invalid_input", message, fields)
    return error_response(400, "invalid_input", message, fields)


# HTTP errors raised outside the views' own checks (unknown URL, wrong method, body
# too large, a crash) under /api/; hgq.errors sends them here.
HTTP_ERRORS = {
    400: ("bad_request", "请求无法处理，请检查请求格式"),
    401: ("unauthorized", "未提供有效的访问令牌，请重新获取令牌"),
    403: ("forbidden", "您没有执行此操作的权限"),
    404: ("not_found", "请求的资源不存在，或您无权查看"),
    405: ("method_not_allowed", "该地址不支持此请求方式"),
    409: ("conflict", "该记录已被他人修改，请刷新后重试"),
    413: ("payload_too_large", "提交的内容超过了允许的大小"),
    415: ("unsupported_media_type", "不支持的内容类型，请以 JSON 提交"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    500: ("internal_error", "系统出现了问题，已记录。请稍后再试，或联系系统管理员"),
}


def http_error_response(status: int, exc: HTTPException | None = None) -> Response:
    if status in HTTP_ERRORS:
        code, message = HTTP_ERRORS[status]
    elif status >= 500:
        code, message = HTTP_ERRORS[500]
    else:
        code = exc.name.lower().replace(" ", "_") if exc is not None else "bad_request"
        message = HTTP_ERRORS[400][1]
    headers = {}
    if exc is not None:
        # keep e.g. the Allow header of a 405
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return error_response(status, code, message, headers=headers)


def init_api_errors(bp: Blueprint) -> None:
    """Answer refusals raised in the API's views with the JSON shape, undoing any
    change the request had started."""

    @bp.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        db.session.rollback()
        return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers)

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        db.session.rollback()
        return domain_error_response(exc)
