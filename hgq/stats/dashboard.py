"""The figures of the statistics dashboard (统计看板), gathered in a fixed number of
queries whatever the data size.

The three rates, counts, breakdowns and trend come from the rollup
(:mod:`hgq.stats.queries`); the live traffic lights from the open cases; contact
compliance, the weekly checklist rate and coverage from their own tables, each in one
set-based query. :class:`Scope` says whose figures these are: the zone (committee and
admin), the enterprises a leader leads, or an officer's own cases.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from hgq.cases import queries as cq
from hgq.cases.models import OPEN_STATUSES, Case
from hgq.checklists.models import Outcome, WeeklyChecklist
from hgq.deadlines.services import light_clause
from hgq.deadlines.views import page_now
from hgq.enterprises.models import Assignment, Enterprise
from hgq.enterprises.queries import count_coverage
from hgq.extensions import db
from hgq.stats import composite, queries
from hgq.stats.forms import DashboardArgs
from hgq.stats.tables import TableRow, month_label, table_row
from hgq.visits.models import Visit
from hgq.visits.queries import default_interval, tag_intervals

ZONE, LEADER, OFFICER = "zone", "leader", "officer"
SCOPE_LABELS = {ZONE: "全区", LEADER: "我包保领导的企业", OFFICER: "我首问办理的诉求"}
# Breakdown tabs shown per scope (the month trend is always there).
TABS = {
    ZONE: ("officer", "leader", "department", "category"),
    LEADER: ("officer", "department", "category"),
    OFFICER: ("category",),
}
TAB_LABELS = {
    "officer": "按包保责任人",
    "leader": "按包保领导",
    "department": "按部门",
    "category": "按诉求类别",
    "month": "按月份",
}
KEY_LABELS = {
    "officer": "包保责任人",
    "leader": "包保领导",
    "department": "部门",
    "category": "诉求类别",
    "month": "月份",
}


@dataclass(frozen=True)
class Scope:
    """Whose figures: ``kind`` is ZONE, LEADER or OFFICER; ``user_id`` the leader or
    officer (None for the zone). A leader who is an officer too (``also_officer``) sees
    the union of his two shares."""

    kind: str
    user_id: int | None = None
    also_officer: bool = False

    @property
    def label(self) -> str:
        return SCOPE_LABELS[self.kind]

    @property
    def tabs(self) -> tuple[str, ...]:
        return TABS[self.kind]

    def people(self, args: DashboardArgs) -> tuple[int | None, int | None]:
        """(officer id, leader id) whose share to count: the scope's own, or for the
        zone the one chosen in the filters (an officer wins over a leader)."""
        if self.kind == OFFICER:
            return self.user_id, None
        if self.kind == LEADER:
            return (self.user_id if self.also_officer else None), self.user_id
        if args.officer_id is not None:
            return args.officer_id, None
        return None, args.leader_id


@dataclass(frozen=True)
class Ratio:
    """A measure counted as ``numerator`` of ``denominator`` (rate None without one)."""

    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass
class Dashboard:
    args: DashboardArgs
    scope: Scope
    summary: Any
    score: float | None
    rule: dict[str, Any]
    rule_lines: list[str]
    breakdowns: dict[str, list[Any]]
    months: list[tuple[date, Any]]
    lights: dict[str, int]
    contact: Ratio
    checklists: Ratio
    coverage: dict[str, int] | None
    # The rate tables as shown: each breakdown tab, and "months" for the trend.
    tables: dict[str, list[TableRow]] = field(default_factory=dict)

    @property
    def formulas(self) -> dict[str, str]:
        return queries.FORMULAS


# -- filters -----------------------------------------------------------------------
def month_end(first: date) -> date:
    """The last day of ``first``'s month."""
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def narrow(base: queries.StatsFilter, args: DashboardArgs, scope: Scope) -> queries.StatsFilter:
    """The user's share (``base``, from hgq.access.stats_filter_for), narrowed for the
    zone to the officer or leader chosen in the filters. A leader's or officer's share
    is never widened nor changed by an argument."""
    if scope.kind != ZONE:
        return base
    officer_id, leader_id = scope.people(args)
    return dataclasses.replace(
        base,
        officer_ids=None if officer_id is None else (officer_id,),
        leader_id=leader_id,
    )


def month_list(first: date, last: date) -> list[date]:
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


# -- live lights ---------------------------------------------------------------------
def count_if(clause: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((clause, 1), else_=0)), 0)


def _case_scope(args: DashboardArgs, scope: Scope) -> list[sa.ColumnElement[bool]]:
    """An officer's cases (received first or handled), a leader's (of the enterprises he
    leads now), or all; by category if asked."""
    officer_id, leader_id = scope.people(args)
    people: list[sa.ColumnElement[bool]] = []
    if officer_id is not None:
        people += [Case.first_owner_id == officer_id, Case.handler_id == officer_id]
    if leader_id is not None:
        people.append(
            sa.exists().where(
                Assignment.enterprise_id == Case.enterprise_id,
                Assignment.end_date.is_(None),
                Assignment.leader_id == leader_id,
            )
        )
    where = [sa.or_(*people)] if people else []
    if args.category_id is not None:
        where.append(Case.category_id == args.category_id)
    return where


def light_counts(args: DashboardArgs, scope: Scope) -> dict[str, int]:
    """The open cases in scope now by traffic light, 督办 and 挂起, and all open ones:
    the columns of hgq.cases.queries.count_deadline_lights, read straight off the
    status index (no id list), so the zone's count stays fast with many cases."""
    now = page_now()
    stmt = sa.select(
        *(count_if(light_clause(value, now)).label(value) for value in cq.LIGHT_VALUES),
        count_if(Case.urged_at.is_not(None)).label("urged"),
        count_if(Case.paused_at.is_not(None)).label("paused"),
        sa.func.count().label("open"),
    ).where(Case.status.in_(sorted(OPEN_STATUSES)), *_case_scope(args, scope))
    row = db.session.execute(stmt).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


