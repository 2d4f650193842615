"""Creating cases and taking actions on them. Every status, level or handler change
goes through :func:`perform_action`, which asks the workflow and appends an event.

Services check, change and flush; the caller commits once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from hgq import access
from hgq.accounts.models import Role, User
from hgq.audit.services import record_audit, record_change
from hgq.cases.codes import next_case_code
from hgq.cases.effects import EFFECTS, check_text, current_assignment
from hgq.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Channel,
    Urgency,
)
from hgq.cases.notifications import notify_event
from hgq.cases.workflow import (
    ACTION_LABELS,
    RULES,
    Action,
    ActionNotAllowed,
    Relation,
    check_action,
)
from hgq.db import utcnow
from hgq.deadlines.services import apply_deadlines
from hgq.enterprises.models import Enterprise, Project
from hgq.errors import NotAllowed, VersionConflict
from hgq.extensions import db
from hgq.stats import rollup

SYSTEM = frozenset({Relation.SYSTEM})
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
    visit_id: int | None = None,
) -> Case:
    """Log a request and apply the 首问 rule. ``visit_id``: the visit (定期联络) it was
    found during, if any.

    Staff creating it become its ``first_owner``; for a case the enterprise submits,
    the enterprise's current officer does. The level-1 handler is the enterprise's
    officer (or the creating officer); with no officer the case waits in the leaders'
    queue (handler None) and counts as a coverage breach (first_owner None).
    Raises NotAllowed for bad input or a creator who may not log for this enterprise.
    """
    if not access.can_create_case_for(creator, enterprise):
        raise NotAllowed("您不能为该企业登记诉求", "enterprise_id")
    title = check_text(title, "title", "标题", TITLE_MAX)
    description = check_text(description, "description", "诉求内容", TEXT_MAX)
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
    now = utcnow()
    code = next_case_code()
    # One INSERT for the case with its first event and deadlines (version 1).
    with db.session.no_autoflush:
        case = Case(
            created_at=now,
            level_started_at=now,
            code=code,
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
            visit_id=visit_id,
        )
        db.session.add(case)
        rollup.stamp_submission(case, assignment)  # statistics: leader, department then
        event = _append_event(case, creator, Action.SUBMIT, None, None, description[:200], True, {})
        apply_deadlines(case, Action.SUBMIT, now, {})
    db.session.flush()
    rollup.apply(None, rollup.contribution(case), rollup.cell_key(case))  # statistics
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
    actor: User | None,
    *,
    expected_version: int | None,
    note: str = "",
    **payload: Any,
) -> CaseEvent:
    """Take ``action`` on ``case`` as ``actor`` and append its event. ``actor`` None is
    the system (the deadline sweep), which may take only what the table gives SYSTEM.

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
    relations = SYSTEM if actor is None else access.case_relations(actor, case)
    target = check_action(case, action, relations, payload, now)
    rule = RULES[action]
    note = check_text(note, "note", "说明", TEXT_MAX, required=rule.note_required)
    from_status, from_level = case.status, case.level
    effect_input = {**payload, "note": note}
    # Statistics (hgq.stats): the case's counters now; the change is applied as a delta
    # to its cell after the flush below, in the same transaction.
    stats_before = rollup.contribution(case)
    try:
        # Queries in the effects and deadline rules must not flush half a change: the
        # case is written once, at the end, so ``version`` grows by exactly one.
        with db.session.no_autoflush:
            data = EFFECTS[action](case, actor, effect_input, now)
            case.status = target
            apply_deadlines(case, action, now, effect_input)
            # Always an UPDATE of the case row, so every action (a note too) bumps
            # ``version`` and two concurrent actions can never both pass the check.
            case.updated_at = now
            event = _append_event(
                case, actor, action, from_status, from_level, note, rule.visible_to_enterprise, data
            )
        db.session.flush()
    except StaleDataError:
        raise VersionConflict(
            "您提交期间，其他人同时处理了该案件。请刷新后查看最新情况再操作。"
        ) from None
    rollup.apply(stats_before, rollup.contribution(case), rollup.cell_key(case))
    notify_event(case, event)
    return event


# -- categories -----------------------------------------------------------------
CATEGORY_CODE_RE = re.compile(r"^[a-z0-9_]{1,30}$")
CATEGORY_NAME_MAX = 30


def _check_category_name(name: str, exclude_id: int | None = None) -> str:
    name = check_text(name, "name", "类别名称", CATEGORY_NAME_MAX)
    clash = sa.select(Category.id).where(Category.name == name)
    if exclude_id is not None:
        clash = clash.where(Category.id != exclude_id)
    if db.session.scalar(clash) is not None:
        raise NotAllowed(f"类别名称“{name}”已存在", "name")
    return name


def _category_state(category: Category) -> dict[str, object]:
    return {
        "code": category.code,
        "name": category.name,
        "sort_order": category.sort_order,
        "is_active": category.is_active,
    }


def create_category(
    *, code: str, name: str, actor: User | None, sort_order: int = 0, is_active: bool = True
) -> Category:
    """Add a case category (audited as "category.create"). ``code`` (what the API uses)
    is lowercase ASCII letters, digits and underscores, unique, and never changes;
    ``name`` is unique. Raises NotAllowed naming the field."""
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
    record_audit(
        "category.create",
        actor=actor,
        target_type="category",
        target_id=category.id,
        after=_category_state(category),
    )
    return category


def update_category(
    category: Category, *, name: str, sort_order: int, is_active: bool, actor: User | None
) -> None:
    """Rename, reorder or (de)activate a category; its code stays (audited as
    "category.update" with the fields that changed). A deactivated category is no longer
    offered for new cases; existing cases keep it. Raises NotAllowed."""
    before = _category_state(category)
    category.name = _check_category_name(name, exclude_id=category.id)
    category.sort_order = sort_order
    category.is_active = is_active
    db.session.flush()
    record_change(
        "category.update",
        actor=actor,
        target_type="category",
        target_id=category.id,
        before=before,
        after=_category_state(category),
    )
