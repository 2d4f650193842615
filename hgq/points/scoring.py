"""The vocabulary of the points engine: local months and scoring events.

A month is a local calendar month of the zone (:func:`hgq.timeutil.zone`); an event
belongs to the month its local time falls in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa

from hgq.points.models import SourceType
from hgq.timeutil import zone

MONTH_PATTERN = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Month:
    """A local calendar month: ``text`` "2026-11", its days and its UTC bounds."""

    text: str
    first_day: date
    next_first_day: date

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2026-11`` → that month; ValueError for anything else."""
        match = MONTH_PATTERN.fullmatch(text or "")
        if not match or not 2000 <= int(match[1]) <= 2100:
            raise ValueError(f"月份格式应为 YYYY-MM：{text!r}")
        first = date(int(match[1]), int(match[2]), 1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(text, first, following)

    @classmethod
    def of(cls, moment: datetime) -> Month:
        """The local month ``moment`` falls in."""
        return cls.parse(moment.astimezone(zone()).strftime("%Y-%m"))

    @property
    def start(self) -> datetime:
        return local_midnight(self.first_day)

    @property
    def end(self) -> datetime:
        return local_midnight(self.next_first_day)

    def previous(self) -> Month:
        return Month.parse((self.first_day - timedelta(days=1)).strftime("%Y-%m"))


def local_midnight(day: date, tz: tzinfo | None = None) -> datetime:
    """The start of a local day, as an aware time (``tz``: the zone, if at hand)."""
    return datetime.combine(day, time(0), tzinfo=tz or zone())


def local_day(moment: datetime, tz: tzinfo | None = None) -> date:
    return moment.astimezone(tz or zone()).date()


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Scoring:
    """One event a rule scores: the entry it should have (points aside)."""

    key: str
    code: str
    user_id: int
    at: datetime
    source_type: SourceType
    source_id: int
    event_id: int | None = None


def in_month(column: Any, month: Month) -> sa.ColumnElement[bool]:
    return sa.and_(column >= month.start, column < month.end)