# -- contact compliance ----------------------------------------------------------------
class days_before(FunctionElement[date]):
    """``day`` minus ``days`` days, as a date comparable with a Date column (SQLite
    keeps dates as ISO text, PostgreSQL as dates)."""

    type = sa.Date()
    name = "days_before"
    inherit_cache = True


@compiles(days_before)
def _days_before(element: days_before, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(CAST({day} AS DATE) - {days})"


@compiles(days_before, "sqlite")
def _days_before_sqlite(element: days_before, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"date({day}, '-' || ({days}) || ' days')"


def _assignment_scope(args: DashboardArgs, scope: Scope) -> list[sa.ColumnElement[bool]]:
    officer_id, leader_id = scope.people(args)
    people: list[sa.ColumnElement[bool]] = []
    if officer_id is not None:
        people.append(Assignment.officer_id == officer_id)
    if leader_id is not None:
        people.append(Assignment.leader_id == leader_id)
    return [sa.or_(*people)] if people else []


def contact_compliance(args: DashboardArgs, scope: Scope, today: date) -> Ratio:
    """Of the active covered enterprises in scope, how many are within their contact
    interval today (not overdue, as on the contact lists of hgq.visits): last visit, or
    the current assignment's start when never visited, no more than the interval ago.
    The interval is the shortest of the enterprise's tags, else the default. One query."""
    intervals = tag_intervals()
    last = (
        sa.select(Visit.enterprise_id, sa.func.max(Visit.visited_on).label("visited_on"))
        .group_by(Visit.enterprise_id)
        .subquery("last_contact")
    )
    since = sa.func.coalesce(last.c.visited_on, Assignment.start_date)
    interval = sa.func.coalesce(intervals.c.interval_days, default_interval())
    within = since >= days_before(sa.literal(today, sa.Date()), interval)
    stmt = (
        sa.select(sa.func.count(), count_if(within))
        .select_from(Enterprise)
        .join(
            Assignment,
            sa.and_(Assignment.enterprise_id == Enterprise.id, Assignment.end_date.is_(None)),
        )
        .outerjoin(intervals, intervals.c.enterprise_id == Enterprise.id)
        .outerjoin(last, last.c.enterprise_id == Enterprise.id)
        .where(Enterprise.is_active.is_(True), *_assignment_scope(args, scope))
    )
    total, ok = db.session.execute(stmt).one()
    return Ratio(int(ok or 0), int(total or 0))


# -- weekly checklists ------------------------------------------------------------------
def checklist_rate(args: DashboardArgs, scope: Scope) -> Ratio:
    """Of the weekly checklists of weeks beginning in the period whose outcome is
    settled (submitted, or the week closed), how many were submitted on time. Scope: an
    officer's own; a leader's officers (those covering an enterprise he leads now);
    everyone's for the zone. One query."""
    officer_id, leader_id = scope.people(args)
    where: list[sa.ColumnElement[bool]] = [
        WeeklyChecklist.outcome.is_not(None),
        WeeklyChecklist.week_start >= args.first,
        WeeklyChecklist.week_start <= month_end(args.last),
    ]
    people: list[sa.ColumnElement[bool]] = []
    if officer_id is not None:
        people.append(WeeklyChecklist.user_id == officer_id)
    if leader_id is not None:
        people.append(
            sa.exists().where(
                Assignment.officer_id == WeeklyChecklist.user_id,
                Assignment.leader_id == leader_id,
                Assignment.end_date.is_(None),
            )
        )
    if people:
        where.append(sa.or_(*people))
    on_time = WeeklyChecklist.outcome == Outcome.ON_TIME
    total, ok = db.session.execute(
        sa.select(sa.func.count(), count_if(on_time)).where(*where)
    ).one()
    return Ratio(int(ok or 0), int(total or 0))


# -- the whole page --------------------------------------------------------------------------
def gather(args: DashboardArgs, scope: Scope, base: queries.StatsFilter, today: date) -> Dashboard:
    """Everything the dashboard shows, in a number of queries that does not grow with
    the data (rollup summary and one breakdown per tab and the trend, lights, contact,
    checklists, coverage, the composite rule)."""
    flt = narrow(base, args, scope)
    rule = composite.current_rule()
    summary = queries.summary(flt)
    breakdowns = {tab: queries.breakdown(flt, tab) for tab in (*scope.tabs, "month")}
    by_month = {month_key(row.key): row for row in breakdowns["month"]}
    months = [(m, by_month.get(m)) for m in month_list(args.first, args.last)]
    several = args.first.year != args.last.year
    return Dashboard(
        args=args,
        scope=scope,
        summary=summary,
        score=composite.composite_score(summary, rule),
        rule=rule,
        rule_lines=composite.describe(rule),
        breakdowns=breakdowns,
        months=months,
        lights=light_counts(args, scope),
        contact=contact_compliance(args, scope, today),
        checklists=checklist_rate(args, scope),
        coverage=count_coverage() if scope.kind == ZONE else None,
        tables={
            **{
                tab: [table_row(row.label, row, rule) for row in rows]
                for tab, rows in breakdowns.items()
                if tab != "month"
            },
            # One per month of the range, empty for a month without cases.
            "months": [table_row(month_label(m, several), row, rule) for m, row in months],
        },
    )


def month_key(key: object) -> date | None:
    if isinstance(key, date):
        return key.replace(day=1)
    if isinstance(key, str) and len(key) >= 7:
        try:
            return date(int(key[:4]), int(key[5:7]), 1)
        except ValueError:
            return None
    return None
