"""The work calendar: official exceptions to the weekday rule, and which years are known."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

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
