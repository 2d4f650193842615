"""Sign-in attempts, kept for 登录失败处理 (lockout and per-address limits)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hgq.db import Base, UTCDateTime, enum_type, utcnow


class AttemptKind(StrEnum):
    FAILURE = "failure"  # wrong username or password, or a disabled account
    SUCCESS = "success"  # signed in: the username's failures no longer count
    UNLOCK = "unlock"  # an administrator unlocked the username


class LoginAttempt(Base):
    """One sign-in attempt (or unlock) by username and address. Counted by
    :mod:`hgq.security.throttle`; kept in the database so every server process sees
    the same counts. The username is stored as typed (lower-cased), whether or not
    such an account exists, so a lockout says nothing about which accounts exist."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        sa.Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80))
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    kind: Mapped[AttemptKind] = mapped_column(enum_type(AttemptKind, "login_attempt_kind"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordHistory(Base):
    """A password hash a user had before, for the policy's no-reuse rule."""

    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
