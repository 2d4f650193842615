"""What each case action does to the case beyond its status (DESIGN §3, §4): who
handles it next, response and resolution times, ratings, pauses and extensions.

Called only by :func:`hgq.cases.services.perform_action`, after the workflow allowed
the action; an effect may still refuse bad input by raising NotAllowed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.cases.models import Case, ResolutionType, Satisfaction
from hgq.cases.workflow import MAX_EXTENSION_WORKDAYS, Action
from hgq.enterprises.models import Assignment
from hgq.errors import NotAllowed
from hgq.extensions import db

Payload = dict[str, Any]
COMMENT_MAX = 500


def check_text(value: str, field: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise NotAllowed(f"请填写{label}", field)
    if len(value) > limit:
        raise NotAllowed(f"{label}不能超过{limit}字", field)
    return value


def current_assignment(enterprise_id: int) -> Assignment | None:
    return db.session.scalar(
        sa.select(Assignment).where(
            Assignment.enterprise_id == enterprise_id, Assignment.end_date.is_(None)
        )
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


def _do_accept(case: Case, actor: User | None, payload: Payload, now: datetime) -> Payload:
    _respond(case, now)
    if case.handler_id is None and case.level < 3:
        case.handler_id = actor.id  # a leader takes an unowned case from the queue
    return {}


def _do_reply(case: Case, actor: User | None, payload: Payload, now: datetime) -> Payload:
    _respond(case, now)
    return {}


def _do_escalate(case: Case, actor: User | None, payload: Payload, now: datetime) -> Payload:
    _end_waiting(case)
    from_handler = case.handler_id
    case.handler_id = _escalation_handler(case)
    case.level += 1
    case.level_started_at = now
    return {"from_handler_id": from_handler, "to_handler_id": case.handler_id}


def _do_resolve(case: Case, actor: User | None, payload: Payload, now: datetime) -> Payload:
    try:
        resolution = ResolutionType(payload.get("resolution_type"))
    except ValueError:
        raise NotAllowed(
            "请选择办结类型（已解决、解释说明或部分解决）", "resolution_type"
        ) from None
    _respond(case, now)
    _end_waiting(case)
    case.resolution_type = resolution
    case.resolution_reply = payload["note"]
    case.resolved_at = now
    case.resolved_level = case.level
    # A new resolution awaits a new rating; earlier ratings stay in the events.
    case.rating_solved = case.rating_satisfaction = case.rating_comment = case.rated_at = None
    return {"resolution_type": resolution.value}


def _do_rate(case: Case, actor: User | None, payload: Payload, now: datetime) -> Payload:
    solved = payload.get("solved")
    if not isinstance(solved, bool):
        raise NotAllowed("请选择问题是否已解决", "solved")
    try:
        satisfaction = Satisfaction(payload.get("satisfaction"))
    except ValueError:
        raise NotAllowed("请选择满意程度（满意、基本满意或不满意）", "satisfaction") from None
    comment = check_text(payload.get("comment") or "", "comment", "评价意见", COMMENT_MAX, False)
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


def _do_reopen(case: Case, actor: User | None, payload: Payload, now: datetime) -> Payload:
    case.reopen_count += 1
    case.closed_at = None
    case.closed_unrated = False
    return {}


def _do_close(case: Case, actor: User | None, payload: Payload, now: datetime) -> Payload:
    case.closed_at = now
    case.closed_unrated = True  # a rating would have closed it through RATE
    return {"unrated": True}


def _do_reject(case: Case, actor: User | None, payload: Payload, now: datetime) -> Payload:
    _respond(case, now)
    case.closed_at = now
    return {}


def _do_withdraw(case: Case, actor: User | None, payload: Payload, now: datetime) -> Payload:
    case.closed_at = now
    return {}


def _do_nothing(case: Case, actor: User | None, payload: Payload, now: datetime) -> Payload:
    return {}


def _do_urge(
    case: Case, actor: User | None, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    case.urged_at = now
    case.urge_count += 1
    return {"by_system": actor is None}


def _do_request_extension(
    case: Case, actor: User | None, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    days = payload.get("working_days")
    if (
        isinstance(days, bool)
        or not isinstance(days, int)
        or not 1 <= days <= MAX_EXTENSION_WORKDAYS
    ):
        raise NotAllowed(f"延期天数应为1至{MAX_EXTENSION_WORKDAYS}个工作日", "working_days")
    case.extension_pending_days = days
    return {"working_days": days}


def _do_decide_extension(
    case: Case, actor: User | None, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    days = case.extension_pending_days or 0
    payload["extension_days"] = days  # for the deadline rules (approval only)
    case.extension_pending_days = None
    return {"working_days": days}


def _do_pause(
    case: Case, actor: User | None, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    case.paused_at = now
    return {}


def _do_resume(
    case: Case, actor: User | None, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    payload["paused_at"] = case.paused_at
    case.paused_at = None
    return {"paused_since": case_paused_since(payload["paused_at"])}


def case_paused_since(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _end_waiting(case: Case) -> None:
    """A case that moves on (escalated, resolved) is no longer paused or awaiting an
    extension decision."""
    case.paused_at = None
    case.extension_pending_days = None


Effect = Callable[[Case, User | None, Payload, datetime], Payload]
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
    Action.URGE: _do_urge,
    Action.REQUEST_EXTENSION: _do_request_extension,
    Action.APPROVE_EXTENSION: _do_decide_extension,
    Action.REFUSE_EXTENSION: _do_decide_extension,
    Action.PAUSE: _do_pause,
    Action.RESUME: _do_resume,
}
