"""The demo zone's year of history (hgq.demo.history): months, rates, points, sweeps,
idempotence. One demo zone is built for the whole module (a build takes seconds);
the tests only read it, the last one builds again and expects no change."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from hgq.accounts.models import Role, User
from hgq.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseStatus
from hgq.cases.workflow import Action
from hgq.db import utcnow
from hgq.deadlines.models import DeadlineNotice
from hgq.deadlines.services import get_calendar
from hgq.demo import data
from hgq.demo.history import history_exists
from hgq.demo.history_plan import WINDOWS
from hgq.demo.services import build_demo_zone
from hgq.extensions import db
from hgq.points import queries as points
from hgq.points.models import PointEntry
from hgq.points.scoring import Month
from hgq.stats import queries as stats
from hgq.stats.rollup import ROLLUP_TABLES, rebuild
from hgq.timeutil import local_today, to_local, zone
from tests.conftest import make_test_app


@pytest.fixture(scope="module")
def built(tmp_path_factory, pg_database) -> Iterator[tuple[Flask, Counter[str]]]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("history")
    app = make_test_app(tmp, pg_database or f"sqlite:///{tmp / 'test.sqlite'}", DEMO_HISTORY=True)
    with app.app_context():
        db.create_all()
        created = build_demo_zone(data.DEFAULT_PASSWORD)
        db.session.commit()
    yield app, created
    with app.app_context():
        db.session.remove()
        if pg_database:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def ctx(built):  # type: ignore[no-untyped-def]
    app, _ = built
    with app.app_context():
        yield
        db.session.rollback()


def _history() -> list[Case]:
    """The backdated cases: submitted before their creator's account was made."""
    return list(
        db.session.scalars(
            sa.select(Case)
            .join(User, User.id == Case.created_by_id)
            .where(Case.created_at < User.created_at)
        )
    )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone())


def test_history_covers_twelve_months_and_this_one(built, ctx):
    _, created = built
    cases = _history()
    assert len(cases) == created["history_cases"] > 0
    months = Counter(to_local(c.created_at).strftime("%Y-%m") for c in cases)
    assert len(months) >= 12
    today = local_today()
    full = {m: n for m, n in months.items() if m != f"{today:%Y-%m}"}
    assert all(8 <= n <= 20 for n in full.values()), months
    assert all(c.created_at < _local_midnight(today) for c in cases)  # up to yesterday
    assert history_exists()
    # Officers log in office hours on working days; enterprises now and then at night.
    calendar = get_calendar()
    for case in cases:
        local = to_local(case.created_at)
        if case.created_by.has_role(Role.OFFICER):
            assert calendar.is_workday(local.date()), case.code
            assert any(start <= local.time() <= end for start, end in WINDOWS), case.code
    # Spread over enterprises, officers, categories, channels; some found on a visit.
    assert len({c.enterprise_id for c in cases}) >= 15
    assert len({c.first_owner_id for c in cases}) == len(data.OFFICER_LEADERS)
    assert len({c.category_id for c in cases}) == 8
    assert len({c.channel for c in cases}) >= 4
    assert any(c.visit_id is not None for c in cases)


