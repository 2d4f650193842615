"""The points engine (积分考核): turn a month's record into point entries.

:func:`recompute` derives every scoring event of a month (:mod:`hgq.points.sources`
says which, and who scores), prices each with the rule version in force on its day
(:func:`hgq.points.rules.rule_for`) and its monthly cap, then compares with what is
stored:

- an event without an entry gets one (``source_key`` is the event's key, so it can
  never score twice);
- an entry whose points (with its earlier corrections) differ from what the rules
  give now — a rule version created for a day already scored, a cap — gets a
  correcting entry for the difference (``corrects_id``, key ``{key}:fix:{n}``);
- nothing is ever updated or deleted, and an entry reversed on appeal is left as
  the assessor decided.

So running it again changes nothing, and a month recomputes to the same figures.
Monthly caps: a person's events of one rule in a month are priced in time order;
once the cap is reached the rest get 0 points, noted "已达本月上限" (a partial
amount when the cap falls inside one).

Services flush; :func:`recompute_recent` (the sweep, the CLI) commits.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hgq.extensions import db
from hgq.points import rules as r
from hgq.points.models import PointEntry
from hgq.points.scoring import Month, Scoring, local_day
from hgq.points.sources import scoring_events
from hgq.timeutil import zone

log = logging.getLogger(__name__)

CAPPED_NOTE = "已达本月上限"
KEY_CHUNK = 500


@dataclass
class RecomputeResult:
    """What a recompute did: ``added`` new entries, ``corrected`` entries given a
    correcting entry, ``skipped`` scoring events left as they were (their entry stands
    as the rules give it, it was reversed on appeal, or no rule gives them points)."""

    added: int = 0
    corrected: int = 0
    skipped: int = 0

    def __add__(self, other: RecomputeResult) -> RecomputeResult:
        return RecomputeResult(
            self.added + other.added,
            self.corrected + other.corrected,
            self.skipped + other.skipped,
        )

    @property
    def changed(self) -> int:
        """Entries written (new ones and corrections)."""
        return self.added + self.corrected


@dataclass(frozen=True)
class Priced:
    """A scoring event with the points the rules give it now (None: no rule does)."""

    scoring: Scoring
    points: int | None
    rule_id: int | None
    capped: bool


def price(events: Iterable[Scoring], rules_cache: r.RulesCache) -> list[Priced]:
    """Price events (in time order) with the version in force on each one's local day;
    a cap bounds the points (either sign) of one person and rule in the month."""
    tz = zone()
    used: dict[tuple[int, str], int] = {}
    priced = []
    for event in events:
        rule = r.rule_for(event.code, local_day(event.at, tz), rules_cache)
        if rule is None or not rule.enabled:
            priced.append(Priced(event, None, None, False))
            continue
        points, capped = rule.points, False
        if rule.monthly_cap is not None:
            spent = used.get((event.user_id, event.code), 0)
            room = max(0, rule.monthly_cap - spent)
            if abs(points) > room:
                points, capped = (room if points > 0 else -room), True
            used[(event.user_id, event.code)] = spent + abs(points)
        priced.append(Priced(event, points, rule.id, capped))
    return priced


@dataclass(slots=True)
class _Stored:
    """An original entry of the month: its points, its corrections' points, and
    whether an appeal reversed it."""

    id: int
    points: int
    fixes: list[int]
    reversed: bool = False

    @property
    def net(self) -> int:
        return self.points + sum(self.fixes)


def _stored(month: Month) -> dict[str, _Stored]:
    """The month's derived entries by key, with their corrections (one query, plain
    rows: a month may hold many thousands)."""
    stmt = (
        sa.select(
            PointEntry.id,
            PointEntry.points,
            PointEntry.rule_code,
            PointEntry.source_key,
            PointEntry.corrects_id,
        )
        .where(PointEntry.period == month.text)
        .order_by(PointEntry.id)
    )
    rows = db.session.execute(stmt).all()
    by_key: dict[str, _Stored] = {}
    by_id: dict[int, _Stored] = {}
    for entry_id, points, code, key, corrects_id in rows:
        if corrects_id is None and code not in r.PSEUDO_CODES:
            by_id[entry_id] = by_key[key] = _Stored(entry_id, points, [])
    for _, points, code, _, corrects_id in rows:
        stored = by_id.get(corrects_id) if corrects_id is not None else None
        if stored is None:
            continue
        if code == r.APPEAL_REVERSAL:
            stored.reversed = True
        else:
            stored.fixes.append(points)
    return by_key


def _entries(ids: list[int]) -> dict[int, PointEntry]:
    found: dict[int, PointEntry] = {}
    for start in range(0, len(ids), KEY_CHUNK):
        chunk = ids[start : start + KEY_CHUNK]
        found.update(
            (e.id, e)
            for e in db.session.scalars(sa.select(PointEntry).where(PointEntry.id.in_(chunk)))
        )
    return found


def _stored_elsewhere(keys: list[str]) -> set[str]:
    """Of ``keys``, those already used by an entry of another month (left alone)."""
    found: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK]
        found.update(
            db.session.scalars(
                sa.select(PointEntry.source_key).where(PointEntry.source_key.in_(chunk))
            )
        )
    return found


def _new_entry(item: Priced, month: Month, now: datetime) -> dict[str, Any]:
    event = item.scoring
    return {
        "user_id": event.user_id,
        "period": month.text,
        "at": event.at,
        "points": item.points,
        "rule_code": event.code,
        "rule_id": item.rule_id,
        "source_type": event.source_type,
        "source_id": event.source_id,
        "event_id": event.event_id,
        "note": CAPPED_NOTE if item.capped else "",
        "source_key": event.key,
        "corrects_id": None,
        "created_by_id": None,
        "created_at": now,
    }


def _fix_entry(
    item: Priced, original: PointEntry, stored: _Stored, wanted: int, now: datetime
) -> dict[str, Any]:
    note = f"按现行积分规则更正：原{stored.net:+d}分，应为{wanted:+d}分"
    if item.capped:
        note += f"（{CAPPED_NOTE}）"
    return {
        "user_id": original.user_id,
        "period": original.period,
        "at": now,
        "points": wanted - stored.net,
        "rule_code": original.rule_code,
        "rule_id": item.rule_id,
        "source_type": original.source_type,
        "source_id": original.source_id,
        "event_id": original.event_id,
        "note": note,
        "source_key": f"{original.source_key}:fix:{len(stored.fixes) + 1}",
        "corrects_id": original.id,
        "created_by_id": None,
        "created_at": now,
    }


def recompute(month: str, now: datetime) -> RecomputeResult:
    """Bring the entries of ``month`` ("2026-11", local time) in line with the record
    and the rules: add the missing entries and correct those the rules now price
    differently; never update or delete. Idempotent. Writes in the session's
    transaction; the caller commits. Raises ValueError for a malformed month."""
    period = Month.parse(month)
    priced = price(scoring_events(period), r.load_rules())
    stored = _stored(period)
    unknown = [p.scoring.key for p in priced if p.scoring.key not in stored]
    elsewhere = _stored_elsewhere(unknown) if unknown else set()
    result = RecomputeResult()
    new: list[dict[str, Any]] = []
    fixes: list[tuple[Priced, _Stored, int]] = []
    for item in priced:
        key = item.scoring.key
        existing = stored.get(key)
        if existing is None:
            if item.points is None or key in elsewhere:
                result.skipped += 1
                continue
            new.append(_new_entry(item, period, now))
            result.added += 1
            continue
        wanted = item.points or 0
        if existing.reversed or existing.net == wanted:
            result.skipped += 1
            continue
        fixes.append((item, existing, wanted))
    originals = _entries([existing.id for _, existing, _ in fixes]) if fixes else {}
    for item, existing, wanted in fixes:
        new.append(_fix_entry(item, originals[existing.id], existing, wanted, now))
        result.corrected += 1
    if new:
        # One multi-row INSERT (a first run of a month may add thousands).
        db.session.execute(sa.insert(PointEntry.__table__), new)
    return result


def recent_months(now: datetime) -> list[str]:
    """The previous and the current local month of ``now``, oldest first."""
    current = Month.of(now)
    return [current.previous().text, current.text]


def recompute_recent(now: datetime) -> RecomputeResult:
    """Recompute the previous and the current month (what the deadline sweep runs, so
    late records — a checklist closed missing, a rating — score within a minute).
    Stores the default rules first if none were ever stored. Commits each month; a
    month another process was writing at the same moment is left for the next run
    (its unique keys refused the second write)."""
    total = RecomputeResult()
    try:
        r.ensure_default_rules()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    for month in recent_months(now):
        try:
            total = total + recompute(month, now)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            log.info("积分重算 %s 与另一进程同时进行，留待下次", month)
    return total


def manual_key() -> str:
    """A fresh ``source_key`` for a manual adjustment."""
    return f"manual:{uuid.uuid4().hex}"
