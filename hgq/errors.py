"""Error pages in Chinese (no stack traces), and the exceptions services raise.
Under /api/ the same errors answer in the API's JSON shape instead of a page."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain refused the change; ``str(exc)`` is shown to the user.

    ``field`` names the input the refusal is about (a form field's name, and the key
    under ``fields`` in an API error), or None when it concerns the whole request.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(DomainError):
    """The change breaks a business rule (e.g. assigning a non-officer as officer)."""


class RecordFrozen(NotAllowed):
    """The record is closed to changes (a submitted weekly checklist); the API answers
    409 ``frozen``."""


class VersionConflict(DomainError):
    """Someone else changed the record since the form was loaded (optimistic locking)."""

    def __init__(self, message: str = "该记录已被他人修改，请刷新页面后重新提交。") -> None:
        super().__init__(message)


ERROR_MESSAGES = {
    400: ("请求无效", "提交的内容无法处理，请返回检查后重试。"),
    403: ("没有权限", "您的账号没有执行此操作的权限。如需开通，请联系系统管理员。"),
    404: ("页面不存在", "您访问的页面不存在，或您无权查看。"),
    405: ("请求方式不支持", "该页面不支持此请求方式。"),
    409: ("数据已变化", "您提交时，该记录已被他人修改。请返回、刷新页面后重新提交。"),
    413: ("内容过大", "上传的内容超过了允许的大小。"),
    429: ("请求过于频繁", "操作过于频繁，请稍后再试。"),
    500: ("系统错误", "系统出现了问题，我们已记录。请稍后再试，或联系系统管理员。"),
}


def _render(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def _is_api_request() -> bool:
    return request.path.startswith("/api/")


def _api_error(code: int, exc: HTTPException | None = None) -> Response:
    from hgq.api.errors import http_error_response

    return http_error_response(code, exc)


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[str, int] | Response:
        if _is_api_request():
            return _api_error(400)
        return _render(400, "页面已过期或来源无法验证（CSRF 校验失败），请刷新页面后重新提交。")

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def write_conflict(exc: Exception) -> tuple[str, int] | Response:
        # The services check versions and uniqueness first; these catch the races
        # between that check and the write (two people saving at the same moment).
        from hgq.extensions import db

        db.session.rollback()
        if _is_api_request():
            return _api_error(409)
        return _render(409)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int] | HTTPException | Response:
        if exc.code is None or exc.code < 400:
            return exc
        if _is_api_request():
            return _api_error(exc.code, exc)
        return _render(exc.code)

    @app.errorhandler(500)
    def server_error(exc: Exception) -> tuple[str, int] | Response:
        # Flask has logged the traceback; the user sees no internals.
        if _is_api_request():
            return _api_error(500)
        return _render(500)