def test_cases_go_through_the_whole_workflow(ctx):
    cases = _history()
    by_status = Counter(c.status for c in cases)
    assert by_status[CaseStatus.CLOSED] > len(cases) * 0.7
    assert by_status[CaseStatus.REJECTED] and by_status[CaseStatus.WITHDRAWN]
    still_open = [c for c in cases if c.status in OPEN_STATUSES]
    assert 1 <= len(still_open) <= 15  # yesterday's request at least
    # Those still open are recent (or the committee's hard ones).
    recent = _local_midnight(local_today() - timedelta(days=100))
    assert all(c.created_at > recent for c in still_open)
    assert Counter(c.level for c in cases)[2] >= 3
    assert Counter(c.level for c in cases)[3] >= 1
    assert any(c.reopen_count > 0 for c in cases)
    assert any(c.closed_unrated for c in cases)
    ids = [c.id for c in cases]
    actions = Counter(
        (action, actor is None)
        for action, actor in db.session.execute(
            sa.select(CaseEvent.action, CaseEvent.actor_id).where(CaseEvent.case_id.in_(ids))
        )
    )
    # What the deadline sweep recorded as it ran through the year:
    assert actions[(Action.ESCALATE, True)] >= 1  # escalations of missed deadlines
    assert actions[(Action.CLOSE, True)] >= 1  # closing what nobody rated within a week
    assert actions[(Action.ESCALATE, False)] >= 1  # and people escalated too
    for action in (Action.REPLY, Action.RATE, Action.REQUEST_EXTENSION, Action.PAUSE):
        assert actions[(action, False)] >= 1, action
    notices = db.session.scalars(
        sa.select(DeadlineNotice.kind).where(DeadlineNotice.case_id.in_(ids))
    ).all()
    assert "overdue" in notices
    # Every event happened before now, and each case's events are in time order.
    events = db.session.execute(
        sa.select(CaseEvent.case_id, CaseEvent.at)
        .where(CaseEvent.case_id.in_(ids))
        .order_by(CaseEvent.case_id, CaseEvent.id)
    ).all()
    assert all(at <= utcnow() for _, at in events)
    assert all(a.at <= b.at for a, b in itertools.pairwise(events) if a.case_id == b.case_id)


def test_rates_look_like_a_real_zone(ctx):
    summary = stats.summary(stats.StatsFilter())
    rates = {
        "response": summary.response_rate,
        "resolution": summary.resolution_rate,
        "satisfaction": summary.satisfaction_rate,
    }
    for name, rate in rates.items():
        assert rate is not None and 0 < rate < 1, (name, rate)
    assert rates["response"] > 0.85 and rates["satisfaction"] > 0.85
    assert rates["resolution"] > 0.75
    assert summary.median_days is not None and 1 <= summary.median_days <= 8
    assert summary.escalation_rate is not None and 0.03 < summary.escalation_rate < 0.3
    # Each month of the trend has cases and a measurable response rate.
    first = (local_today().replace(day=1) - timedelta(days=330)).replace(day=1)
    months = stats.breakdown(stats.StatsFilter(since=first), "month")
    assert len(months) >= 12
    assert all(row.cases >= 8 and row.response_rate is not None for row in months)


def test_rollup_kept_by_the_hooks_equals_a_rebuild(ctx):
    def rows() -> dict[str, list[tuple[object, ...]]]:
        return {
            t.name: sorted((tuple(r) for r in db.session.execute(sa.select(t))), key=repr)
            for t in ROLLUP_TABLES
        }

    kept = rows()
    assert kept["case_stats"]
    rebuild()
    assert rows() == kept


def test_points_rank_last_months_officers(ctx):
    last = Month.of(utcnow()).previous()
    ranking = points.rankings(points.parse_period(last.text), Role.OFFICER)
    assert len(ranking) == len(data.OFFICER_LEADERS)
    totals = [row.total for row in ranking]
    assert sum(totals) > 0
    assert sum(1 for total in totals if total != 0) >= len(totals) - 1
    # Every past month of this year scored (the rules are in force from 1 January 2026).
    periods = set(db.session.scalars(sa.select(PointEntry.period).distinct()))
    this_year = {f"{local_today().year}-{m:02d}" for m in range(1, local_today().month)}
    assert this_year <= periods
    missed = db.session.scalar(
        sa.select(sa.func.count()).where(PointEntry.rule_code == "deadline_missed")
    )
    assert missed >= 1


def test_a_second_build_creates_nothing(built, ctx):
    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        return {
            t.name: sorted((tuple(r) for r in db.session.execute(sa.select(t))), key=repr)
            for t in db.metadata.sorted_tables
        }

    before = snapshot()
    created = build_demo_zone(data.DEFAULT_PASSWORD)
    db.session.commit()
    assert sum(created.values()) == 0, created
    assert snapshot() == before
