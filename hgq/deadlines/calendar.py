"""Working days (工作日) of the Chinese calendar: weekends off, public holidays off,
make-up workdays (调休) on, as the State Council announces each year.

:class:`WorkCalendar` is a snapshot of the calendar tables, so deadline arithmetic
runs in memory; :func:`load_calendar` reads it once per request or sweep.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import sqlalchemy as sa

from hgq.deadlines.models import CalendarDay, CalendarYear
from hgq.extensions import db


@dataclass(frozen=True)
class WorkCalendar:
    """Exceptions to the weekday rule, and the years whose exceptions are known."""

    exceptions: dict[date, bool]
    known_years: frozenset[int]
    # Where the known years' data came from (e.g. "chinesecalendar 1.11.0").
    sources: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Which calendar data a deadline is computed with, for its history row."""
        if not self.known_years:
            return "无节假日数据（仅按周一至周五）"
        first, last = min(self.known_years), max(self.known_years)
        return f"{first}–{last}年（{'；'.join(self.sources)}）"[:200]

    def is_workday(self, day: date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def is_known(self, day: date) -> bool:
        """False for a year the calendar does not cover (its answer is a guess)."""
        return day.year in self.known_years

    def add_workdays(self, start: date, n: int) -> tuple[date, bool]:
        """The n-th working day after ``start`` (n ≥ 1), and whether every day counted
        lay in a known year (False: the result is provisional)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day, counted, known = start, 0, True
        while counted < n:
            day += timedelta(days=1)
            known = known and self.is_known(day)
            if self.is_workday(day):
                counted += 1
        return day, known

    def next_workday(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next one."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days from ``start`` to ``end``."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


def load_calendar() -> WorkCalendar:
    """The calendar as stored now (two small queries)."""
    rows = db.session.execute(sa.select(CalendarDay.day, CalendarDay.is_workday)).all()
    exceptions = {day: is_workday for day, is_workday in rows}
    years = db.session.execute(sa.select(CalendarYear.year, CalendarYear.source)).all()
    sources = tuple(sorted({source for _, source in years}))
    return WorkCalendar(exceptions, frozenset(year for year, _ in years), sources)


def seed_from_package(years: Iterable[int] | None = None) -> list[int]:
    """Load the holidays and make-up days of the ``chinesecalendar`` package into the
    tables, for the years it covers that are not loaded yet. Returns the years loaded."""
    import chinese_calendar
    from chinese_calendar.constants import holidays, workdays

    version = getattr(chinese_calendar, "__version__", "")
    source = f"chinesecalendar {version}".strip()
    covered = {d.year for d in holidays} | {d.year for d in workdays}
    wanted = covered if years is None else covered & set(years)
    loaded = set(db.session.scalars(sa.select(CalendarYear.year)))
    new_years = sorted(wanted - loaded)
    if not new_years:
        return []
    existing = set(db.session.scalars(sa.select(CalendarDay.day)))
    rows = [
        {"day": day, "is_workday": False, "name": _holiday_name(name), "source": source}
        for day, name in holidays.items()
        if day.year in new_years and day.weekday() < 5 and day not in existing
    ] + [
        {"day": day, "is_workday": True, "name": f"{_holiday_name(name)}调休上班", "source": source}
        for day, name in workdays.items()
        if day.year in new_years and day.weekday() >= 5 and day not in existing
    ]
    if rows:
        db.session.execute(sa.insert(CalendarDay), rows)
    db.session.add_all(CalendarYear(year=year, source=source) for year in new_years)
    db.session.flush()
    return new_years


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(value: str) -> str:
    return HOLIDAY_NAMES.get(value, value)


def parse_cutoff(text: str) -> time:
    """ "17:30" → time(17, 30); the setting DEADLINE_CUTOFF uses this form."""
    hours, minutes = (int(part) for part in text.split(":", 1))
    return time(hours, minutes)


def due_after(
    start_at: datetime, workdays: int, calendar: WorkCalendar, zone: tzinfo, cutoff: time
) -> tuple[datetime, bool]:
    """When a limit of ``workdays`` working days that starts at ``start_at`` runs out,
    and whether that is certain (False: provisional, a year the calendar lacks).

    Counting is in the zone's local time whatever the server's: something that
    arrives after the cut-off, or on a day off, counts from the next working day. The
    deadline is the cut-off time (the end of the working day) of the last day.
    """
    local = start_at.astimezone(zone)
    effective = local.date()
    if not calendar.is_workday(effective) or local.time() > cutoff:
        effective = calendar.next_workday(effective + timedelta(days=1))
    known = calendar.is_known(local.date()) and calendar.is_known(effective)
    due_day, counted_known = calendar.add_workdays(effective, workdays)
    due_local = datetime.combine(due_day, cutoff, tzinfo=zone)
    return due_local.astimezone(UTC), known and counted_known


def before_workdays(moment: datetime, n: int, calendar: WorkCalendar, zone: tzinfo) -> datetime:
    """The same local time ``n`` working days earlier (n ≥ 0)."""
    local = moment.astimezone(zone)
    day = local.date()
    for _ in range(n):
        day -= timedelta(days=1)
        while not calendar.is_workday(day):
            day -= timedelta(days=1)
    return datetime.combine(day, local.timetz()).astimezone(UTC)
