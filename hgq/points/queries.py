"""Reads of points (积分考核): periods (a month or a quarter), a person's entries and
total, rankings with the 红黑榜, and appeals. Nothing here writes.

A month's figures are the entries whose ``period`` is that month; a quarter's, those
of its three months. Rankings are public within the administration (any staff
member may read them); who may read a person's entries is :mod:`hgq.access`'s call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from hgq.accounts.models import Role, User, UserRole
from hgq.extensions import db
from hgq.points.models import Appeal, AppealStatus, PointEntry
from hgq.points.scoring import Month

PERIOD_PATTERN = re.compile(r"([0-9]{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))")
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True)
class Period:
    """A month ("2026-11", 2026年11月) or a quarter ("2026-Q4", 2026年第四季度) and
    the months ("2026-10" …) whose entries it sums."""

    kind: str  # "month" | "quarter"
    text: str
    label: str
    months: list[str] = field(hash=False)


def parse_period(text: str) -> Period | None:
    """``2026-11`` or ``2026-Q4`` (years 2000–2100) → the Period; None otherwise."""
    match = PERIOD_PATTERN.fullmatch(text or "")
    if not match or not 2000 <= int(match[1]) <= 2100:
        return None
    year = int(match[1])
    if match[2]:
        month = int(match[2])
        return Period("month", text, f"{year}年{month}月", [text])
    quarter = int(match[3])
    months = [f"{year}-{m:02d}" for m in range(quarter * 3 - 2, quarter * 3 + 1)]
    return Period("quarter", text, f"{year}年第{QUARTER_NAMES[quarter]}季度", months)


def current_period(now: datetime) -> Period:
    """The local month of ``now``."""
    text = Month.of(now).text
    return Period("month", text, f"{text[:4]}年{int(text[5:])}月", [text])


# -- a person's entries -----------------------------------------------------------------
def select_entries(user_id: int, period: Period) -> sa.Select[tuple[PointEntry]]:
    """``user_id``'s entries of ``period`` in time order (then by id), with their rule
    version and the entry each one corrects loaded."""
    return (
        sa.select(PointEntry)
        .where(PointEntry.user_id == user_id, PointEntry.period.in_(period.months))
        .options(joinedload(PointEntry.rule), joinedload(PointEntry.corrects))
        .order_by(PointEntry.at, PointEntry.id)
    )


def total_for(user_id: int, period: Period) -> int:
    """The sum of ``user_id``'s points in ``period`` (0 without entries)."""
    stmt = sa.select(sa.func.coalesce(sa.func.sum(PointEntry.points), 0)).where(
        PointEntry.user_id == user_id, PointEntry.period.in_(period.months)
    )
    return int(db.session.scalar(stmt) or 0)


# -- rankings ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RankRow:
    user_id: int
    name: str
    total: int
    rank: int


def rankings(period: Period, role: Role) -> list[RankRow]:
    """Every active user holding ``role`` with his total of ``period`` (0 without
    entries), best first, then by name; standard competition ranking (1, 2, 2, 4).
    One query."""
    totals = (
        sa.select(PointEntry.user_id, sa.func.sum(PointEntry.points).label("total"))
        .where(PointEntry.period.in_(period.months))
        .group_by(PointEntry.user_id)
        .subquery()
    )
    total = sa.func.coalesce(totals.c.total, 0)
    stmt = (
        sa.select(User.id, User.name, total)
        .outerjoin(totals, totals.c.user_id == User.id)
        .where(
            User.active.is_(True),
            sa.exists().where(UserRole.user_id == User.id, UserRole.role == role),
        )
        .order_by(total.desc(), User.name, User.id)
    )
    rows: list[RankRow] = []
    for n, (user_id, name, points) in enumerate(db.session.execute(stmt), start=1):
        points = int(points)
        rank = rows[-1].rank if rows and rows[-1].total == points else n
        rows.append(RankRow(user_id, name, points, rank))
    return rows


def red_black(period: Period, role: Role, n: int = 5) -> tuple[list[RankRow], list[RankRow]]:
    """红黑榜: the top ``n`` (best first) and the bottom ``n`` (lowest first) of the
    ranking. Nobody is on both: with fewer than 2n people the bottom list takes only
    those not already on the top one."""
    rows = rankings(period, role)
    top = rows[:n]
    bottom = rows[max(n, len(rows) - n) :]
    return top, list(reversed(bottom))


# -- appeals ----------------------------------------------------------------------------
def pending_appeals() -> list[Appeal]:
    """Appeals awaiting an assessor, oldest first, with their entry and appellant."""
    stmt = (
        sa.select(Appeal)
        .where(Appeal.status == AppealStatus.PENDING)
        .options(selectinload(Appeal.entry), selectinload(Appeal.user))
        .order_by(Appeal.created_at, Appeal.id)
    )
    return list(db.session.scalars(stmt))


def appeals_of(user_id: int) -> list[Appeal]:
    """``user_id``'s appeals, newest first, with their entry and correction."""
    stmt = (
        sa.select(Appeal)
        .where(Appeal.user_id == user_id)
        .options(selectinload(Appeal.entry), selectinload(Appeal.correction))
        .order_by(Appeal.created_at.desc(), Appeal.id.desc())
    )
    return list(db.session.scalars(stmt))
