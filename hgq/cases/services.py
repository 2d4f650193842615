"""Creating cases and taking actions on them. Every status, level or handler change
goes through :func:`perform_action`, which asks the workflow and appends an event.

Services check, change and flush; the caller commits once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from hgq import access
from hgq.accounts.models import Role, User
from hgq.cases.codes import next_case_code
from hgq.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Channel,
    ResolutionType,
    Satisfaction,
    Urgency,
)
from hgq.cases.notifications import notify_event
from hgq.cases.workflow import ACTION_LABELS, RULES, Action, ActionNotAllowed, check_action
from hgq.db import utcnow
from hgq.enterprises.models import Assignment, Enterprise, Project
from hgq.errors import NotAllowed, VersionConflict
from hgq.extensions import db

TITLE_MAX = 100
TEXT_MAX = 5000
COMMENT_MAX = 500


# The categories a new installation starts with (the 0002 migration seeds the same).
DEFAULT_CATEGORIES = (
    ("land", "用地"),
    ("financing", "融资"),
    ("labor", "用工"),
    ("approval", "审批手续"),
    ("infrastructure", "基础设施"),
    ("policy", "政策兑现"),
    ("market", "市场开拓"),
    ("other", "其他"),
)


def ensure_default_categories() -> None:
    """Create the default categories that are missing (for databases made without the
    migrations, such as the tests')."""
    existing = set(db.session.scalars(sa.select(Category.code)))
    for i, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        if code not in existing:
            db.session.add(Category(code=code, name=name, sort_order=i * 10))
    db.session.flush()


# -- creating -------------------------------------------------------------------
def current_assignment(enterprise_id: int) -> Assignment | None:
    return db.session.scalar(
        sa.select(Assignment).where(
            Assignment.enterprise_id == enterprise_id, Assignment.end_date.is_(None)
        )
    )


def _check_text(value: str, field: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise NotAllowed(f"请填写{label}", field)
    if len(value) > limit:
        raise NotAllowed(f"{label}不能超过{limit}字", field)
    return value


def create_case(
    *,
    creator: User,
    enterprise: Enterprise,
    title: str,
    description: str,
    category: Category | None,
    channel: Channel,
    urgency: Urgency = Urgency.NORMAL,
    project: Project | None = None,
) -> Case:
    """Log a request and apply the 首问 rule.

    Staff creating it become its ``first_owner``; for a case the enterprise submits,
    the enterprise's current officer does. The level-1 handler is the enterprise's
    officer (or the creating officer); with no officer the case waits in the leaders'
    queue (handler None) and counts as a coverage breach (first_owner None).
    Raises NotAllowed for bad input or a creator who may not log for this enterprise.
    """
    if not access.can_create_case_for(creator, enterprise):
        raise NotAllowed("您不能为该企业登记诉求", "enterprise_id")
    title = _check_text(title, "title", "标题", TITLE_MAX)
    description = _check_text(description, "description", "诉求内容", TEXT_MAX)
    if category is None or not category.is_active:
        raise NotAllowed("请选择有效的诉求类别", "category")
    if project is not None and project.enterprise_id != enterprise.id:
        raise NotAllowed("所选项目不属于该企业", "project_id")
    assignment = current_assignment(enterprise.id)
    officer_id = assignment.officer_id if assignment else None
    first_owner_id = officer_id if creator.has_role(Role.ENTERPRISE) else creator.id
    handler_id = (
        creator.id if creator.has_role(Role.OFFICER) and creator.id == officer_id else officer_id
    )
    case = Case(
        code=next_case_code(),
        enterprise=enterprise,
        project=project,
        title=title,
        description=description,
        category=category,
        channel=channel,
        urgency=urgency,
        created_by=creator,
        first_owner_id=first_owner_id,
        handler_id=handler_id,
        level=1,
        status=CaseStatus.SUBMITTED,
    )
    db.session.add(case)
    db.session.flush()
    event = _append_event(case, creator, Action.SUBMIT, None, None, description[:200], True, {})
    db.session.flush()
    notify_event(case, event)
    return case


# -- acting ---------------------------------------------------------------------
def _append_event(
    case: Case,
    actor: User | None,
    action: Action,
    from_status: CaseStatus | None,
    from_level: int | None,
    note: str,
    visible: bool,
    data: Mapping[str, Any],
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        actor=actor,
        at=utcnow(),
        action=action.value,
        from_status=from_status,
        to_status=case.status,
        from_level=from_level,
        to_level=case.level,
        note=note,
        visible_to_enterprise=visible,
        data=dict(data),
    )
    db.session.add(event)
    return event


def _describe_change(case: Case) -> str:
    last = db.session.scalar(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc())
    )
    if last is None:
        return "案件已被他人更新，请刷新后重试。"
    who = last.actor.name if last.actor else "系统"
    try:
        label = ACTION_LABELS[Action(last.action)]
    except ValueError:
        label = last.action
    return (
        f"您提交期间，{who}已对该案件执行“{label}”，案件现为“{case.status.label}”"
        f"（第{case.level}级）。请查看最新情况后再操作。"
    )


def _escalation_handler(case: Case) -> int | None:
    """Level 2 goes to the enterprise's current leader (or the leaders' queue);
    level 3 to the committee's queue."""
    if case.level + 1 >= 3:
        return None
    assignment = current_assignment(case.enterprise_id)
    return assignment.leader_id if assignment else None


def _respond(case: Case, now: datetime) -> None:
    # 件件有回应: the response clock stops at the first accept or reply.
    if case.responded_at is None:
        case.responded_at = now


def _do_accept(case: Case, actor: User, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    _respond(case, now)
    if case.handler_id is None and case.level < 3:
        case.handler_id = actor.id  # a leader takes an unowned case from the queue
    return {}


def _do_reply(case: Case, actor: User, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    _respond(case, now)
    return {}


def _do_escalate(case: Case, actor: User, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    from_handler = case.handler_id
    case.handler_id = _escalation_handler(case)
    case.level += 1
    case.level_started_at = now
    return {"from_handler_id": from_handler, "to_handler_id": case.handler_id}


def _do_resolve(case: Case, actor: User, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    try:
        resolution = ResolutionType(payload.get("resolution_type"))
    except ValueError:
        raise NotAllowed(
            "请选择办结类型（已解决、解释说明或部分解决）", "resolution_type"
        ) from None
    _respond(case, now)
    case.resolution_type = resolution
    case.resolution_reply = payload["note"]
    case.resolved_at = now
    case.resolved_level = case.level
    # A new resolution awaits a new rating; earlier ratings stay in the events.
    case.rating_solved = case.rating_satisfaction = case.rating_comment = case.rated_at = None
    return {"resolution_type": resolution.value}


def _do_rate(case: Case, actor: User, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    solved = payload.get("solved")
    if not isinstance(solved, bool):
        raise NotAllowed("请选择问题是否已解决", "solved")
    try:
        satisfaction = Satisfaction(payload.get("satisfaction"))
    except ValueError:
        raise NotAllowed("请选择满意程度（满意、基本满意或不满意）", "satisfaction") from None
    comment = _check_text(payload.get("comment") or "", "comment", "评价意见", COMMENT_MAX, False)
    case.rating_solved = solved
    case.rating_satisfaction = satisfaction
    case.rating_comment = comment
    case.rated_at = now
    if satisfaction is Satisfaction.DISSATISFIED:
        case.reopen_count += 1  # 重办 at the level it was resolved at, same handler
    else:
        case.closed_at = now
        case.closed_unrated = False
    return {"solved": solved, "satisfaction": satisfaction.value, "comment": comment}


def _do_reopen(case: Case, actor: User, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    case.reopen_count += 1
    case.closed_at = None
    case.closed_unrated = False
    return {}


def _do_close(case: Case, actor: User, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    case.closed_at = now
    case.closed_unrated = True  # a rating would have closed it through RATE
    return {"unrated": True}


def _do_reject(case: Case, actor: User, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    _respond(case, now)
    case.closed_at = now
    return {}


def _do_withdraw(case: Case, actor: User, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    case.closed_at = now
    return {}


def _do_nothing(case: Case, actor: User, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {}


Effect = Callable[[Case, User, dict[str, Any], datetime], dict[str, Any]]
EFFECTS: dict[Action, Effect] = {
    Action.ACCEPT: _do_accept,
    Action.NOTE: _do_nothing,
    Action.REPLY: _do_reply,
    Action.ESCALATE: _do_escalate,
    Action.RESOLVE: _do_resolve,
    Action.RATE: _do_rate,
    Action.REOPEN: _do_reopen,
    Action.CLOSE: _do_close,
    Action.REJECT: _do_reject,
    Action.WITHDRAW: _do_withdraw,
}


def parse_action(code: object) -> Action:
    """The Action for an API/form code; only actions one can take (not ``submit``)."""
    try:
        action = Action(code)
    except ValueError:
        action = None
    if action is None or action not in RULES:
        raise ActionNotAllowed(f"未知的操作“{code}”", "invalid_action", "action")
    return action


def perform_action(
    case: Case,
    action: Action,
    actor: User,
    *,
    expected_version: int | None,
    note: str = "",
    **payload: Any,
) -> CaseEvent:
    """Take ``action`` on ``case`` as ``actor`` and append its event.

    Checks, in order: the version the actor saw (VersionConflict, saying what changed
    meanwhile), the workflow's table and the actor's relation to the case
    (ActionNotAllowed with code ``invalid_transition`` or ``forbidden``), then the
    action's input (NotAllowed naming the field). A concurrent action that committed
    between the check and the write is caught at flush as a VersionConflict too.
    Nothing is changed when anything is refused (the caller rolls back).
    """
    if expected_version is None or expected_version != case.version:
        raise VersionConflict(_describe_change(case))
    now = utcnow()
    relations = access.case_relations(actor, case)
    target = check_action(case, action, relations, payload, now)
    rule = RULES[action]
    note = _check_text(note, "note", "说明", TEXT_MAX, required=rule.note_required)
    from_status, from_level = case.status, case.level
    data = EFFECTS[action](case, actor, {**payload, "note": note}, now)
    case.status = target
    # Always an UPDATE of the case row, so every action (a note too) bumps ``version``
    # and two concurrent actions can never both pass the version check.
    case.updated_at = now
    event = _append_event(
        case, actor, action, from_status, from_level, note, rule.visible_to_enterprise, data
    )
    try:
        db.session.flush()
    except StaleDataError:
        raise VersionConflict(
            "您提交期间，其他人同时处理了该案件。请刷新后查看最新情况再操作。"
        ) from None
    notify_event(case, event)
    return event


# -- categories -----------------------------------------------------------------
CATEGORY_CODE_RE = re.compile(r"^[a-z0-9_]{1,30}$")
CATEGORY_NAME_MAX = 30


def _check_category_name(name: str, exclude_id: int | None = None) -> str:
    name = _check_text(name, "name", "类别名称", CATEGORY_NAME_MAX)
    clash = sa.select(Category.id).where(Category.name == name)
    if exclude_id is not None:
        clash = clash.where(Category.id != exclude_id)
    if db.session.scalar(clash) is not None:
        raise NotAllowed(f"类别名称“{name}”已存在", "name")
    return name


def create_category(
    *, code: str, name: str, sort_order: int = 0, is_active: bool = True
) -> Category:
    """Add a case category. ``code`` (what the API uses) is lowercase ASCII letters,
    digits and underscores, unique, and never changes; ``name`` is unique.
    Raises NotAllowed naming the field."""
    code = (code or "").strip()
    if not CATEGORY_CODE_RE.match(code):
        raise NotAllowed("类别代码只能使用小写英文字母、数字和下划线，最多30位", "code")
    if db.session.scalar(sa.select(Category.id).where(Category.code == code)) is not None:
        raise NotAllowed(f"类别代码“{code}”已存在", "code")
    category = Category(
        code=code, name=_check_category_name(name), sort_order=sort_order, is_active=is_active
    )
    db.session.add(category)
    db.session.flush()
    return category


def update_category(category: Category, *, name: str, sort_order: int, is_active: bool) -> None:
    """Rename, reorder or (de)activate a category; its code stays. A deactivated category
    is no longer offered for new cases; existing cases keep it. Raises NotAllowed."""
    category.name = _check_category_name(name, exclude_id=category.id)
    category.sort_order = sort_order
    category.is_active = is_active
    db.session.flush()
