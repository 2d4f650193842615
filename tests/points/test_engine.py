"""The points engine against October 2026 computed by hand (tests/points/scenario.py):
exact totals per person and rule, idempotence, corrections for rule versions made
after the fact, monthly caps, and every entry traceable to its source."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.cases.models import Case, CaseEvent
from hgq.checklists.models import WeeklyChecklist
from hgq.db import utcnow
from hgq.extensions import db
from hgq.points import engine, services
from hgq.points.models import PointEntry, PointRule, SourceType
from hgq.points.rules import RULE_NAMES
from hgq.visits.models import Visit
from tests.points import scenario
from tests.querycount import counting_queries

MONTH = scenario.MONTH


@pytest.fixture
def october(app, zone):  # type: ignore[no-untyped-def]
    with app.app_context():
        return scenario.build_october(zone)


def recompute() -> engine.RecomputeResult:
    result = engine.recompute(MONTH, utcnow())
    db.session.commit()
    return result


def all_entries() -> list[PointEntry]:
    return list(db.session.scalars(sa.select(PointEntry).order_by(PointEntry.id)))


def snapshot() -> list[tuple[object, ...]]:
    columns = [c.key for c in PointEntry.__table__.columns]
    return [tuple(getattr(e, c) for c in columns) for e in all_entries()]


def by_person_and_rule(z) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    names = {getattr(z, n): n for n in ("officer1", "officer2", "officer3", "leader1", "leader2")}
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry in all_entries():
        sums[names[entry.user_id]][entry.rule_code] += entry.points
    return {who: dict(rules) for who, rules in sums.items()}


def totals(z) -> dict[str, int]:  # type: ignore[no-untyped-def]
    found = by_person_and_rule(z)
    return {who: sum(found.get(who, {}).values()) for who in scenario.EXPECTED_TOTALS}


def add_version(code: str, points: int, active_from: date, monthly_cap: int | None = None) -> None:
    """A rule version for days already scored (as a data fix would make it)."""
    db.session.add(
        PointRule(
            code=code,
            name=RULE_NAMES[code],
            points=points,
            monthly_cap=monthly_cap,
            active_from=active_from,
        )
    )
    db.session.commit()


def test_october_scores_exactly_as_computed_by_hand(app, october):
    with app.app_context():
        result = recompute()
        assert (result.added, result.corrected) == (scenario.EXPECTED_ENTRIES, 0)
        assert by_person_and_rule(october) == scenario.EXPECTED_BY_RULE
        assert totals(october) == scenario.EXPECTED_TOTALS
        entries = all_entries()
        assert {e.period for e in entries} == {MONTH}
        assert all(e.corrects_id is None and e.note == "" for e in entries)
        # Who scored what, by key.
        keys = {e.source_key: (e.user_id, e.points) for e in entries}
        assert keys[f"case_response:{october.case2}"] == (october.officer1, -1)
        assert keys[f"deadline_missed:{october.case2}:1"] == (october.officer1, -2)
        assert keys[f"deadline_missed:{october.case3}:1"] == (october.officer2, -2)
        assert f"deadline_missed:{october.case2}:2" not in keys
        assert sum(1 for k in keys if k.startswith(f"visit:{october.officer2}:")) == 1


def test_recomputing_changes_nothing(app, october):
    with app.app_context():
        recompute()
        before = snapshot()
        again = recompute()
        assert (again.added, again.corrected) == (0, 0)
        assert again.skipped >= scenario.EXPECTED_ENTRIES
        assert snapshot() == before


def test_recompute_reads_a_bounded_number_of_queries(app, october):
    with app.app_context():
        recompute()
    with counting_queries(app) as statements, app.app_context():
        engine.recompute(MONTH, utcnow())
    assert len(statements) <= 13  # a dozen reads, whatever the data size; nothing to write


def test_a_rule_version_made_after_the_fact_adds_corrections_only(app, october):
    with app.app_context():
        recompute()
        originals = snapshot()
        add_version("case_rated_satisfied", 3, date(2026, 10, 1))
        add_version("visit_logged", 1, date(2026, 10, 1), monthly_cap=3)
        result = recompute()
        assert (result.added, result.corrected) == (0, 4)
        assert snapshot()[: len(originals)] == originals  # untouched
        fixes = [e for e in all_entries() if e.corrects_id is not None]
        assert sorted(e.points for e in fixes) == [-1, -1, 1, 1]
        for fix in fixes:
            assert fix.source_key == f"{fix.corrects.source_key}:fix:1"
            assert fix.rule_code == fix.corrects.rule_code and fix.period == MONTH
            assert (fix.source_type, fix.source_id) == (
                fix.corrects.source_type,
                fix.corrects.source_id,
            )
        capped = [f for f in fixes if f.rule_code == "visit_logged"]
        assert {f.user_id for f in capped} == {october.officer3}
        assert all("已达本月上限" in f.note for f in capped)
        # The two latest visits of officer3 (20日, 27日) lost their point.
        days = sorted(db.session.get(Visit, f.source_id).visited_on.day for f in capped)
        assert days == [20, 27]
        assert totals(october) == {"officer1": 5, "officer2": 5, "officer3": 3, "officer4": 0}
        # Once more: nothing; a further version: a second correction (fix:2).
        assert (recompute().corrected, recompute().added) == (0, 0)
        add_version("case_rated_satisfied", 2, date(2026, 10, 15))
        result = recompute()
        assert result.corrected == 2
        second = [e for e in all_entries() if e.source_key.endswith(":fix:2")]
        assert sorted(e.points for e in second) == [-1, -1]
        assert totals(october)["officer1"] == 4


def test_a_cap_in_force_from_the_start_gives_zero_points_with_a_note(app, october):
    with app.app_context():
        add_version("visit_logged", 1, date(2026, 9, 1), monthly_cap=3)
        recompute()
        visits = db.session.scalars(
            sa.select(PointEntry)
            .where(PointEntry.user_id == october.officer3)
            .order_by(PointEntry.at)
        ).all()
        assert [e.points for e in visits] == [1, 1, 1, 0, 0]
        assert [e.note for e in visits][3:] == ["已达本月上限"] * 2
        assert recompute().added == 0


def test_a_disabled_rule_scores_nothing(app, october):
    with app.app_context():
        db.session.add(
            PointRule(
                code="checklist_missing",
                name="每周清单未提交",
                points=-2,
                active_from=date(2026, 10, 1),
                enabled=False,
            )
        )
        db.session.commit()
        recompute()
        assert "checklist_missing" not in by_person_and_rule(october)["officer1"]


def test_an_entry_reversed_on_appeal_stays_reversed(app, october):
    with app.app_context():
        recompute()
        entry = db.session.scalar(
            sa.select(PointEntry).where(
                PointEntry.source_key == f"case_rate:{_rate_event(october)}"
            )
        )
        appeal = services.file_appeal(entry, entry.user, "企业误评", utcnow())
        committee = db.session.get(User, october.committee)
        services.decide_appeal(
            appeal, committee, reverse=True, decision="核实", now=utcnow(), expected_version=None
        )
        db.session.commit()
        add_version("case_rated_satisfied", 5, date(2026, 10, 1))
        result = recompute()
        assert result.corrected == 1  # case 3's rating only; case 1's stays reversed
        net = db.session.scalar(
            sa.select(sa.func.sum(PointEntry.points)).where(
                sa.or_(PointEntry.id == entry.id, PointEntry.corrects_id == entry.id)
            )
        )
        assert net == 0


def _rate_event(z) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(
        sa.select(CaseEvent.id).where(CaseEvent.case_id == z.case1, CaseEvent.action == "rate")
    )


def test_every_entry_leads_to_its_source(app, october):
    with app.app_context():
        recompute()
        models = {
            SourceType.CASE: Case,
            SourceType.VISIT: Visit,
            SourceType.CHECKLIST: WeeklyChecklist,
            SourceType.MANUAL: PointEntry,
        }
        entries = all_entries()
        assert {e.source_type for e in entries} == {
            SourceType.CASE,
            SourceType.VISIT,
            SourceType.CHECKLIST,
        }
        for entry in entries:
            source = db.session.get(models[entry.source_type], entry.source_id)
            assert source is not None, entry.source_key
            if entry.event_id is not None:
                event = db.session.get(CaseEvent, entry.event_id)
                assert event is not None and event.case_id == entry.source_id
            if entry.source_type is SourceType.VISIT:
                assert source.visitor_id == entry.user_id
            if entry.source_type is SourceType.CHECKLIST:
                assert source.user_id == entry.user_id
        # Every case entry but the notice-based miss names its event.
        no_event = [
            e.source_key for e in entries if e.source_type is SourceType.CASE and not e.event_id
        ]
        assert no_event == [f"deadline_missed:{october.case3}:1"]


def test_a_month_scores_only_its_own_events(app, october):
    with app.app_context():
        result = engine.recompute("2026-09", utcnow())
        db.session.commit()
        # The September visit of officer2 is the first of its week: it scores there.
        keys = [e.source_key for e in all_entries()]
        assert result.added == 1 and keys == [f"visit:{october.officer2}:{october.ent_b}:2026-W40"]
        assert recompute().added == scenario.EXPECTED_ENTRIES
        with pytest.raises(ValueError):
            engine.recompute("2026-13", utcnow())
