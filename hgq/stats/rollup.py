"""Keeping the statistics rollup (:mod:`hgq.stats.models`) in step with the cases.

Every change to a case goes through :func:`hgq.cases.services.create_case` or
:func:`hgq.cases.services.perform_action` (the deadline sweep too); both take the
case's :func:`contribution` before and after the change and :func:`apply` the
difference to its cell, in the same transaction, with atomic ``col = col + delta``
upserts. The optimistic lock on the case guarantees that only one of two concurrent
changes to a case commits, so the stored counters always equal the sum of the cases'
committed contributions.

The counters are defined twice, side by side below: in Python for one case
(:func:`contribution`), in SQL for many (:func:`sql_conditions`, used by
:func:`rebuild`). A test drives random sequences of actions and sweeps and
checks that the incrementally kept tables equal a rebuild.

Nothing here depends on the clock: the one measure that changes with time alone
(an unanswered case becomes due for response when its deadline passes) is kept as
the deadline itself, in ``case_stat_awaiting``, and counted at read time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from hgq.accounts.models import User
from hgq.cases.models import OPEN_STATUSES, Case, CaseStatus, Satisfaction
from hgq.extensions import db
from hgq.stats.models import (
    COUNTERS,
    KEY_COLUMNS,
    LEVEL_COLUMNS,
    STATUS_COLUMNS,
    CaseStat,
    CaseStatAwaiting,
    CaseStatDays,
    CaseStatZoneDays,
)
from hgq.timeutil import zone

if TYPE_CHECKING:
    from hgq.enterprises.models import Assignment

DAY_SECONDS = 86400
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)
OPEN = tuple(sorted(OPEN_STATUSES))


class CellKey(NamedTuple):
    """Which cell a case counts in (see :mod:`hgq.stats.models`); fixed for its life."""

    month: date
    category_id: int
    officer_id: int
    leader_id: int
    department_id: int


@dataclass(frozen=True)
class Contribution:
    """What one case adds to its cell: ``counts`` (counter → 1, absent → 0), the whole
    days it took to resolve (None if never resolved) and, while it is open and
    unanswered, its response deadline (``awaiting_due``)."""

    counts: Mapping[str, int] = field(default_factory=Counter)
    days: int | None = None
    awaiting_due: datetime | None = None


NOTHING = Contribution()


# -- one case, in Python ----------------------------------------------------------
def local_month(moment: datetime) -> date:
    """The first day of ``moment``'s month in the zone's local time."""
    return moment.astimezone(zone()).date().replace(day=1)


def month_start(month: date) -> datetime:
    """The UTC instant a local month begins (``month`` is any day of it)."""
    return datetime(month.year, month.month, 1, tzinfo=zone()).astimezone(UTC)


def cell_key(case: Case) -> CellKey:
    """The case's cell: submission month, category, 首问, leader and department at
    submission (0 for a missing one). Works before the case is flushed too."""
    category_id = case.category_id if case.category_id is not None else case.category.id
    return CellKey(
        local_month(case.created_at),
        category_id,
        case.first_owner_id or 0,
        case.leader_id or 0,
        case.department_id or 0,
    )


def resolve_days(created_at: datetime, resolved_at: datetime) -> int:
    """Whole days (periods of 24 hours, counted on whole seconds) from submission to
    resolution; :func:`_resolve_days_sql` computes the same in SQL."""
    seconds = math.floor(resolved_at.timestamp()) - math.floor(created_at.timestamp())
    return max(seconds, 0) // DAY_SECONDS


def _answered_on_time(case: Case) -> bool:
    if case.responded_at is None:
        return False
    return case.response_due_at is None or case.responded_at <= case.response_due_at


def _ended_unanswered_late(case: Case) -> bool:
    """An unanswered case that ended (withdrawn) after its response deadline passed; one
    withdrawn before its deadline was never due."""
    return (
        case.responded_at is None
        and case.status not in OPEN_STATUSES
        and case.response_due_at is not None
        and case.closed_at is not None
        and case.response_due_at < case.closed_at
    )


def _awaiting_due(case: Case) -> datetime | None:
    open_unanswered = case.responded_at is None and case.status in OPEN_STATUSES
    return case.response_due_at if open_unanswered else None


def contribution(case: Case) -> Contribution:
    """The counters ``case`` adds to its cell in its current state. Pure: reads only
    the case's own columns (no query, no clock)."""
    rating = case.rating_satisfaction
    flags = {
        "cases": True,
        STATUS_COLUMNS[CaseStatus(case.status)]: True,
        LEVEL_COLUMNS[case.level]: True,
        "due_for_response": case.responded_at is not None or _ended_unanswered_late(case),
        "responded_on_time": _answered_on_time(case),
        "escalated": case.level > 1,
        "resolved": case.resolved_at is not None,
        "rated": rating is not None,
        "solved": case.rating_solved is True,
        "satisfied": rating in SATISFIED,
        "unsatisfied": rating is Satisfaction.DISSATISFIED,
        "reopened": case.reopen_count > 0,
    }
    days = None
    if case.resolved_at is not None:
        days = resolve_days(case.created_at, case.resolved_at)
    counts = Counter({name: 1 for name, on in flags.items() if on})
    return Contribution(counts, days, _awaiting_due(case))


