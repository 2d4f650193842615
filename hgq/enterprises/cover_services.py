"""Changes to covers (顶岗): an officer standing in for an absent colleague.

While a cover runs, the officer standing in sees and keeps in contact with the
colleague's enterprises (see :mod:`hgq.access`). Services check the rules, change,
write an audit record and flush; the caller commits once.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hgq.accounts.models import Role, User
from hgq.audit.services import record_audit
from hgq.enterprises.cover_queries import find_overlapping
from hgq.enterprises.models import Cover
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.timeutil import local_today

# A cover lasts at most a year (start and end inclusive) and is arranged at most a
# year ahead: longer absences call for a new assignment (联点包保), not a cover.
MAX_COVER_DAYS = 366
MAX_DAYS_AHEAD = 366
NOTE_MAX = 200


def cover_state(cover: Cover) -> dict[str, Any]:
    """What the audit trail keeps of a cover."""
    return {
        "officer_id": cover.officer_id,
        "colleague_id": cover.colleague_id,
        "start_date": cover.start_date.isoformat(),
        "end_date": cover.end_date.isoformat(),
        "note": cover.note,
    }


def _check_officer(user: User | None, label: str, field: str) -> User:
    if user is None or not user.active:
        raise NotAllowed(f"所选{label}不存在或已停用", field)
    if not user.has_role(Role.OFFICER):
        raise NotAllowed(f"{user.name}没有“包保责任人”角色", field)
    return user


def _check_period(start_date: date, end_date: date, today: date) -> None:
    if end_date < start_date:
        raise NotAllowed("结束日期不能早于开始日期", "end_date")
    if end_date < today:
        raise NotAllowed("结束日期不能早于今天：已经过去的顶岗无需安排", "end_date")
    if start_date > today + timedelta(days=MAX_DAYS_AHEAD):
        raise NotAllowed("开始日期不能晚于一年以后", "start_date")
    if (end_date - start_date).days + 1 > MAX_COVER_DAYS:
        raise NotAllowed("顶岗期限不能超过一年，长期由他人负责请调整包保关系", "end_date")


def create_cover(
    officer: User | None,
    colleague: User | None,
    start_date: date,
    end_date: date,
    note: str,
    actor: User,
) -> Cover:
    """Make ``officer`` stand in for ``colleague`` from ``start_date`` to ``end_date``
    (both inclusive).

    Refused (NotAllowed, naming the field) when either person is missing, inactive or
    not an officer; they are the same person; the end is before the start or before
    today; the start is more than a year ahead; the period is longer than a year; the
    note is too long; or the period shares a day with another cover of the same
    officer for the same colleague.
    """
    officer = _check_officer(officer, "顶岗人", "officer_id")
    colleague = _check_officer(colleague, "被顶岗的责任人", "colleague_id")
    if officer.id == colleague.id:
        raise NotAllowed("顶岗人和被顶岗的责任人不能是同一人", "colleague_id")
    _check_period(start_date, end_date, local_today())
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise NotAllowed(f"事由不能超过{NOTE_MAX}个字", "note")
    clash = find_overlapping(officer.id, colleague.id, start_date, end_date)
    if clash is not None:
        raise NotAllowed(
            f"{officer.name}已安排在{clash.start_date:%Y-%m-%d}至{clash.end_date:%Y-%m-%d}"
            f"为{colleague.name}顶岗，时段不能重叠",
            "start_date",
        )
    cover = Cover(
        officer=officer,
        colleague=colleague,
        start_date=start_date,
        end_date=end_date,
        note=note,
        created_by=actor,
    )
    db.session.add(cover)
    db.session.flush()
    record_audit(
        "cover.create",
        actor=actor,
        target_type="cover",
        target_id=cover.id,
        after=cover_state(cover),
    )
    return cover


def end_cover(cover: Cover, end_date: date, actor: User) -> Cover:
    """End ``cover`` early: it then runs until ``end_date`` (inclusive).

    Refused when the cover is already over, or ``end_date`` is before its start or not
    before its current end.
    """
    if cover.end_date < local_today():
        raise NotAllowed("该顶岗安排已经结束")
    if end_date < cover.start_date:
        raise NotAllowed(f"结束日期不能早于顶岗开始日期（{cover.start_date:%Y-%m-%d}）", "end_date")
    if end_date >= cover.end_date:
        raise NotAllowed(
            f"提前结束的日期须早于原定结束日期（{cover.end_date:%Y-%m-%d}）", "end_date"
        )
    before = cover_state(cover)
    cover.end_date = end_date
    db.session.flush()
    record_audit(
        "cover.end",
        actor=actor,
        target_type="cover",
        target_id=cover.id,
        before=before,
        after=cover_state(cover),
    )
    return cover


def cancel_cover(cover: Cover, actor: User) -> None:
    """Cancel a cover that has not begun (arranged by mistake, or no longer needed):
    it never took effect, so it is removed; the audit record keeps what it was. A
    cover that has begun can only be ended early (:func:`end_cover`)."""
    if cover.start_date <= local_today():
        raise NotAllowed("顶岗已经开始，只能提前结束，不能取消")
    before = cover_state(cover)
    cover_id = cover.id
    db.session.delete(cover)
    db.session.flush()
    record_audit(
        "cover.cancel", actor=actor, target_type="cover", target_id=cover_id, before=before
    )
