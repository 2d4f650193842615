"""Periods, a person's entries and totals, rankings (ties, one query), the 红黑榜, and
who may see whose points."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hgq import access
from hgq.accounts.models import Role, User
from hgq.db import utcnow
from hgq.extensions import db
from hgq.points import engine, queries
from tests.points import scenario
from tests.querycount import counting_queries


@pytest.fixture
def october(app, zone):  # type: ignore[no-untyped-def]
    with app.app_context():
        ids = scenario.build_october(zone)
        engine.recompute(scenario.MONTH, utcnow())
        db.session.commit()
        return ids


def rows(period: str, role: Role) -> list[tuple[str, int, int]]:
    found = queries.rankings(queries.parse_period(period), role)
    return [(row.name, row.total, row.rank) for row in found]


@pytest.mark.parametrize(
    ("text", "kind", "label", "months"),
    [
        ("2026-11", "month", "2026年11月", ["2026-11"]),
        ("2026-01", "month", "2026年1月", ["2026-01"]),
        ("2026-Q4", "quarter", "2026年第四季度", ["2026-10", "2026-11", "2026-12"]),
        ("2027-Q1", "quarter", "2027年第一季度", ["2027-01", "2027-02", "2027-03"]),
    ],
)
def test_periods(text, kind, label, months):
    period = queries.parse_period(text)
    assert (period.kind, period.text, period.label, period.months) == (kind, text, label, months)


@pytest.mark.parametrize(
    "text", ["", "2026-13", "2026-00", "2026-Q5", "2026-Q0", "26-11", "1999-01", "2026-11 ", "abc"]
)
def test_bad_periods(text):
    assert queries.parse_period(text) is None


def test_the_current_period_is_the_local_month(app):
    with app.app_context():
        # 16:30 UTC on 31 October is 00:30 on 1 November in the zone.
        period = queries.current_period(datetime(2026, 10, 31, 16, 30, tzinfo=UTC))
        assert (period.text, period.label) == ("2026-11", "2026年11月")


def test_rankings_with_a_tie(app, october):
    with app.app_context():
        assert rows("2026-10", Role.OFFICER) == [
            ("干部三", 5, 1),
            ("干部一", 4, 2),
            ("干部二", 4, 2),
            ("干部四", 0, 4),
        ]
        assert rows("2026-10", Role.LEADER) == [("领导二", 0, 1), ("领导一", -2, 2)]
        assert rows("2026-Q4", Role.OFFICER) == rows("2026-10", Role.OFFICER)
        # A month without entries ranks everyone at 0, by name.
        assert [r[1:] for r in rows("2026-08", Role.OFFICER)] == [(0, 1)] * 4
        # Inactive users are not ranked.
        db.session.get(User, october.officer4).active = False
        db.session.commit()
        assert [r[0] for r in rows("2026-10", Role.OFFICER)] == ["干部三", "干部一", "干部二"]


def test_rankings_are_one_query(app, october):
    with counting_queries(app) as statements, app.app_context():
        queries.rankings(queries.parse_period("2026-Q4"), Role.OFFICER)
    assert len(statements) == 1


def test_red_and_black_lists(app, october):
    with app.app_context():
        period = queries.parse_period("2026-10")
        top, bottom = queries.red_black(period, Role.OFFICER, n=2)
        assert [r.name for r in top] == ["干部三", "干部一"]
        assert [r.name for r in bottom] == ["干部四", "干部二"]  # lowest first
        top, bottom = queries.red_black(period, Role.OFFICER)
        assert len(top) == 4 and bottom == []  # nobody on both lists
        top, bottom = queries.red_black(period, Role.OFFICER, n=3)
        assert [r.name for r in bottom] == ["干部四"]


def test_a_persons_entries_and_total(app, october):
    with app.app_context():
        period = queries.parse_period("2026-10")
        entries = list(db.session.scalars(queries.select_entries(october.officer1, period)))
        assert len(entries) == 9
        assert [(e.at, e.id) for e in entries] == sorted((e.at, e.id) for e in entries)
        assert all(e.rule is not None and e.rule.code == e.rule_code for e in entries)
        assert queries.total_for(october.officer1, period) == 4
        assert queries.total_for(october.officer1, queries.parse_period("2026-Q4")) == 4
        assert queries.total_for(october.officer1, queries.parse_period("2026-09")) == 0
        assert queries.total_for(october.officer4, period) == 0


@pytest.mark.parametrize(
    ("viewer", "person", "sees"),
    [
        ("officer1", "officer1", True),
        ("officer1", "officer2", False),
        ("leader1", "officer1", True),
        ("leader1", "officer2", False),
        ("leader1", "leader2", False),
        ("leader2", "officer3", True),
        ("committee", "officer2", True),
        ("admin", "leader1", True),
        ("dept1", "officer1", False),
        ("user_a", "officer1", False),
    ],
)
def test_who_sees_whose_points(app, october, viewer, person, sees):
    with app.app_context():
        viewer_user = db.session.get(User, getattr(october, viewer))
        person_user = db.session.get(User, getattr(october, person))
        assert access.can_see_points_of(viewer_user, person_user) is sees
        assert access.is_assessor(viewer_user) is (viewer in ("committee", "admin"))