# -- the same, in SQL (for rebuild) -------------------------------------------------
def sql_conditions() -> dict[str, sa.ColumnElement[bool]]:
    """Each counter as a condition on ``cases``, matching :func:`contribution`."""
    answered = Case.responded_at.is_not(None)
    ended_late = sa.and_(
        Case.responded_at.is_(None),
        Case.status.not_in(OPEN),
        Case.response_due_at.is_not(None),
        Case.closed_at.is_not(None),
        Case.response_due_at < Case.closed_at,
    )
    conditions: dict[str, sa.ColumnElement[bool]] = {
        "cases": sa.true(),
        **{column: Case.status == status for status, column in STATUS_COLUMNS.items()},
        **{column: Case.level == level for level, column in LEVEL_COLUMNS.items()},
        "due_for_response": sa.or_(answered, ended_late),
        "responded_on_time": sa.and_(
            answered,
            sa.or_(Case.response_due_at.is_(None), Case.responded_at <= Case.response_due_at),
        ),
        "escalated": Case.level > 1,
        "resolved": Case.resolved_at.is_not(None),
        "rated": Case.rating_satisfaction.is_not(None),
        "solved": Case.rating_solved.is_(True),
        "satisfied": Case.rating_satisfaction.in_(SATISFIED),
        "unsatisfied": Case.rating_satisfaction == Satisfaction.DISSATISFIED,
        "reopened": Case.reopen_count > 0,
    }
    return conditions


def sql_awaiting() -> sa.ColumnElement[bool]:
    """The cases :func:`_awaiting_due` keeps a deadline for."""
    return sa.and_(
        Case.responded_at.is_(None),
        Case.status.in_(OPEN),
        Case.response_due_at.is_not(None),
    )


# -- hooks for the case services ----------------------------------------------------
def stamp_submission(case: Case, assignment: Assignment | None) -> None:
    """Record on a new case, before its INSERT, the enterprise's 包保领导 (from the
    current ``assignment``) and the first owner's department."""
    case.leader_id = assignment.leader_id if assignment is not None else None
    owner = db.session.get(User, case.first_owner_id) if case.first_owner_id else None
    case.department_id = owner.department_id if owner is not None else None


def apply(before: Contribution | None, after: Contribution | None, key: CellKey) -> None:
    """Add ``after - before`` to the cell ``key`` (None: the case did not exist, or no
    longer does). Atomic on both databases: each row is changed by one upsert
    (``INSERT … ON CONFLICT DO UPDATE SET col = col + excluded.col``), so concurrent
    changes to one cell add up; side-table rows that reach 0 are deleted. Does
    nothing for a change that moves no counter (a note, an urge …)."""
    old, new = before or NOTHING, after or NOTHING
    delta = {name: new.counts.get(name, 0) - old.counts.get(name, 0) for name in COUNTERS}
    delta = {name: value for name, value in delta.items() if value}
    cell = key._asdict()
    if delta:
        _add(CaseStat.__table__, cell, delta)
    if old.days != new.days:
        _move(CaseStatDays.__table__, cell, "days", old.days, new.days)
        zone_cell = {"month": key.month, "category_id": key.category_id}
        _move(CaseStatZoneDays.__table__, zone_cell, "days", old.days, new.days)
    if old.awaiting_due != new.awaiting_due:
        _move(
            CaseStatAwaiting.__table__, cell, "response_due_at", old.awaiting_due, new.awaiting_due
        )


def _insert(table: sa.Table) -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _add(table: sa.Table, row: Mapping[str, Any], delta: Mapping[str, int]) -> None:
    stmt = _insert(table).values({**row, **delta})
    stmt = stmt.on_conflict_do_update(
        index_elements=list(row),
        set_={name: table.c[name] + stmt.excluded[name] for name in delta},
    )
    db.session.execute(stmt)


def _move(table: sa.Table, cell: dict[str, Any], column: str, old: Any, new: Any) -> None:
    """One case leaves the row (``cell``, ``column`` = old) for (``cell``, ``column`` = new).

    The two rows are changed in ascending order of ``column``, the same order in every
    transaction, so two cases moving in opposite directions cannot deadlock."""
    changes = [(value, step) for value, step in ((old, -1), (new, 1)) if value is not None]
    for value, step in sorted(changes, key=lambda change: change[0]):
        _add(table, {**cell, column: value}, {"cases": step})
    if old is not None:
        row = {**cell, column: old}
        db.session.execute(
            sa.delete(table).where(*(table.c[n] == v for n, v in row.items()), table.c.cases <= 0)
        )


