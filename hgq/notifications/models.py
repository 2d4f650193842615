"""A notification for one user, usually about a case event."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgq.accounts.models import User
from hgq.cases.models import Case
from hgq.db import Base, UTCDateTime, utcnow


class Notification(Base):
    """Something a user should know. Unread until ``read_at`` is set."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_events.id"))
    # What happened, as a short code: case_new, case_escalated, case_replied, …
    kind: Mapped[str] = mapped_column(sa.String(40))
    # Where the notification leads when it is not about a case (a path in the app,
    # e.g. a weekly checklist); the notification centre links there.
    link: Mapped[str | None] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Email copy (hgq.notifications.mail): "none" (not wanted) | "pending" | "sent" |
    # "failed" (gave up after MAX_ATTEMPTS); attempts counts tries, emailed_at the success.
    email_status: Mapped[str] = mapped_column(
        sa.String(10), default="none", server_default="none", index=True
    )
    email_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    case: Mapped[Case | None] = relationship()
