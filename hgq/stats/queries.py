"""Reading the statistics (DESIGN §5): the three rates, the escalation rate, the median
time to resolve and case counts, for the whole zone or a role's share, in total
(:func:`summary`) or by officer, leader, department, category or month
(:func:`breakdown`).

Everything is read from the rollup (:mod:`hgq.stats.models`), never from ``cases``: a
summary is two statements and a breakdown one, whatever the number of cases; the
rollup has at most one row per month × category × officer × leader × department
(about months × categories × officers: the leader and department mostly follow the
officer), and a breakdown adds up only the seven counters its rates need.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from hgq.accounts.models import Department, User
from hgq.cases.models import CaseStatus, Category
from hgq.db import utcnow
from hgq.extensions import db
from hgq.stats.models import (
    COUNTERS,
    LEVEL_COLUMNS,
    STATUS_COLUMNS,
    CaseStat,
    CaseStatAwaiting,
    CaseStatDays,
    CaseStatZoneDays,
)

# The formula of each measure, as the pages show it beside the figure.
FORMULAS = {
    "response_rate": "响应率 = 时限内响应件数 ÷ 应响应件数",
    "resolution_rate": "解决率 = 企业评价“已解决”件数 ÷ 已评价件数",
    "satisfaction_rate": "满意率 =（满意 + 基本满意）件数 ÷ 已评价件数",
    "escalation_rate": "升级率 = 升级办理件数 ÷ 诉求件数",
    "median_days": "办结用时中位数 = 已办结诉求从提交到办结所用整天数的中位数",
}
GROUP_BY = ("officer", "leader", "department", "category", "month")
UNSPECIFIED = "未指定"
# The counters behind the Rates fields (all a breakdown needs).
RATE_COUNTERS = (
    "cases",
    "due_for_response",
    "responded_on_time",
    "rated",
    "solved",
    "satisfied",
    "escalated",
)
# group_by → the rollup's key column
GROUP_COLUMNS = {
    "officer": "officer_id",
    "leader": "leader_id",
    "department": "department_id",
    "category": "category_id",
    "month": "month",
}


def first_of_month(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class StatsFilter:
    """Which cases to count: those submitted in the months overlapping [since, until].

    The rollup works at month granularity, so ``since`` and ``until`` are rounded to
    whole months: any day of a month selects the whole month (``since`` = 2026-11-15
    counts from 1 November). Months are the zone's local months; None leaves that
    end open.

    For role-scoped views and filters: ``officer_ids`` (the cases whose 首问 is one of
    them; an empty collection matches no case), ``leader_id`` (the cases of the
    enterprises he led at submission) and ``category_id``. Each one given narrows:
    officer AND leader AND category. With ``either`` True, ``officer_ids`` and
    ``leader_id`` select the cases matching EITHER instead: the share of a user who is
    both officer and leader (see :func:`hgq.access.stats_filter_for`).
    """

    since: date | None = None
    until: date | None = None
    officer_ids: Collection[int] | None = None
    leader_id: int | None = None
    category_id: int | None = None
    either: bool = False


@dataclass(frozen=True)
class Rates:
    """The counts behind each rate and the rate itself: a fraction from 0 to 1, or None
    when its denominator is 0 (nothing to measure, which is not 0 %)."""

    cases: int
    due_for_response: int
    responded_on_time: int
    response_rate: float | None
    rated: int
    solved: int
    resolution_rate: float | None
    satisfied: int
    satisfaction_rate: float | None
    escalated: int
    escalation_rate: float | None


@dataclass(frozen=True)
class Summary(Rates):
    """The rates of a filter with the case counts by current status (every status value
    as a key) and level (1, 2, 3), how many were ever resolved, and the median whole
    days from submission to resolution (None if none was resolved)."""

    by_status: dict[str, int]
    by_level: dict[int, int]
    resolved: int
    median_days: float | None


@dataclass(frozen=True)
class Row(Rates):
    """One line of a breakdown: ``key`` is the user id (officer, leader), department id,
    category id or month ("2026-11"); 0 gathers the cases without one (no 首问, an
    uncovered enterprise, an owner without department), labelled 未指定."""

    key: int | str
    label: str


def rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def rates_of(counts: Mapping[str, int]) -> dict[str, Any]:
    """The Rates fields from summed counters."""
    return {
        "cases": counts["cases"],
        "due_for_response": counts["due_for_response"],
        "responded_on_time": counts["responded_on_time"],
        "response_rate": rate(counts["responded_on_time"], counts["due_for_response"]),
        "rated": counts["rated"],
        "solved": counts["solved"],
        "resolution_rate": rate(counts["solved"], counts["rated"]),
        "satisfied": counts["satisfied"],
        "satisfaction_rate": rate(counts["satisfied"], counts["rated"]),
        "escalated": counts["escalated"],
        "escalation_rate": rate(counts["escalated"], counts["cases"]),
    }


# -- the rows to add up -------------------------------------------------------------
def _where(model: Any, flt: StatsFilter) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = []
    if flt.since is not None:
        clauses.append(model.month >= first_of_month(flt.since))
    if flt.until is not None:
        clauses.append(model.month <= first_of_month(flt.until))
    scope: list[sa.ColumnElement[bool]] = []
    if flt.officer_ids is not None:
        ids = sorted(flt.officer_ids)
        scope.append(model.officer_id.in_(ids) if ids else sa.false())
    if flt.leader_id is not None:
        scope.append(model.leader_id == flt.leader_id)
    if scope:
        clauses.append(sa.or_(*scope) if flt.either else sa.and_(*scope))
    if flt.category_id is not None:
        clauses.append(model.category_id == flt.category_id)
    return clauses


def _late(flt: StatsFilter, now: datetime, group: str | None = None) -> Any:
    """The open unanswered cases whose response deadline has passed by ``now``: they
    are due for response on top of the stored ``due_for_response`` (the rollup keeps
    their deadlines, not a count, as the count changes with the clock). A scalar
    subquery, or a subquery (``key``, ``late``) by the ``group`` column."""
    where = [*_where(CaseStatAwaiting, flt), CaseStatAwaiting.response_due_at < now]
    late = sa.func.coalesce(sa.func.sum(CaseStatAwaiting.cases), 0)
    if group is None:
        return sa.select(late).where(*where).scalar_subquery()
    key = getattr(CaseStatAwaiting, group)
    return (
        sa.select(key.label("key"), late.label("late")).where(*where).group_by(key).subquery("late")
    )


def _sum(column: Any, name: str) -> sa.Label[Any]:
    return sa.func.coalesce(sa.func.sum(column), 0).label(name)


def _median(histogram: Sequence[tuple[int, int]]) -> float | None:
    """The median of a multiset given as (value, count) pairs in ascending order."""
    total = sum(count for _, count in histogram)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle one, or the middle two
    found: list[int] = []
    seen = 0
    for value, count in histogram:
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return sum(found) / len(found)


# -- the two reads ------------------------------------------------------------------
def summary(flt: StatsFilter, *, now: datetime | None = None) -> Summary:
    """The filter's totals. ``now`` (default: the current time) decides which open
    unanswered cases are already due for response. Two statements."""
    late = _late(flt, now or utcnow())
    stmt = sa.select(*(_sum(getattr(CaseStat, c), c) for c in COUNTERS), late.label("late"))
    row = db.session.execute(stmt.where(*_where(CaseStat, flt))).one()._asdict()
    counts = {name: int(value) for name, value in row.items()}
    counts["due_for_response"] += counts.pop("late")
    # The zone's share reads the small zone histogram; a person's share the full one.
    zone = flt.officer_ids is None and flt.leader_id is None
    days = CaseStatZoneDays if zone else CaseStatDays
    histogram = db.session.execute(
        sa.select(days.days, sa.func.sum(days.cases))
        .where(*_where(days, flt))
        .group_by(days.days)
        .order_by(days.days)
    ).all()
    return Summary(
        **rates_of(counts),
        by_status={status.value: counts[STATUS_COLUMNS[status]] for status in CaseStatus},
        by_level={level: counts[column] for level, column in LEVEL_COLUMNS.items()},
        resolved=counts["resolved"],
        median_days=_median([(int(d), int(n)) for d, n in histogram]),
    )


def _grouped(flt: StatsFilter, group_by: str, now: datetime) -> sa.Select[Any]:
    """Per key: the counters the rates need (the late unanswered cases added to
    ``due_for_response``) and the key's name, in the breakdown's order."""
    column = GROUP_COLUMNS[group_by]
    key = getattr(CaseStat, column)
    stored = (
        sa.select(key.label("key"), *(_sum(getattr(CaseStat, c), c) for c in RATE_COUNTERS))
        .where(*_where(CaseStat, flt))
        .group_by(key)
        .subquery("grouped")
    )
    late = _late(flt, now, column)
    due = stored.c.due_for_response + sa.func.coalesce(late.c.late, 0)
    counters = [due.label(c) if c == "due_for_response" else stored.c[c] for c in RATE_COUNTERS]
    stmt = sa.select(stored.c.key).select_from(stored).outerjoin(late, late.c.key == stored.c.key)
    if group_by == "month":
        return stmt.add_columns(sa.null().label("name"), *counters).order_by(stored.c.key)
    unspecified = sa.case((stored.c.key == 0, 1), else_=0)
    if group_by == "category":
        stmt = stmt.add_columns(Category.name, *counters)
        stmt = stmt.outerjoin(Category, Category.id == stored.c.key)
        return stmt.order_by(unspecified, Category.sort_order, stored.c.key)
    named = {"officer": User, "leader": User, "department": Department}[group_by]
    stmt = stmt.add_columns(named.name, *counters).outerjoin(named, named.id == stored.c.key)
    return stmt.order_by(unspecified, stored.c.cases.desc(), stored.c.key)


def _label(group_by: str, key: Any, name: str | None) -> tuple[int | str, str]:
    if group_by == "month":
        return f"{key.year:04d}-{key.month:02d}", f"{key.year}年{key.month}月"
    if key == 0:
        return 0, UNSPECIFIED
    return int(key), name or f"{UNSPECIFIED}（编号{key}）"


def breakdown(flt: StatsFilter, group_by: str, *, now: datetime | None = None) -> list[Row]:
    """The filter's figures per officer (首问), leader (at submission), department (of
    the 首问, at submission), category or month — one statement, names joined in.

    Rows with cases only. Order: months oldest first; categories in their list order;
    people and departments by number of cases, most first; 未指定 last. Raises
    ValueError for a ``group_by`` not in GROUP_BY.
    """
    if group_by not in GROUP_COLUMNS:
        raise ValueError(f"group_by must be one of {GROUP_BY}, not {group_by!r}")
    rows = []
    for row in db.session.execute(_grouped(flt, group_by, now or utcnow())):
        values = row._asdict()
        counts = {c: int(values[c]) for c in RATE_COUNTERS}
        key_value, label = _label(group_by, values["key"], values["name"])
        rows.append(Row(**rates_of(counts), key=key_value, label=label))
    return rows


def as_dict(item: Rates) -> dict[str, Any]:
    """A Rates (Summary, Row) as a plain dict, field by field."""
    return {f.name: getattr(item, f.name) for f in fields(item)}
