"""The traffic light in Python (light) and in SQL (light_clause) say the same thing."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hgq.cases.models import Case
from hgq.db import utcnow
from hgq.deadlines.services import Light, light, light_clause
from hgq.extensions import db
from tests.factories import make_case

H = timedelta(hours=1)

# name → (due_at, due_soon_at) relative to now; None: no deadline running.
SETUPS = {
    "overdue": (-H, -5 * H),
    "overdue_no_soon": (-timedelta(seconds=1), None),
    "due_soon": (2 * H, -H),
    "due_exactly_now": (timedelta(0), -H),
    "soon_starts_now": (5 * H, timedelta(0)),
    "plenty": (72 * H, 48 * H),
    "no_soon_time": (24 * H, None),
    "paused_or_ended": (None, None),
}
EXPECTED = {
    "overdue": Light.RED,
    "overdue_no_soon": Light.RED,
    "due_soon": Light.YELLOW,
    "due_exactly_now": Light.YELLOW,
    "soon_starts_now": Light.YELLOW,
    "plenty": Light.GREEN,
    "no_soon_time": Light.GREEN,
    "paused_or_ended": None,
}


@pytest.fixture
def lit(app, zone):
    """One case per setup, its due times written directly; returns (now, name → id)."""
    now = utcnow().replace(microsecond=0)
    ids = {}
    with app.app_context():
        for name, (due, soon) in SETUPS.items():
            case = make_case(zone.ent_a, zone.officer1, title=name)
            case.due_at = None if due is None else now + due
            case.due_soon_at = None if soon is None else now + soon
            ids[name] = case.id
        db.session.commit()
    return now, ids


def test_light_of_each_setup(app, lit):
    now, ids = lit
    with app.app_context():
        for name, case_id in ids.items():
            assert light(db.session.get(Case, case_id), now) == EXPECTED[name], name


@pytest.mark.parametrize("value", [Light.GREEN, Light.YELLOW, Light.RED])
def test_sql_clause_matches_python(app, lit, value):
    now, ids = lit
    with app.app_context():
        found = set(db.session.scalars(sa.select(Case.id).where(light_clause(value, now))))
        cases = db.session.scalars(sa.select(Case)).all()
        assert found == {c.id for c in cases if light(c, now) == value}
        assert found == {ids[name] for name, lit_as in EXPECTED.items() if lit_as == value}


def test_a_case_without_a_running_deadline_matches_no_light(app, lit):
    now, ids = lit
    with app.app_context():
        matched = set()
        for value in (Light.GREEN, Light.YELLOW, Light.RED):
            matched |= set(db.session.scalars(sa.select(Case.id).where(light_clause(value, now))))
        assert ids["paused_or_ended"] not in matched
        # Every case with a deadline has exactly one light.
        assert matched == set(ids.values()) - {ids["paused_or_ended"]}


def test_lights_move_with_time(app, lit):
    """The same case, judged later: green, then yellow, then red, in SQL as in Python."""
    now, ids = lit
    with app.app_context():
        case = db.session.get(Case, ids["plenty"])
        for later, expected in ((0, Light.GREEN), (50, Light.YELLOW), (73, Light.RED)):
            at = now + later * H
            assert light(case, at) == expected
            row = db.session.scalar(
                sa.select(Case.id).where(Case.id == case.id, light_clause(expected, at))
            )
            assert row == case.id