# -- rebuilding from scratch ----------------------------------------------------------
ROLLUP_TABLES = (
    CaseStat.__table__,
    CaseStatDays.__table__,
    CaseStatZoneDays.__table__,
    CaseStatAwaiting.__table__,
)


def _resolve_days_sql() -> sa.ColumnElement[int]:
    """:func:`resolve_days` in SQL: whole seconds apart, divided by a day (truncated)."""
    if db.session.get_bind().dialect.name == "postgresql":

        def seconds(column: Any) -> Any:
            return sa.func.floor(sa.extract("epoch", column))

        def whole_days(elapsed: Any) -> Any:
            return sa.func.div(elapsed, DAY_SECONDS)  # numeric, truncated

    else:

        def seconds(column: Any) -> Any:
            return sa.cast(sa.func.strftime("%s", column), sa.Integer)

        def whole_days(elapsed: Any) -> Any:
            return elapsed // DAY_SECONDS  # integers: SQLite's division truncates

    elapsed = seconds(Case.resolved_at) - seconds(Case.created_at)
    return sa.case(
        (Case.resolved_at.is_(None), None),
        (elapsed < 0, 0),
        else_=sa.cast(whole_days(elapsed), sa.Integer),
    )


def _month_sql(first: date, last: date) -> sa.ColumnElement[date]:
    """The local submission month of a case submitted between the months ``first`` and
    ``last``: exact in any time zone, as the UTC instants the months begin at are
    computed here (a CASE over them, latest first)."""
    months = [first]
    while months[-1] < last:
        months.append(_next_month(months[-1]))
    whens = [(Case.created_at >= month_start(m), sa.literal(m, sa.Date)) for m in reversed(months)]
    return sa.case(*whens, else_=None)


def _case_rows(first: date, last: date) -> sa.Subquery:
    """One row per case: its cell, a 0/1 column per counter, its resolve days and its
    awaiting deadline."""
    return sa.select(
        _month_sql(first, last).label("month"),
        Case.category_id.label("category_id"),
        sa.func.coalesce(Case.first_owner_id, 0).label("officer_id"),
        sa.func.coalesce(Case.leader_id, 0).label("leader_id"),
        sa.func.coalesce(Case.department_id, 0).label("department_id"),
        *(sa.case((cond, 1), else_=0).label(n) for n, cond in sql_conditions().items()),
        _resolve_days_sql().label("days"),
        sa.case((sql_awaiting(), Case.response_due_at), else_=None).label("awaiting_due"),
    ).subquery("case_rows")


def _insert_all(first: date, last: date) -> None:
    """One INSERT … SELECT per rollup table, each a single pass over ``cases``."""
    rows = _case_rows(first, last)
    keys = [rows.c[name] for name in KEY_COLUMNS]
    counters = [sa.func.sum(rows.c[name]) for name in COUNTERS]
    db.session.execute(
        sa.insert(CaseStat).from_select(
            [*KEY_COLUMNS, *COUNTERS], sa.select(*keys, *counters).group_by(*keys)
        )
    )
    for model, column in ((CaseStatDays, rows.c.days), (CaseStatAwaiting, rows.c.awaiting_due)):
        target = "days" if model is CaseStatDays else "response_due_at"
        select = (
            sa.select(*keys, column, sa.func.count())
            .where(column.is_not(None))
            .group_by(*keys, column)
        )
        db.session.execute(sa.insert(model).from_select([*KEY_COLUMNS, target, "cases"], select))
    zone_keys = [rows.c.month, rows.c.category_id, rows.c.days]
    db.session.execute(
        sa.insert(CaseStatZoneDays).from_select(
            ["month", "category_id", "days", "cases"],
            sa.select(*zone_keys, sa.func.count())
            .where(rows.c.days.is_not(None))
            .group_by(*zone_keys),
        )
    )


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def rebuild() -> int:
    """Recompute the whole rollup from ``cases`` in set-based SQL: one INSERT … SELECT
    per rollup table, each one pass over ``cases``. Returns how many cases it counted.
    Flushes; the caller commits.

    On PostgreSQL the rollup tables are locked (EXCLUSIVE: readers go on) for the
    transaction, so a concurrent case change lands either before the rebuild reads
    the cases or after it commits, never lost between. SQLite has one writer anyway.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        names = ", ".join(table.name for table in ROLLUP_TABLES)
        db.session.execute(sa.text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
    for table in ROLLUP_TABLES:
        db.session.execute(sa.delete(table))
    first, last = db.session.execute(
        sa.select(sa.func.min(Case.created_at), sa.func.max(Case.created_at))
    ).one()
    if first is None:
        return 0
    _insert_all(local_month(first), local_month(last))
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(CaseStat.cases), 0))))
