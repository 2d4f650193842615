"""The JSON API, /api/v1. Thin routes: token → access → parse → service → one commit.

The contract (paths, fields, codes) is described in :mod:`hgq.api.openapi`; outside
clients depend on it, so change both together.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, abort, current_app, g, request, url_for

from hgq import access
from hgq.accounts.models import Role, User
from hgq.api.auth import issue_token, revoke_token, token_required
from hgq.api.errors import ApiError, init_api_errors, invalid_input
from hgq.api.openapi import build_spec
from hgq.api.query_args import parse_case_query, parse_enterprise_query, parse_visit_query
from hgq.api.schemas import (
    MAX_ID,
    NewCase,
    case_to_dict,
    enterprise_to_dict,
    event_to_dict,
    iso,
    parse_action_request,
    parse_credentials,
    parse_new_case,
    parse_totp_code,
    read_json_object,
    user_to_dict,
)
from hgq.api.visit_schemas import NewVisit, contact_due_to_dict, parse_new_visit, visit_to_dict
from hgq.cases.models import CHANNEL_LABELS, Case, Category
from hgq.cases.queries import (
    filter_cases,
    filter_deadlines,
    get_category_by_code,
    select_categories,
    select_events,
    with_list_relations,
)
from hgq.cases.services import create_case, perform_action
from hgq.db import utcnow
from hgq.deadlines.views import page_now
from hgq.enterprises.models import Enterprise, Project
from hgq.enterprises.queries import filter_enterprises
from hgq.errors import NotAllowed
from hgq.extensions import csrf, db
from hgq.security import totp
from hgq.security.passwords import change_required
from hgq.security.throttle import SignInRefused, check_credentials, record_success
from hgq.timeutil import local_today
from hgq.visits.queries import contact_due_for, filter_visits
from hgq.visits.services import Problem, record_visit

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens are not sent by browsers on their own, so there is no CSRF to guard
# against; the API never reads the session cookie.
csrf.exempt(bp)
init_api_errors(bp)


def _api_user() -> User:
    return g.api_user  # type: ignore[no-any-return]


def _per_page() -> int:
    return int(current_app.config.get("ITEMS_PER_PAGE", 20))


def _page(stmt: Any, page: int, per_page: int, to_dict: Any) -> dict[str, Any]:
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)
    return {
        "items": [to_dict(item) for item in pagination.items],
        "total": pagination.total,
        "page": page,
        "per_page": per_page,
    }


# -- tokens ---------------------------------------------------------------------
@bp.post("/tokens")
@access.public
def create_token() -> tuple[dict[str, Any], int, dict[str, str]]:
    """A token for username and password, and ``totp_code`` when the user has
    two-factor sign-in: 401 ``totp_required`` without one, 401 ``invalid_credentials``
    for a wrong one (counted like a wrong password); 403 when the password must be
    changed or the setting requires a second factor not yet set up (both on the web)."""
    body = read_json_object()
    username, password = parse_credentials(body)
    code = parse_totp_code(body)
    now, ip = utcnow(), request.remote_addr or ""
    try:
        user = check_credentials(username, password, ip, now)
        if totp.is_enabled(user):
            if code is None:
                raise ApiError(
                    401,
                    "totp_required",
                    "该账号已启用两步验证，请在 totp_code 中提供验证器应用上的6位验证码",
                    {"totp_code": "请填写两步验证码"},
                )
            totp.sign_in_with_code(user, code, ip, now)
        else:
            record_success(user, ip, now)
    except SignInRefused as exc:
        db.session.commit()  # the failed attempt counts towards the lockout
        if exc.status == 429:
            raise ApiError(429, "too_many_requests", str(exc)) from exc
        raise ApiError(401, "invalid_credentials", "用户名或密码错误") from exc
    reason = change_required(user, now)
    if reason:
        db.session.commit()
        raise ApiError(403, "password_change_required", reason + "请先在网页上修改密码。")
    if totp.must_enrol(user):
        db.session.commit()
        raise ApiError(
            403, "totp_setup_required", "系统要求您的账号使用两步验证，请先在网页上完成设置。"
        )
    secret, token = issue_token(user)
    db.session.commit()
    return (
        {"token": secret, "expires_at": iso(token.expires_at)},
        201,
        {"Cache-Control": "no-store"},
    )


@bp.delete("/tokens/current")
@token_required
def delete_current_token() -> tuple[str, int]:
    revoke_token(g.api_token)
    db.session.commit()
    return "", 204


# -- who and what ---------------------------------------------------------------
@bp.get("/me")
@token_required
def me() -> dict[str, Any]:
    return user_to_dict(_api_user())


@bp.get("/enterprises")
@token_required
def list_enterprises() -> dict[str, Any]:
    query = parse_enterprise_query(request.args, _per_page())
    stmt = filter_enterprises(
        access.select_visible_enterprises(_api_user()), q=query.q, active=None
    )
    return _page(stmt, query.page, query.per_page, enterprise_to_dict)


@bp.get("/categories")
@token_required
def list_categories() -> list[dict[str, str]]:
    return [{"code": c.code, "name": c.name} for c in db.session.scalars(select_categories())]


@bp.get("/channels")
@token_required
def list_channels() -> list[dict[str, str]]:
    return [{"code": channel.value, "name": label} for channel, label in CHANNEL_LABELS.items()]


@bp.get("/openapi.json")
@access.public
def openapi() -> dict[str, Any]:
    return build_spec()


# -- cases ----------------------------------------------------------------------
def _case_detail(case: Case, user: User) -> dict[str, Any]:
    events = db.session.scalars(select_events(case.id, for_enterprise=not user.is_staff))
    return {
        **case_to_dict(case, staff=user.is_staff),
        "events": [event_to_dict(e) for e in events],
    }


def _load_case(user: User, case_id: int) -> Case:
    if case_id > MAX_ID:
        abort(404)  # cannot exist; the same answer as any missing case
    return access.access_case(user, case_id)  # 404 when missing or not visible


@bp.get("/cases")
@token_required
def list_cases() -> dict[str, Any]:
    user = _api_user()
    query = parse_case_query(request.args, _per_page(), staff=user.is_staff)
    stmt = filter_cases(access.select_visible_cases(user), q=query.q, **query.filters)
    stmt = filter_deadlines(stmt, **query.deadline_filters, now=page_now())
    return _page(
        with_list_relations(stmt),
        query.page,
        query.per_page,
        partial(case_to_dict, staff=user.is_staff),
    )


def _enterprise_for_new_case(user: User, data: NewCase) -> Enterprise:
    enterprise_id = data.enterprise_id if data.enterprise_id is not None else user.enterprise_id
    enterprise = None
    if enterprise_id is not None and 1 <= enterprise_id <= MAX_ID:
        enterprise = db.session.scalar(
            access.select_visible_enterprises(user).where(Enterprise.id == enterprise_id)
        )
    if enterprise is None:
        raise ApiError(404, "not_found", "企业不存在，或您无权查看")
    if not access.can_create_case_for(user, enterprise):
        raise ApiError(403, "forbidden", "您不能为该企业登记诉求")
    return enterprise


def _category_and_project(data: NewCase) -> tuple[Category, Project | None]:
    category = db.session.scalar(get_category_by_code(data.category))
    project = None
    if data.project_id is not None and 1 <= data.project_id <= MAX_ID:
        project = db.session.get(Project, data.project_id)
    errors = {}
    if category is None or not category.is_active:
        errors["category"] = "诉求类别无效，请从 /api/v1/categories 中选择"
    if data.project_id is not None and project is None:
        errors["project_id"] = "项目不存在"
    if errors:
        raise invalid_input(errors)
    return category, project  # type: ignore[return-value]


@bp.post("/cases")
@token_required
def create_case_view() -> tuple[dict[str, Any], int, dict[str, str]]:
    user = _api_user()
    data = parse_new_case(read_json_object(), enterprise_user=user.has_role(Role.ENTERPRISE))
    enterprise = _enterprise_for_new_case(user, data)
    category, project = _category_and_project(data)
    case = create_case(
        creator=user,
        enterprise=enterprise,
        title=data.title,
        description=data.description,
        category=category,
        channel=data.channel,
        urgency=data.urgency,
        project=project,
    )
    db.session.commit()
    location = url_for(".get_case", case_id=case.id)
    return _case_detail(case, user), 201, {"Location": location}


@bp.get("/cases/<int:case_id>")
@token_required
def get_case(case_id: int) -> dict[str, Any]:
    user = _api_user()
    return _case_detail(_load_case(user, case_id), user)


@bp.post("/cases/<int:case_id>/actions")
@token_required
def act_on_case(case_id: int) -> dict[str, Any]:
    user = _api_user()
    case = _load_case(user, case_id)
    data = parse_action_request(read_json_object())
    perform_action(
        case, data.action, user, expected_version=data.version, note=data.note, **data.payload
    )
    db.session.commit()
    return _case_detail(case, user)


# -- visits (定期联络) -------------------------------------------------------------
def _visit_problems(data: NewVisit) -> list[Problem]:
    problems, errors = [], {}
    for index, item in enumerate(data.problems):
        category = db.session.scalar(get_category_by_code(item.category))
        if category is None or not category.is_active:
            errors[f"problems[{index}].category"] = (
                f"问题{index + 1}：诉求类别无效，请从 /api/v1/categories 中选择"
            )
        problems.append(Problem(item.title, item.description, category))
    if errors:
        raise invalid_input(errors)
    return problems


def _api_field(field: str | None) -> str | None:
    """problems-0-title (the service's name) → problems[0].title; date for visited_on."""
    if field and field.startswith("problems-"):
        _, index, name = field.split("-", 2)
        return f"problems[{index}].{name}"
    return "date" if field == "visited_on" else field


@bp.post("/visits")
@token_required
def create_visit() -> tuple[dict[str, Any], int, dict[str, str]]:
    user = _api_user()
    data = parse_new_visit(read_json_object())
    enterprise = None
    if 1 <= data.enterprise_id <= MAX_ID:
        enterprise = db.session.scalar(
            access.select_visible_enterprises(user).where(Enterprise.id == data.enterprise_id)
        )
    if enterprise is None:
        raise ApiError(404, "not_found", "企业不存在，或您无权查看")
    if not access.can_log_visit(user, enterprise):
        raise ApiError(403, "forbidden", "您不能登记该企业的走访联络")
    problems = _visit_problems(data)
    try:
        visit, _cases = record_visit(
            visitor=user,
            enterprise=enterprise,
            visited_on=data.visited_on,
            method=data.method,
            summary=data.summary,
            people_met=data.people_met,
            problems_found=data.problems_found,
            problems=problems,
        )
    except NotAllowed as exc:
        db.session.rollback()
        raise invalid_input({_api_field(exc.field) or "body": str(exc)}) from exc
    db.session.commit()
    location = url_for(".list_visits", enterprise_id=enterprise.id)
    return visit_to_dict(visit), 201, {"Location": location}


@bp.get("/visits")
@token_required
def list_visits() -> dict[str, Any]:
    user = _api_user()
    query = parse_visit_query(request.args, _per_page())
    stmt = filter_visits(
        access.select_visible_visits(user),
        enterprise_id=query.enterprise_id,
        since=query.since,
        until=query.until,
    )
    return _page(stmt, query.page, query.per_page, visit_to_dict)


@bp.get("/contact-due")
@token_required
def contact_due() -> list[dict[str, Any]]:
    """The caller's enterprises (as officer or leader) against their contact interval."""
    rows = contact_due_for(_api_user(), local_today())
    return [contact_due_to_dict(row) for row in rows]


# The other endpoint modules register their routes on ``bp``.
from hgq.api import (  # noqa: E402
    checklist_views,  # noqa: F401
    points_views,  # noqa: F401
    stats_views,  # noqa: F401
)
