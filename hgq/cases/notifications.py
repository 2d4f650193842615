"""Who is told of each case event (DESIGN §3; the deadline sweep adds due-soon and
overdue notices). Called by the case services after an event is appended."""

from __future__ import annotations

import sqlalchemy as sa

from hgq.accounts.models import Role, User, UserRole
from hgq.cases.models import Case, CaseEvent, Satisfaction
from hgq.cases.workflow import TOP_LEVEL, Action
from hgq.enterprises.models import Assignment
from hgq.extensions import db
from hgq.notifications.services import notify


def _enterprise_accounts(case: Case) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(User.id).where(
                User.enterprise_id == case.enterprise_id, User.active.is_(True)
            )
        )
    )


def _committee() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(User.id)
            .join(UserRole)
            .where(UserRole.role == Role.COMMITTEE, User.active.is_(True))
        )
    )


def queue_owners(case: Case) -> list[int]:
    """Who must act when the case has a handler, or holds the queue it waits in."""
    if case.handler_id is not None:
        return [case.handler_id]
    if case.level >= TOP_LEVEL:
        return _committee()
    leader = db.session.scalar(
        sa.select(Assignment.leader_id).where(
            Assignment.enterprise_id == case.enterprise_id, Assignment.end_date.is_(None)
        )
    )
    # An uncovered enterprise's case is a coverage breach: the committee hears of it.
    return [leader] if leader is not None else _committee()


def supervisors(case: Case) -> list[int]:
    """Who stands above the case's level: the enterprise's leader below level 2 (or the
    committee when it has none), the committee from level 2 on."""
    if case.level < 2:
        leader = db.session.scalar(
            sa.select(Assignment.leader_id).where(
                Assignment.enterprise_id == case.enterprise_id, Assignment.end_date.is_(None)
            )
        )
        if leader is not None:
            return [leader]
    return _committee()


# Deadline actions: (kind, title prefix, recipients)
DEADLINE_MESSAGES = {
    Action.URGE: ("case_urged", "案件被督办", queue_owners),
    Action.REQUEST_EXTENSION: ("case_extension_requested", "延期申请待审批", supervisors),
    Action.APPROVE_EXTENSION: ("case_extension_approved", "延期申请已批准", queue_owners),
    Action.REFUSE_EXTENSION: ("case_extension_refused", "延期申请未批准", queue_owners),
}


def _staff_message(case: Case, event: CaseEvent) -> tuple[str, str, list[int]] | None:
    action = Action(event.action)
    if action in DEADLINE_MESSAGES:
        kind, prefix, recipients = DEADLINE_MESSAGES[action]
        return kind, f"{prefix}：{case.code} {case.title}", recipients(case)
    if action is Action.SUBMIT:
        return "case_new", f"新诉求 {case.code}：{case.title}", queue_owners(case)
    if action is Action.ESCALATE:
        return (
            "case_escalated",
            f"案件已升级至第{case.level}级：{case.code} {case.title}",
            queue_owners(case),
        )
    if action is Action.RATE:
        rating = case.rating_satisfaction
        dissatisfied = rating is Satisfaction.DISSATISFIED
        label = rating.label if rating else ""
        title = (
            f"企业不满意，案件重办：{case.code}"
            if dissatisfied
            else f"企业已评价（{label}）：{case.code}"
        )
        owners = [u for u in (case.handler_id, case.first_owner_id) if u]
        return ("case_reopened" if dissatisfied else "case_rated"), title, owners
    if action in (Action.REOPEN, Action.WITHDRAW):
        kind = "case_reopened" if action is Action.REOPEN else "case_withdrawn"
        verb = "重办" if action is Action.REOPEN else "撤回"
        return kind, f"案件已{verb}：{case.code} {case.title}", queue_owners(case)
    return None


ENTERPRISE_ACTIONS = {
    Action.ACCEPT: "您的诉求已受理",
    Action.REPLY: "您的诉求有新的回复",
    Action.RESOLVE: "您的诉求已办结，请评价",
    Action.REJECT: "您的诉求不予受理，请查看答复",
    Action.CLOSE: "您的诉求已归档",
    Action.PAUSE: "您的诉求已暂停计时，等待贵企业补充",
    Action.RESUME: "您的诉求已恢复办理",
}


def notify_event(case: Case, event: CaseEvent) -> None:
    """Tell the people concerned about ``event`` (never the person who acted)."""
    staff = _staff_message(case, event)
    if staff is not None:
        kind, title, recipients = staff
        notify(
            recipients,
            kind=kind,
            title=title,
            body=event.note[:200],
            case_id=case.id,
            event_id=event.id,
            exclude=event.actor_id,
        )
    action = Action(event.action)
    if event.visible_to_enterprise and action in ENTERPRISE_ACTIONS:
        notify(
            _enterprise_accounts(case),
            kind=f"case_{action.value}",
            title=f"{ENTERPRISE_ACTIONS[action]}：{case.code}",
            body=event.note[:200],
            case_id=case.id,
            event_id=event.id,
            exclude=event.actor_id,
        )
