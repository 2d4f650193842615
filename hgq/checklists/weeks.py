"""ISO weeks (``2026-W48``) and the weekly checklist's deadline on the work calendar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hgq.deadlines.calendar import WorkCalendar

WEEK_PATTERN = re.compile(r"([0-9]{4})-W([0-9]{2})")


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week, known by its Monday."""

    monday: date

    @classmethod
    def of(cls, day: date) -> Week:
        return cls(day - timedelta(days=day.weekday()))

    @classmethod
    def parse(cls, text: str) -> Week | None:
        """``2026-W48`` → that week; None for anything else (including week 53 of a
        year that has only 52)."""
        match = WEEK_PATTERN.fullmatch(text or "")
        if not match:
            return None
        year, number = int(match[1]), int(match[2])
        if not 2000 <= year <= 2100:
            return None
        try:
            return cls(date.fromisocalendar(year, number, 1))
        except ValueError:
            return None

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]

    def __str__(self) -> str:
        year, number, _ = self.monday.isocalendar()
        return f"{year}-W{number:02d}"

    @property
    def label(self) -> str:
        """2026年第48周（11月23日—11月29日）"""
        year, number, _ = self.monday.isocalendar()
        return (
            f"{year}年第{number}周（{self.monday.month}月{self.monday.day}日—"
            f"{self.sunday.month}月{self.sunday.day}日）"
        )

    def shift(self, weeks: int) -> Week:
        return Week(self.monday + timedelta(weeks=weeks))

    def contains(self, day: date) -> bool:
        return self.monday <= day <= self.sunday


def parse_due_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def deadline_day(week: Week, weekday: int, calendar: WorkCalendar) -> date:
    """The day a week's checklist is due: ``weekday`` (0 = Monday; Friday by default)
    if it is a working day, else the last working day before it in the week; in a
    week with no working day up to then (a long holiday), the first working day after.
    """
    day = week.monday + timedelta(days=weekday)
    while day >= week.monday:
        if calendar.is_workday(day):
            return day
        day -= timedelta(days=1)
    return calendar.next_workday(week.monday + timedelta(days=weekday + 1))


def deadline(
    week: Week, weekday: int, at: time, calendar: WorkCalendar, zone: ZoneInfo
) -> datetime:
    """The submission deadline as an aware local time (store it in UTC)."""
    return datetime.combine(deadline_day(week, weekday, calendar), at, tzinfo=zone)
