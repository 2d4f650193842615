"""Missed deadlines as scoring events (``deadline_missed``); see
:mod:`hgq.points.sources` for the rule (once per case and level, at the sweep's
earliest record, scored to the handler then)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from hgq.cases.models import Case, CaseEvent
from hgq.cases.workflow import Action
from hgq.deadlines.models import CaseDeadline, DeadlineNotice
from hgq.extensions import db
from hgq.points import rules as r
from hgq.points.models import SourceType
from hgq.points.scoring import Month, Scoring, in_month

MISSED_NOTICE_KINDS = ("overdue", "urged")


@dataclass(frozen=True)
class _Miss:
    case_id: int
    level: int
    at: datetime
    event_id: int | None  # the sweep's escalation; None for a notice
    handler_id: int | None  # known for an escalation; looked up for a notice


def _system_escalations(month: Month, cases: Any) -> list[_Miss]:
    stmt = sa.select(
        CaseEvent.id, CaseEvent.case_id, CaseEvent.at, CaseEvent.from_level, CaseEvent.data
    ).where(
        CaseEvent.action == Action.ESCALATE,
        CaseEvent.actor_id.is_(None),
        CaseEvent.at < month.end,
        CaseEvent.case_id.in_(cases),
    )
    return [
        _Miss(case_id, level, at, event_id, (data or {}).get("from_handler_id"))
        for event_id, case_id, at, level, data in db.session.execute(stmt)
        if level is not None
    ]


def _resolution_notices(month: Month, cases: Any) -> list[_Miss]:
    """Notices of missed resolution deadlines, with the deadline's level."""
    stmt = (
        sa.select(DeadlineNotice.case_id, DeadlineNotice.created_at, CaseDeadline.level)
        .join(
            CaseDeadline,
            sa.and_(
                CaseDeadline.case_id == DeadlineNotice.case_id,
                CaseDeadline.due_at == DeadlineNotice.due_at,
                CaseDeadline.kind == "resolution",
            ),
        )
        .where(
            DeadlineNotice.kind.in_(MISSED_NOTICE_KINDS),
            DeadlineNotice.created_at < month.end,
            DeadlineNotice.case_id.in_(cases),
        )
        .distinct()
    )
    return [
        _Miss(case_id, level, at, None, None) for case_id, at, level in db.session.execute(stmt)
    ]


def _handlers_then(misses: list[_Miss], cases: Any) -> dict[tuple[int, int], int | None]:
    """(case, level) → the handler at the time of the notice, for notice misses: who
    the next escalation from that level took the case from, else (still at that level)
    the current handler."""
    wanted = {(m.case_id, m.level): m.at for m in misses if m.event_id is None}
    if not wanted:
        return {}
    escalations: dict[tuple[int, int], list[tuple[datetime, int | None]]] = {}
    stmt = (
        sa.select(CaseEvent.case_id, CaseEvent.from_level, CaseEvent.at, CaseEvent.data)
        .where(CaseEvent.action == Action.ESCALATE, CaseEvent.case_id.in_(cases))
        .order_by(CaseEvent.id)
    )
    for case_id, level, at, data in db.session.execute(stmt):
        escalations.setdefault((case_id, level), []).append(
            (at, (data or {}).get("from_handler_id"))
        )
    current = {
        case_id: (level, handler_id)
        for case_id, level, handler_id in db.session.execute(
            sa.select(Case.id, Case.level, Case.handler_id).where(Case.id.in_(cases))
        )
    }
    found: dict[tuple[int, int], int | None] = {}
    for (case_id, level), at in wanted.items():
        later = [h for when, h in escalations.get((case_id, level), []) if when > at]
        if later:
            found[(case_id, level)] = later[0]
        elif current.get(case_id, (None, None))[0] == level:
            found[(case_id, level)] = current[case_id][1]
    return found


def missed_deadlines(month: Month) -> Iterator[Scoring]:
    """Once per case and level, at its earliest record (which may be in an earlier
    month, then it scores there)."""
    touched = sa.union(
        sa.select(CaseEvent.case_id).where(
            CaseEvent.action == Action.ESCALATE,
            CaseEvent.actor_id.is_(None),
            in_month(CaseEvent.at, month),
        ),
        sa.select(DeadlineNotice.case_id).where(
            DeadlineNotice.kind.in_(MISSED_NOTICE_KINDS), in_month(DeadlineNotice.created_at, month)
        ),
    ).subquery()
    cases = sa.select(touched.c.case_id)
    misses = _system_escalations(month, cases) + _resolution_notices(month, cases)
    earliest: dict[tuple[int, int], _Miss] = {}
    # At the same moment the escalation (with its event) wins over a notice.
    for miss in sorted(misses, key=lambda m: (m.at, m.event_id is None)):
        earliest.setdefault((miss.case_id, miss.level), miss)
    handlers = _handlers_then(list(earliest.values()), cases)
    for (case_id, level), miss in earliest.items():
        if miss.at < month.start:
            continue
        handler = miss.handler_id if miss.event_id is not None else handlers.get((case_id, level))
        if handler is None:
            continue  # a queue: nobody in person
        yield Scoring(
            f"deadline_missed:{case_id}:{level}",
            r.DEADLINE_MISSED,
            handler,
            miss.at,
            SourceType.CASE,
            case_id,
            miss.event_id,
        )
