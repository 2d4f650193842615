"""Audit records: one per security event or administrative change. Append-only and
hash-chained (:mod:`hgq.audit.chain`); the database refuses UPDATE and DELETE
(:mod:`hgq.audit.triggers`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgq.accounts.models import User
from hgq.audit.chain import Chained
from hgq.audit.triggers import append_only
from hgq.db import Base, UTCDateTime, utcnow


class AuditRecord(Chained, Base):
    __tablename__ = "audit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    # What happened, e.g. "sla.update", "calendar.day", "calendar.import".
    action: Mapped[str] = mapped_column(sa.String(50), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(30), default="")
    target_id: Mapped[str] = mapped_column(sa.String(40), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()


append_only(AuditRecord.__table__)  # type: ignore[arg-type]
