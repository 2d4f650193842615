"""API tokens: stored hashed, expiring, revocable."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgq.accounts.models import User
from hgq.db import Base, UTCDateTime, utcnow


class ApiToken(Base):
    """A bearer token. Only the SHA-256 of the secret is kept; the secret itself is
    shown once, when the token is issued."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The user's session version when issued: a password reset, role change or
    # deactivation bumps it and so ends every token along with every session.
    session_version: Mapped[int]

    user: Mapped[User] = relationship()
