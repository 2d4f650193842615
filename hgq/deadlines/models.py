"""The work calendar: official exceptions to the weekday rule, and which years are known."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgq.cases.models import Case
from hgq.db import Base, UTCDateTime, utcnow


class CalendarDay(Base):
    """A day that is not what its weekday says: a public holiday on a weekday
    (``is_workday`` False) or a make-up workday (调休) on a weekend (True)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    name: Mapped[str] = mapped_column(sa.String(50), default="")
    # Where the entry came from: "chinesecalendar 1.11.0", "import 2027.csv", "admin".
    source: Mapped[str] = mapped_column(sa.String(80), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CalendarYear(Base):
    """A year whose official holidays and make-up days are loaded. Deadlines falling in
    a year not listed here are provisional (weekdays only)."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(80))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SlaPolicy(Base):
    """The limits of one level, in working days (DESIGN §4 holds the defaults)."""

    __tablename__ = "sla_policies"
    __table_args__ = (sa.CheckConstraint("level BETWEEN 1 AND 3", name="level_range"),)

    level: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # From submission to the first accept or reply (only level 1 counts it).
    response_workdays: Mapped[int] = mapped_column(default=1)
    # From submission (level 1) or escalation (levels 2, 3) to resolution.
    resolution_workdays: Mapped[int]
    # Notice to the handler this many working days before a deadline.
    due_soon_workdays: Mapped[int] = mapped_column(default=1)
    # On a missed resolution deadline: escalate (levels 1, 2) or flag 督办 (level 3).
    auto_escalate: Mapped[bool] = mapped_column(default=True)
    # A resolved case with no rating closes by itself after this many days.
    auto_close_days: Mapped[int] = mapped_column(default=7)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CaseDeadline(Base):
    """One deadline a case was given: kept as history, never changed afterwards."""

    __tablename__ = "case_deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # response | resolution
    level: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    provisional: Mapped[bool] = mapped_column(default=False)
    # Why it was set: created, escalated, extended, resumed, reopened.
    reason: Mapped[str] = mapped_column(sa.String(20))
    workdays: Mapped[int]
    # The calendar data it was computed with (its years and their sources).
    calendar: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()


class DeadlineNotice(Base):
    """A deadline effect that must happen once: a due-soon or overdue notice, a 督办
    flag, an auto-close. The unique key makes a second sweep's attempt fail."""

    __tablename__ = "deadline_notices"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "kind", "due_at", name="uq_deadline_notices_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # due_soon | overdue | urged | closed
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
