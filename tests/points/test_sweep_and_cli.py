"""The points engine as it runs: from the deadline sweep (this month and last, every
minute) and from ``flask points recompute``."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.cases.models import Case
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.db import utcnow
from hgq.deadlines.models import CaseDeadline
from hgq.deadlines.sweep import run_sweep
from hgq.extensions import db
from hgq.points.models import PointEntry, PointRule
from hgq.points.rules import DEFAULT_RULES
from tests.factories import make_case
from tests.points import scenario


def entries() -> dict[str, tuple[int, int]]:
    rows = db.session.execute(
        sa.select(PointEntry.source_key, PointEntry.user_id, PointEntry.points)
    )
    return {key: (user_id, points) for key, user_id, points in rows}


def test_the_sweep_scores_its_escalation_of_an_overdue_case(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.user_a)
        perform_action(
            case, Action.ACCEPT, db.session.get(User, zone.officer1), expected_version=case.version
        )
        db.session.commit()
        case_id = case.id
        # The level-1 deadline passed an hour ago.
        past = utcnow() - timedelta(hours=1)
        case.resolution_due_at = case.due_at = past
        case.due_soon_at = past - timedelta(hours=1)
        db.session.execute(
            sa.update(CaseDeadline)
            .where(CaseDeadline.case_id == case_id, CaseDeadline.kind == "resolution")
            .values(due_at=past)
        )
        db.session.commit()

        result = run_sweep(utcnow())
        assert result.escalated == 1
        assert result.points_added == 2
        assert "记录积分 2 条" in result.summary()
        found = entries()
        assert found[f"case_response:{case_id}"] == (zone.officer1, 1)
        assert found[f"deadline_missed:{case_id}:1"] == (zone.officer1, -2)
        assert db.session.get(Case, case_id).level == 2

        again = run_sweep(utcnow())
        assert again.points_added == 0 and "积分" not in again.summary()
        assert entries() == found


def test_a_case_escalated_unanswered_scores_the_miss_not_a_late_response(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.user_a)
        case_id = case.id
        past = utcnow() - timedelta(hours=1)
        case.response_due_at = past - timedelta(hours=1)
        case.resolution_due_at = case.due_at = past
        case.due_soon_at = past - timedelta(hours=2)
        db.session.execute(
            sa.update(CaseDeadline)
            .where(CaseDeadline.case_id == case_id, CaseDeadline.kind == "resolution")
            .values(due_at=past)
        )
        db.session.commit()
        assert run_sweep(utcnow()).escalated == 1
        case = db.session.get(Case, case_id)
        assert (case.level, case.handler_id) == (2, zone.leader1)
        perform_action(
            case, Action.ACCEPT, db.session.get(User, zone.leader1), expected_version=case.version
        )
        db.session.commit()
        run_sweep(utcnow())
        found = entries()
        assert found[f"deadline_missed:{case_id}:1"] == (zone.officer1, -2)
        assert f"case_response:{case_id}" not in found  # the leader answered at once


def test_the_sweep_stores_the_default_rules_when_none_exist(app, zone):
    with app.app_context():
        db.session.execute(sa.delete(PointRule))
        db.session.commit()
        run_sweep(utcnow())
        codes = set(db.session.scalars(sa.select(PointRule.code)))
        assert codes == set(DEFAULT_RULES)


def test_cli_recomputes_a_month(app, zone, runner):
    with app.app_context():
        scenario.build_october(zone)
    result = runner.invoke(args=["points", "recompute", "--month", scenario.MONTH])
    assert result.exit_code == 0, result.output
    assert f"新增 {scenario.EXPECTED_ENTRIES} 条" in result.output
    result = runner.invoke(args=["points", "recompute", "--month", scenario.MONTH])
    assert "新增 0 条，更正 0 条" in result.output
    with app.app_context():
        assert len(entries()) == scenario.EXPECTED_ENTRIES
    result = runner.invoke(args=["points", "recompute", "--month", "2026-13"])
    assert result.exit_code == 2 and "YYYY-MM" in result.output
    result = runner.invoke(args=["points", "recompute"])
    assert result.exit_code == 0 and "本月和上月" in result.output
