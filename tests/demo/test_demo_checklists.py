"""``flask demo``: weekly checklists (每周清单) for the last three weeks and this one."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.accounts.queries import get_user_by_username
from hgq.checklists import queries, services
from hgq.checklists.models import ChecklistItem, ItemKind, Outcome, WeeklyChecklist
from hgq.checklists.weeks import Week
from hgq.db import utcnow
from hgq.demo import data
from hgq.demo.checklists import PAST_WEEKS, SUBMITTED_NOW
from hgq.demo.cli import demo_command
from hgq.demo.services import build_demo_zone
from hgq.extensions import db

OFFICERS = list(data.OFFICER_LEADERS)


@pytest.fixture
def demo(runner):  # type: ignore[no-untyped-def]
    result = runner.invoke(demo_command)
    assert result.exit_code == 0, result.output
    return result


def _user(username: str) -> User:
    user = db.session.scalar(get_user_by_username(username))
    assert user is not None, username
    return user


def _weeks() -> list[Week]:
    """W-3, W-2, W-1 and the current week W."""
    current = services.current_week(utcnow())
    return [current.shift(-back) for back in range(PAST_WEEKS, -1, -1)]


def _checklists() -> list[WeeklyChecklist]:
    return list(db.session.scalars(sa.select(WeeklyChecklist)))


def test_every_officer_has_the_last_weeks_and_this_one(app, demo):
    with app.app_context():
        *past, current = _weeks()
        now = utcnow()
        for username in OFFICERS:
            officer = _user(username)
            for week in past:
                checklist = services.get_checklist(officer, week)
                assert checklist is not None, (username, str(week))
                assert checklist.items, (username, str(week))
                assert services.outcome_at(checklist, week, now) is not None
                assert checklist.due_at == services.due_at(week)
            this_week = services.get_checklist(officer, current)
            assert this_week is not None, username
            assert this_week.is_submitted is (username == SUBMITTED_NOW)
            assert any(i.kind is ItemKind.OWN for i in this_week.items)
            assert any(i.progress for i in this_week.items), username
        assert len(_checklists()) == len(OFFICERS) * (PAST_WEEKS + 1)
        # a leader sees his officers' current week side by side, still open
        rows = queries.team_week(_user("leader1"), current, now)
        assert {row.officer.username for row in rows} == {
            o for o, leader in data.OFFICER_LEADERS.items() if leader == "leader1"
        }
        assert all(row.checklist is not None and not row.submitted for row in rows)
        assert any(row.done_count for row in rows)


def test_past_weeks_are_reviewed_and_carry_over_what_was_left(app, demo):
    with app.app_context():
        now = utcnow()
        past = {week.monday for week in _weeks()[:-1]}
        outcomes: Counter[Outcome | None] = Counter()
        reviewed = 0
        items: list[ChecklistItem] = []
        for checklist in _checklists():
            if checklist.week_start not in past:
                continue
            outcomes[services.outcome_at(checklist, Week(checklist.week_start), now)] += 1
            items.extend(checklist.items)
            if checklist.review_comment:
                reviewed += 1
                assert checklist.is_submitted and checklist.reviewed_by is not None
                assert checklist.reviewed_at >= checklist.submitted_at
                assert (
                    checklist.reviewed_by.username == data.OFFICER_LEADERS[checklist.user.username]
                )
        assert outcomes[Outcome.LATE] >= 1 and outcomes[Outcome.MISSING] >= 1
        assert outcomes[Outcome.ON_TIME] > outcomes[Outcome.LATE] + outcomes[Outcome.MISSING]
        assert None not in outcomes
        assert reviewed >= 3
        done = sum(1 for item in items if item.done)
        assert done > len(items) / 2
        assert all(item.progress for item in items if item.done)
        for checklist in _checklists():  # every stored time is aware
            assert checklist.due_at.tzinfo is not None and checklist.created_at.tzinfo is not None
        # unfinished items were carried over to the week after
        carried = db.session.scalars(
            sa.select(ChecklistItem).where(ChecklistItem.kind == ItemKind.CARRIED)
        ).all()
        assert carried
        for item in carried:
            source = item.carried_from
            assert source is not None and not source.done
            assert Week(source.checklist.week_start).shift(1) == Week(item.checklist.week_start)
            assert source.checklist.user_id == item.checklist.user_id


def test_a_second_build_creates_no_checklists(app):
    with app.app_context():
        first = build_demo_zone(data.DEFAULT_PASSWORD)
        db.session.commit()
        assert first["checklists"] == len(OFFICERS) * (PAST_WEEKS + 1)
        versions = {c.id: c.version for c in _checklists()}
        items = db.session.scalar(sa.select(sa.func.count()).select_from(ChecklistItem))
        second = build_demo_zone(data.DEFAULT_PASSWORD)
        db.session.commit()
        assert second["checklists"] == 0
        assert {c.id: c.version for c in _checklists()} == versions
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ChecklistItem)) == items
