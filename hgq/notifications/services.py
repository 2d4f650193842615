"""Sending and reading notifications. Services flush; callers commit."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from hgq.db import utcnow
from hgq.extensions import db
from hgq.notifications.models import Notification


def notify(
    user_ids: Iterable[int],
    *,
    kind: str,
    title: str,
    body: str = "",
    case_id: int | None = None,
    event_id: int | None = None,
    exclude: int | None = None,
) -> list[Notification]:
    """Add one notification per distinct user (never to ``exclude``, the actor)."""
    made = []
    for user_id in dict.fromkeys(user_ids):
        if user_id is None or user_id == exclude:
            continue
        note = Notification(
            user_id=user_id,
            kind=kind,
            title=title[:200],
            body=body[:500],
            case_id=case_id,
            event_id=event_id,
        )
        db.session.add(note)
        made.append(note)
    db.session.flush()
    return made


def mark_read(user_id: int, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or only the given ids).
    Returns how many changed; other users' notifications are never touched."""
    stmt = (
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if notification_ids is not None:
        stmt = stmt.where(Notification.id.in_(list(notification_ids)))
    result = db.session.execute(stmt, execution_options={"synchronize_session": False})
    return result.rowcount or 0  # type: ignore[attr-defined]
