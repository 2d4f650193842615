"""Point rules, point entries and appeals (积分考核, DESIGN §6)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgq.accounts.models import User
from hgq.db import Base, UTCDateTime, enum_type, utcnow


class SourceType(StrEnum):
    """What a point entry comes from; ``source_id`` is that object's id."""

    CASE = "case"
    VISIT = "visit"
    CHECKLIST = "checklist"
    MANUAL = "manual"  # an assessor's adjustment; source_id is the entry's own id

    @property
    def label(self) -> str:
        return {"case": "诉求", "visit": "走访", "checklist": "每周清单", "manual": "人工调整"}[
            self.value
        ]


class PointRule(Base):
    """How many points an event of kind ``code`` earns, from ``active_from`` on.

    A rule is never edited in place once it has been in force: a change is a new row
    with a later ``active_from``, so the points of an earlier month recompute exactly
    as they were. ``monthly_cap`` bounds what one person may earn from the rule in a
    month (None: no cap); ``enabled`` False switches the rule off from that date.
    """

    __tablename__ = "point_rules"
    __table_args__ = (sa.UniqueConstraint("code", "active_from", name="uq_point_rules_code_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    points: Mapped[int]
    monthly_cap: Mapped[int | None]
    active_from: Mapped[date]
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()


class PointEntry(Base):
    """Points one person got (or lost) for one source event, in one month.

    Append-only. ``source_key`` names the scoring event (e.g. the case event that was
    the first response) and is unique, so an event scores at most once however often
    a month is recomputed. A mistake is corrected by a new entry that points at the
    one it corrects (``corrects_id``), never by changing or deleting it.
    """

    __tablename__ = "point_entries"
    __table_args__ = (sa.Index("ix_point_entries_period_user", "period", "user_id", "points"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The month the event belongs to, "2026-11" (local time).
    period: Mapped[str] = mapped_column(sa.String(7))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    points: Mapped[int]
    rule_code: Mapped[str] = mapped_column(sa.String(40))
    rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("point_rules.id"))
    source_type: Mapped[SourceType] = mapped_column(enum_type(SourceType, "point_source_type"))
    source_id: Mapped[int]
    event_id: Mapped[int | None]  # the case event, for case sources
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    source_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("point_entries.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    rule: Mapped[PointRule | None] = relationship()
    corrects: Mapped[PointEntry | None] = relationship(remote_side=[id])


class AppealStatus(StrEnum):
    PENDING = "pending"  # 待处理
    UPHELD = "upheld"  # 维持: the entry stands
    REVERSED = "reversed"  # 撤销: a correcting entry cancels it

    @property
    def label(self) -> str:
        return {"pending": "待处理", "upheld": "维持原分", "reversed": "已撤销"}[self.value]


class Appeal(Base):
    """申诉: a person contests one of his entries; an assessor decides."""

    __tablename__ = "point_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("point_entries.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[AppealStatus] = mapped_column(
        enum_type(AppealStatus, "appeal_status"), default=AppealStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str] = mapped_column(sa.Text, default="")
    # The correcting entry a reversal added.
    correction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("point_entries.id"))
    version: Mapped[int] = mapped_column(default=1)

    entry: Mapped[PointEntry] = relationship(foreign_keys=[entry_id])
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    correction: Mapped[PointEntry | None] = relationship(foreign_keys=[correction_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
