"""The rollup kept by every case change equals a rebuild from the cases, whatever the
sequence of creations, actions and deadline sweeps (seeded random runs); and the
pieces it rests on."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hgq import access
from hgq.accounts.models import User
from hgq.cases.models import Case, CaseStatus, Category, ResolutionType, Satisfaction
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action, available_actions
from hgq.deadlines.sweep import run_sweep
from hgq.enterprises.models import Enterprise
from hgq.enterprises.services import assign_enterprise
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.stats.models import COUNTERS, KEY_COLUMNS, CaseStat
from hgq.stats.queries import StatsFilter, summary
from hgq.stats.rollup import cell_key, contribution, rebuild, resolve_days, sql_conditions
from tests.factories import make_department
from tests.querycount import counting_queries
from tests.stats.handmade import (  # noqa: F401
    DECEMBER,
    T0,
    Clock,
    assert_matches_rebuild,
    clock,
    new_case,
    snapshot,
)

STEPS = 120
# How far the clock moves before each step: minutes to days, so answers come on time
# or late, deadlines pass, sweeps escalate and auto-close.
GAPS = [timedelta(minutes=20), timedelta(hours=3), timedelta(hours=20), timedelta(days=3)]


def _payload(rng: random.Random, action: Action, step: int) -> dict:  # type: ignore[type-arg]
    payload: dict = {"note": f"第{step}步的说明"}  # type: ignore[type-arg]
    if action is Action.RESOLVE:
        payload["resolution_type"] = rng.choice(list(ResolutionType)).value
    elif action is Action.RATE:
        payload["solved"] = rng.random() < 0.5
        payload["satisfaction"] = rng.choice(list(Satisfaction)).value
    elif action is Action.REQUEST_EXTENSION:
        payload["working_days"] = rng.randint(1, 5)
    return payload


# Notes, urges, escalations and withdrawals are possible almost always; they are made
# rarer (and rating, which only the enterprise can, more likely) so that the runs also
# resolve, rate, reopen, close, pause and extend.
WEIGHTS = {Action.NOTE: 1, Action.URGE: 1, Action.ESCALATE: 2, Action.WITHDRAW: 1, Action.RATE: 15}


def _random_action(rng: random.Random, clk: Clock, people: list[int], step: int) -> None:
    """Someone takes one of the actions open to him on a random case."""
    case_ids = list(db.session.scalars(sa.select(Case.id)))
    case = db.session.get(Case, rng.choice(case_ids))
    choices = []
    for user in (db.session.get(User, person) for person in people):
        relations = access.case_relations(user, case)
        choices += [(user, action) for action in available_actions(case, relations, clk.now)]
    if not choices:
        return
    weights = [WEIGHTS.get(action, 6) for _, action in choices]
    user, action = rng.choices(choices, weights)[0]
    try:
        perform_action(
            case, action, user, expected_version=case.version, **_payload(rng, action, step)
        )
        db.session.commit()
    except DomainError:
        db.session.rollback()


def _random_case(rng: random.Random, clk: Clock, zone) -> None:  # type: ignore[no-untyped-def]
    enterprise, creator = rng.choice(
        [
            (zone.ent_a, zone.user_a),
            (zone.ent_a, zone.officer1),
            (zone.ent_b, zone.user_b),
            (zone.ent_b, zone.leader2),
            (zone.ent_c, zone.committee),  # uncovered: no leader, the committee is 首问
        ]
    )
    category = rng.choice(["land", "financing", "labor"])
    try:
        new_case(clk, clk.now, enterprise, creator, category)
    except DomainError:  # officer1 after enterprise A passed to officer2
        db.session.rollback()


def _reassign(zone, when: date) -> None:  # type: ignore[no-untyped-def]
    """Enterprise A passes to officer2 and leader2: later cases count under them."""
    assign_enterprise(
        db.session.get(Enterprise, zone.ent_a),
        officer=db.session.get(User, zone.officer2),
        leader=db.session.get(User, zone.leader2),
        start_date=when,
        actor=db.session.get(User, zone.admin),
    )
    db.session.commit()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_rollup_equals_rebuild(app, zone, clock, seed):  # noqa: F811
    rng = random.Random(seed)
    people = [
        zone.officer1,
        zone.officer2,
        zone.leader1,
        zone.leader2,
        zone.committee,
        zone.user_a,
        zone.user_b,
    ]
    with app.app_context():
        officer1 = db.session.get(User, zone.officer1)
        officer1.department_id = make_department("企业服务中心").id
        db.session.commit()
        clock.now = T0 - timedelta(days=20)  # October → November → December
        for step in range(STEPS):
            clock.advance(rng.choice(GAPS))
            roll = rng.random()
            if step == STEPS // 2:
                _reassign(zone, date(2026, 11, 10))
            if roll < 0.25 or step < 3:
                _random_case(rng, clock, zone)
            elif roll < 0.32:
                run_sweep(now=clock.now)
            else:
                _random_action(rng, clock, people, step)
            if step % 30 == 29:
                assert_matches_rebuild()
        assert_matches_rebuild()
        statuses = set(db.session.scalars(sa.select(Case.status)))
        months = set(db.session.scalars(sa.select(CaseStat.month)))
    # The run went through most of the workflow and over several months.
    assert len(statuses) >= 4, statuses
    assert len(months) >= 2, months


def test_the_sweep_moves_cases_and_their_counters(app, zone, clock):  # noqa: F811
    with app.app_context():
        case_id = new_case(clock, T0, zone.ent_a, zone.user_a)
        run_sweep(now=T0 + timedelta(days=30))  # level 1 → 2 (one level per sweep)
        run_sweep(now=T0 + timedelta(days=60))
        assert db.session.get(Case, case_id).level == 3
        assert_matches_rebuild()
        total = summary(StatsFilter(), now=T0 + timedelta(days=60))
    assert (total.escalated, total.by_level, total.due_for_response) == (1, {1: 0, 2: 0, 3: 1}, 1)
    assert total.by_status["submitted"] == 1 and total.response_rate == 0.0


def test_a_case_keeps_the_leader_and_department_it_was_submitted_under(app, zone, clock):  # noqa: F811
    with app.app_context():
        department = make_department("园区服务局")
        db.session.get(User, zone.officer1).department_id = department.id
        db.session.commit()
        before = db.session.get(Case, new_case(clock, T0, zone.ent_a, zone.user_a))
        assert (before.first_owner_id, before.leader_id, before.department_id) == (
            zone.officer1,
            zone.leader1,
            department.id,
        )
        _reassign(zone, date(2026, 11, 10))
        db.session.get(User, zone.officer1).department_id = None
        db.session.commit()
        after = db.session.get(Case, new_case(clock, T0, zone.ent_a, zone.user_a))
        uncovered = db.session.get(Case, new_case(clock, T0, zone.ent_c, zone.committee))
        before = db.session.get(Case, before.id)
        assert before.leader_id == zone.leader1 and before.department_id == department.id
        assert (after.first_owner_id, after.leader_id) == (zone.officer2, zone.leader2)
        assert cell_key(uncovered)[2:] == (zone.committee, 0, 0)
        assert cell_key(before).month == date(2026, 11, 1)


def test_the_month_is_the_local_one(app, zone, clock):  # noqa: F811
    with app.app_context():
        # 1 December 00:30 in the zone is still 30 November in UTC.
        case = db.session.get(
            Case, new_case(clock, DECEMBER - timedelta(hours=8.5), zone.ent_a, zone.user_a)
        )
        assert cell_key(case).month == date(2026, 12, 1)
        assert_matches_rebuild()


def test_contribution_reads_no_database(app, zone, clock):  # noqa: F811
    with app.app_context():
        case = db.session.get(Case, new_case(clock, T0, zone.ent_a, zone.user_a))
        with counting_queries(app) as statements:
            first = contribution(case)
            again = contribution(case)
        assert statements == []
        assert first == again
        assert first.counts == {"cases": 1, "status_submitted": 1, "level1": 1}
        assert first.awaiting_due == case.response_due_at and first.days is None


def test_tables_and_definitions_agree():
    assert tuple(sql_conditions()) == COUNTERS
    assert [c.name for c in CaseStat.__table__.columns] == [*KEY_COLUMNS, *COUNTERS]
    assert {str(s) for s in CaseStatus} <= {c.removeprefix("status_") for c in COUNTERS}


def test_resolve_days_counts_whole_days():
    assert resolve_days(T0, T0 + timedelta(days=2, seconds=-1)) == 1
    assert resolve_days(T0, T0 + timedelta(days=2)) == 2
    assert resolve_days(T0, T0 - timedelta(hours=1)) == 0


def test_rebuild_of_nothing_and_of_something(app, zone, clock):  # noqa: F811
    with app.app_context():
        assert rebuild() == 0
        assert all(rows == [] for rows in snapshot().values())
        for _ in range(3):
            new_case(clock, T0, zone.ent_b, zone.user_b)
        db.session.execute(sa.delete(CaseStat))  # lost, e.g. restored from an old backup
        assert rebuild() == 3
        db.session.commit()
        assert summary(StatsFilter()).cases == 3
        land = db.session.scalar(sa.select(Category.id).where(Category.code == "land"))
        assert summary(StatsFilter(category_id=land)).cases == 3
