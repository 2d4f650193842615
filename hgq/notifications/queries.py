"""Reads of a user's notifications."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hgq.extensions import db
from hgq.notifications.models import Notification


def count_unread(user_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def select_for_user(user_id: int, unread_only: bool = False) -> sa.Select[tuple[Notification]]:
    stmt = (
        sa.select(Notification)
        .where(Notification.user_id == user_id)
        .options(selectinload(Notification.case))
        .order_by(Notification.id.desc())
    )
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt
