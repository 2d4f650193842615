"""Planning the demo zone's history (:mod:`hgq.demo.history`): which requests come in
on which day, from whom, and working-time arithmetic on the zone's calendar.

Everything random is drawn from :class:`random.Random` seeded with a string per month
and per case (string seeds do not depend on PYTHONHASHSEED), so a build on a given
day always plans the same history; the months are counted back from that day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from hgq.cases.models import Channel, Urgency
from hgq.deadlines.calendar import WorkCalendar
from hgq.demo.history_matters import (
    CATEGORY_WEIGHTS,
    MATTERS,
    REFUSED,
    WITHDRAWN,
    Matter,
    ShortMatter,
)

W = TypeVar("W")

SEED = "hgq-demo-history"
MONTHS_BACK = 12  # whole months before the current one
# Local office hours; the afternoon ends at the deadlines' cut-off (17:30).
WINDOWS = ((time(8, 30), time(12, 0)), (time(14, 30), time(17, 30)))
# Requests in a full month, before the season's factor: fewer around the Spring
# Festival (February) and National Day (October), more when building starts in spring.
PER_MONTH = (11, 18)
MAX_PER_MONTH = 20
SEASON = {2: 0.7, 3: 1.15, 4: 1.1, 10: 0.85}
# How requests arrive: an officer logs about half of them (channel weights), the
# enterprise submits the rest itself (企业自报), now and then in the evening.
BY_OFFICER = 0.55
OFFICER_CHANNELS = {
    Channel.ONSITE: 45,
    Channel.PHONE: 25,
    Channel.MEETING: 12,
    Channel.HOTLINE_12345: 10,
}
EVENING_SHARE = 0.2
URGENCIES = {Urgency.NORMAL: 76, Urgency.URGENT: 20, Urgency.CRITICAL: 4}
# An on-site request older than this many days is logged with its visit (走访). Later
# ones are not, so the demo's own recent visits decide who is overdue for contact.
VISIT_MIN_AGE_DAYS = 46


@dataclass(frozen=True)
class Firm:
    """A demo enterprise and the people around it, by id (ORM rows do not outlive the
    deadline sweep's commits)."""

    enterprise_id: int
    account_id: int
    officer_id: int
    leader_id: int


@dataclass
class CasePlan:
    """One request of the history as it comes in; what happens next is drawn from
    ``rng`` as the case moves on (:mod:`hgq.demo.history_life`).

    ``path``: ``normal``, ``instant`` (一次办: the officer solves it on the spot),
    ``refused`` (``short`` is the reply) or ``withdrawn`` (``short`` is the reason).
    """

    key: str
    submitted: datetime
    firm: Firm
    by_officer: bool
    channel: Channel
    on_visit: bool
    urgency: Urgency
    path: str
    matter: Matter | None
    short: ShortMatter | None
    rng: random.Random

    @property
    def source(self) -> Matter | ShortMatter:
        """What is asked for."""
        source = self.matter or self.short
        if source is None:
            raise ValueError(f"plan {self.key} asks for nothing")
        return source

    @property
    def note(self) -> str:
        """The refusal's reply or the withdrawal's reason (short paths only)."""
        return self.short.note if self.short is not None else ""


@dataclass(frozen=True)
class WorkClock:
    """Working time on the zone's calendar (local office hours, working days)."""

    calendar: WorkCalendar
    tz: ZoneInfo

    def at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz).astimezone(UTC)

    def windows(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.calendar.is_workday(day):
            return []
        return [(self.at(day, start), self.at(day, end)) for start, end in WINDOWS]

    def after(self, start: datetime, minutes: float) -> datetime:
        """The moment ``minutes`` working minutes after ``start`` (counted from the
        next office hours if ``start`` falls outside them)."""
        left = max(minutes, 0.0)
        day = start.astimezone(self.tz).date()
        for _ in range(400):
            for begin, end in self.windows(day):
                begin = max(begin, start)
                if begin >= end:
                    continue
                room = (end - begin).total_seconds() / 60
                if left <= room:
                    return begin + timedelta(minutes=round(left))
                left -= room
            day += timedelta(days=1)
        raise ValueError("no working time found")

    def minutes_between(self, start: datetime, end: datetime) -> float:
        total, day = 0.0, start.astimezone(self.tz).date()
        while self.at(day, time(0)) < end:
            for begin, finish in self.windows(day):
                overlap = (min(finish, end) - max(begin, start)).total_seconds() / 60
                total += max(overlap, 0.0)
            day += timedelta(days=1)
        return total

    def within(
        self, start: datetime, end: datetime, rng: random.Random, lo: float, hi: float
    ) -> datetime:
        """A moment between ``lo`` and ``hi`` (shares) of the working time from
        ``start`` to ``end``; a little after ``start`` when there is next to none."""
        total = self.minutes_between(start, end)
        if total < 30:
            return self.after(start, rng.randint(5, 20))
        return self.after(start, max(5.0, total * rng.uniform(lo, hi)))

    def office_moment(self, day: date, rng: random.Random) -> datetime:
        """A random moment in ``day``'s office hours (leaving the last minutes)."""
        start, end = rng.choice(self.windows(day))
        minutes = int((end - start).total_seconds() // 60) - 10
        return start + timedelta(minutes=rng.randint(0, minutes))

    def evening_moment(self, day: date, rng: random.Random) -> datetime:
        return self.at(day, time(19, 0)) + timedelta(minutes=rng.randint(0, 150))

    def daytime_after(
        self, start: datetime, rng: random.Random, hours: tuple[int, int]
    ) -> datetime:
        """Some hours after ``start`` at a waking hour (what an enterprise account does
        whenever it finds time, weekends included)."""
        moment = start + timedelta(minutes=rng.randint(hours[0] * 60, hours[1] * 60))
        local = moment.astimezone(self.tz)
        if local.hour < 8 or local.hour >= 22:
            day = local.date() + timedelta(days=1 if local.hour >= 22 else 0)
            moment = self.at(day, time(8, 0)) + timedelta(minutes=rng.randint(0, 120))
        return moment

    def workdays(self, first: date, last: date) -> list[date]:
        """The working days from ``first`` to ``last`` (both included)."""
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        return [day for day in days if self.calendar.is_workday(day)]


def history_months(today: date) -> list[date]:
    """The first days of the history's months: the last twelve, then the current one."""
    months = []
    year, month = today.year, today.month
    for _ in range(MONTHS_BACK + 1):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def plan_history(today: date, clock: WorkClock, firms: list[Firm]) -> list[CasePlan]:
    """Every request of the history, in order of submission: from the first of the
    month twelve months back until yesterday."""
    plans: list[CasePlan] = []
    officers = sorted({firm.officer_id for firm in firms})
    # The last working day before today always brings a request, still open today.
    recent = clock.workdays(today - timedelta(days=14), today - timedelta(days=1))[-1:]
    for month in history_months(today):
        # Demo data, not security: hence the nosec.
        rng = random.Random(f"{SEED}:{month:%Y-%m}")  # noqa: S311  # nosec B311
        full = clock.workdays(month, _next_month(month) - timedelta(days=1))
        days = [day for day in full if day < today]
        if not days:
            continue
        share = len(days) / len(full)
        count = round(rng.randint(*PER_MONTH) * SEASON.get(month.month, 1.0) * share)
        count = max(min(count, MAX_PER_MONTH), 1)
        # Every officer hears from one of his enterprises, then anyone may ask.
        order = rng.sample(officers, len(officers))
        chosen = [rng.choice([f for f in firms if f.officer_id == o]) for o in order]
        chosen += [rng.choice(firms) for _ in range(max(count - len(chosen), 0))]
        picked = sorted(rng.choice(days) for _ in chosen[:count])
        if recent and recent[0] in days:
            picked[-1] = recent[0]
        for n, (day, firm) in enumerate(
            zip(picked, rng.sample(chosen[:count], count), strict=True)
        ):
            plans.append(_plan_case(f"{month:%Y-%m}#{n:02d}", day, firm, today, clock))
    return sorted(plans, key=lambda plan: plan.submitted)


def _weighted(rng: random.Random, weights: dict[W, int]) -> W:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _plan_case(key: str, day: date, firm: Firm, today: date, clock: WorkClock) -> CasePlan:
    # Demo data, not security: hence the nosec.
    rng = random.Random(f"{SEED}:{key}")  # noqa: S311  # nosec B311
    draw = rng.random()
    path = "refused" if draw < 0.03 else "withdrawn" if draw < 0.05 else "normal"
    by_officer = path == "normal" and rng.random() < BY_OFFICER
    channel = _weighted(rng, OFFICER_CHANNELS) if by_officer else Channel.SELF_REPORTED
    if by_officer and channel in (Channel.ONSITE, Channel.PHONE) and rng.random() < 0.18:
        path = "instant"
    on_visit = channel is Channel.ONSITE and (today - day).days >= VISIT_MIN_AGE_DAYS
    evening = not by_officer and rng.random() < EVENING_SHARE
    submitted = clock.evening_moment(day, rng) if evening else clock.office_moment(day, rng)
    matter, short = None, None
    if path in ("refused", "withdrawn"):
        short = rng.choice(REFUSED if path == "refused" else WITHDRAWN)
    else:
        matter = rng.choice(MATTERS[_weighted(rng, CATEGORY_WEIGHTS)])
    urgency = _weighted(rng, URGENCIES)
    return CasePlan(
        key, submitted, firm, by_officer, channel, on_visit, urgency, path, matter, short, rng
    )
