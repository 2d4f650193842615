"""The statistics rollup (DESIGN §5): counters of the cases per cell, kept in step with
every change by :mod:`hgq.stats.rollup` and read by :mod:`hgq.stats.queries`.

A cell is (``month``, ``category_id``, ``officer_id``, ``leader_id``,
``department_id``): the first day of the case's submission month in local time, its
category, its 首问 (first owner), the enterprise's 包保领导 at submission and the first
owner's department at submission. A missing officer, leader or department is 0, not
NULL, so the primary key covers the whole cell on SQLite and PostgreSQL alike; the key
columns carry no foreign keys (0 refers to nothing).

Each counter says how many of the cell's cases have a property in their CURRENT state
(how many are closed now, how many have been rated …), so a change to a case moves
its counters, never its cell. Two small side tables hold what a counter cannot:

- ``case_stat_days``: resolved cases by whole days from submission to resolution,
  for the median time to resolve (exact to the day, whatever the spread), and
  ``case_stat_zone_days``, the same without officer, leader and department, which
  the zone's median reads (the full table has about ten times as many rows);
- ``case_stat_awaiting``: open cases nobody has answered yet, by their response
  deadline. Whether such a case is "due for response" depends on the clock, so the
  queries count it at read time (deadline < now) instead of waiting for a job to
  move a counter.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hgq.cases.models import CaseStatus
from hgq.db import Base, UTCDateTime

KEY_COLUMNS = ("month", "category_id", "officer_id", "leader_id", "department_id")
# On SQLite the rows are stored in key order (WITHOUT ROWID): a range of months is read
# straight from the table, not through an index and a second lookup per row.
CLUSTERED = {"sqlite_with_rowid": False}
# Cases by current status and by current level.
STATUS_COLUMNS = {status: f"status_{status.value}" for status in CaseStatus}
LEVEL_COLUMNS = {1: "level1", 2: "level2", 3: "level3"}
# Every counter of CaseStat, in the table's order.
COUNTERS = (
    "cases",
    *STATUS_COLUMNS.values(),
    *LEVEL_COLUMNS.values(),
    "due_for_response",
    "responded_on_time",
    "escalated",
    "resolved",
    "rated",
    "solved",
    "satisfied",
    "unsatisfied",
    "reopened",
)


def _key() -> Mapped[int]:
    # sort_order: the key first, in the table and in its primary key
    return mapped_column(primary_key=True, autoincrement=False, sort_order=-1)


def _counter() -> Mapped[int]:
    return mapped_column(default=0)


class CellKey:
    """The key columns every rollup table shares (see the module docstring)."""

    month: Mapped[date] = mapped_column(primary_key=True, sort_order=-1)
    category_id: Mapped[int] = _key()
    officer_id: Mapped[int] = _key()
    leader_id: Mapped[int] = _key()
    department_id: Mapped[int] = _key()


class CaseStat(CellKey, Base):
    """The counters of one cell. ``due_for_response`` counts the answered cases and the
    unanswered ones that ended (withdrawn) after their response deadline; open
    unanswered cases are in :class:`CaseStatAwaiting` until answered."""

    __tablename__ = "case_stats"
    # No secondary index: every read filters a range of months, which the key serves;
    # an index on officer or leader tempts SQLite to walk it whole for a GROUP BY.
    __table_args__ = (CLUSTERED,)

    cases: Mapped[int] = _counter()
    status_submitted: Mapped[int] = _counter()
    status_accepted: Mapped[int] = _counter()
    status_in_progress: Mapped[int] = _counter()
    status_resolved: Mapped[int] = _counter()
    status_closed: Mapped[int] = _counter()
    status_rejected: Mapped[int] = _counter()
    status_withdrawn: Mapped[int] = _counter()
    level1: Mapped[int] = _counter()
    level2: Mapped[int] = _counter()
    level3: Mapped[int] = _counter()
    # Answered (accept, reply, resolve, reject), or ended unanswered past the deadline.
    due_for_response: Mapped[int] = _counter()
    # Answered no later than the response deadline (or with none, on old cases).
    responded_on_time: Mapped[int] = _counter()
    # Ever escalated: the level only rises.
    escalated: Mapped[int] = _counter()
    # Ever resolved (has a resolution time, even if reopened since).
    resolved: Mapped[int] = _counter()
    # Carries the enterprise's rating now (a new resolution clears it).
    rated: Mapped[int] = _counter()
    # Rated 已解决 (rating_solved), whatever the handler's resolution type.
    solved: Mapped[int] = _counter()
    # Rated 满意 or 基本满意; ``unsatisfied``: rated 不满意.
    satisfied: Mapped[int] = _counter()
    unsatisfied: Mapped[int] = _counter()
    # Reopened at least once (重办, by a 不满意 rating or a reopen action).
    reopened: Mapped[int] = _counter()


class CaseStatDays(CellKey, Base):
    """How many of the cell's resolved cases took ``days`` whole days (24 hours) from
    submission to their latest resolution. Read for an officer's or a leader's share
    (hence the indexes); the zone's median comes from :class:`CaseStatZoneDays`."""

    __tablename__ = "case_stat_days"
    __table_args__ = (
        sa.Index("ix_case_stat_days_officer_month", "officer_id", "month"),
        sa.Index("ix_case_stat_days_leader_month", "leader_id", "month"),
        CLUSTERED,
    )

    days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cases: Mapped[int] = _counter()


class CaseStatZoneDays(Base):
    """:class:`CaseStatDays` added up over officers, leaders and departments: the
    zone's histogram by month and category, a few thousand rows a year whatever the
    number of cases, for the zone's median."""

    __tablename__ = "case_stat_zone_days"
    __table_args__ = (CLUSTERED,)

    month: Mapped[date] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cases: Mapped[int] = _counter()


class CaseStatAwaiting(CellKey, Base):
    """How many of the cell's open cases, not answered yet, have their response
    deadline at ``response_due_at``. A row disappears when its count reaches 0."""

    __tablename__ = "case_stat_awaiting"
    __table_args__ = (CLUSTERED,)

    response_due_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    cases: Mapped[int] = _counter()
