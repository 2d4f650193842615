"""The three rates, the escalation rate and the other figures of :mod:`hgq.stats.queries`
against the nine hand-made cases of :mod:`tests.stats.handmade`, worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hgq.cases.models import Case, Category
from hgq.extensions import db
from hgq.stats.queries import FORMULAS, GROUP_BY, StatsFilter, breakdown, summary
from tests.stats.handmade import T0, assert_matches_rebuild, build_cases, clock  # noqa: F401

LATER = T0 + timedelta(days=60)  # every response deadline has passed


@pytest.fixture
def cases(app, zone, clock):  # noqa: F811
    with app.app_context():
        return build_cases(zone, clock)


def test_zone_totals(app, cases):
    with app.app_context():
        total = summary(StatsFilter(), now=LATER)
    assert total.cases == 9
    # 应响应: the 7 answered (1 2 3 4 7 8 9) + 5 (unanswered, deadline passed);
    # 6 was withdrawn before its deadline, so it was never due.
    assert total.due_for_response == 8
    # 时限内: all answered ones but 3 (accepted a week late).
    assert total.responded_on_time == 6
    assert total.response_rate == 6 / 8
    # 已评价: 1, 2, 9 and 3 (its 不满意 rating stands until it is resolved again).
    assert total.rated == 4
    assert total.solved == 2  # 1 and 9 said 已解决
    assert total.resolution_rate == 2 / 4
    assert total.satisfied == 3  # 1 满意, 2 基本满意, 9 满意; 3 不满意
    assert total.satisfaction_rate == 3 / 4
    assert total.escalated == 2  # 4 (level 2) and 8 (level 3)
    assert total.escalation_rate == 2 / 9
    assert total.by_status == {
        "submitted": 1,  # 5
        "accepted": 0,
        "in_progress": 2,  # 3 (reopened), 8
        "resolved": 1,  # 4
        "closed": 3,  # 1, 2, 9
        "rejected": 1,  # 7
        "withdrawn": 1,  # 6
    }
    assert total.by_level == {1: 7, 2: 1, 3: 1}
    assert total.resolved == 5  # 1 2 3 4 9 (3 stays resolved once, though reopened)
    # Days to resolve: 9 → 1, 1 → 2, 2 → 3, 4 → 4, 3 → 8; the middle one is 3.
    assert total.median_days == 3.0


def test_an_unanswered_case_is_due_once_its_deadline_passes(app, cases):
    with app.app_context():
        deadline = db.session.get(Case, cases.ids[4]).response_due_at
        before = summary(StatsFilter(), now=deadline - timedelta(minutes=1))
        after = summary(StatsFilter(), now=deadline + timedelta(minutes=1))
    assert (before.due_for_response, after.due_for_response) == (7, 8)
    assert before.responded_on_time == after.responded_on_time == 6


def test_months_are_whole_and_scopes_narrow(app, zone, cases):
    with app.app_context():
        november = summary(StatsFilter(since=date(2026, 11, 20), until=date(2026, 11, 3)))
        december_on = summary(StatsFilter(since=date(2026, 12, 31)))
        officer2 = summary(StatsFilter(officer_ids=[zone.officer2]), now=LATER)
        nobody = summary(StatsFilter(officer_ids=[]))
        leader1 = summary(StatsFilter(leader_id=zone.leader1))
        either = summary(
            StatsFilter(officer_ids=[zone.officer2], leader_id=zone.leader1, either=True)
        )
        both = summary(StatsFilter(officer_ids=[zone.officer1], leader_id=zone.leader1))
        neither = summary(StatsFilter(officer_ids=[zone.officer2], leader_id=zone.leader1))
        financing = db.session.scalar(sa.select(Category.id).where(Category.code == "financing"))
        by_category = summary(StatsFilter(category_id=financing))
    # November: cases 1-8; due 1 2 3 4 5 7 8; on time 1 2 4 7 8; rated 1 2 3.
    assert (november.cases, november.due_for_response, november.responded_on_time) == (8, 7, 5)
    assert (november.rated, november.solved, november.satisfied) == (3, 1, 2)
    assert november.median_days == 3.5  # 2, 3, 4, 8: the mean of the middle two
    assert december_on.cases == by_category.cases == 1
    assert by_category.resolution_rate == by_category.satisfaction_rate == 1.0
    # Officer2's cases 5-8: due 5 7 8, on time 7 8, none rated (no rate, not 0 %).
    assert (officer2.cases, officer2.due_for_response, officer2.responded_on_time) == (4, 3, 2)
    assert officer2.response_rate == 2 / 3
    assert officer2.rated == 0
    assert officer2.resolution_rate is None and officer2.satisfaction_rate is None
    assert officer2.escalation_rate == 1 / 4
    assert officer2.median_days is None
    assert nobody.cases == 0 and nobody.response_rate is None and nobody.escalation_rate is None
    assert leader1.cases == 5
    assert either.cases == 9  # officer2's 4 or leader1's 5
    assert (both.cases, neither.cases) == (5, 0)  # officer1's AND leader1's; none


def _rows(flt, group_by):
    return [(row.key, row.label, row.cases) for row in breakdown(flt, group_by, now=LATER)]


def test_breakdown_by_each_grouping(app, zone, cases):
    with app.app_context():
        flt = StatsFilter()
        by_officer = breakdown(flt, "officer", now=LATER)
        assert _rows(flt, "leader") == [(zone.leader1, "领导一", 5), (zone.leader2, "领导二", 4)]
        assert _rows(flt, "department") == [(cases.department, "招商服务局", 5), (0, "未指定", 4)]
        assert _rows(flt, "category") == [
            (_category("land"), "用地", 8),
            (_category("financing"), "融资", 1),
        ]
        assert _rows(flt, "month") == [("2026-11", "2026年11月", 8), ("2026-12", "2026年12月", 1)]
    first, second = by_officer
    assert (first.key, first.label, second.key, second.label) == (
        zone.officer1,
        "干部一",
        zone.officer2,
        "干部二",
    )
    # Officer1: cases 1 2 3 4 9, all answered, 3 late; rated 1 2 3 9; 已解决 1 9;
    # satisfied 1 2 9; escalated 4.
    assert (first.cases, first.due_for_response, first.responded_on_time) == (5, 5, 4)
    assert (first.response_rate, first.resolution_rate, first.satisfaction_rate) == (
        0.8,
        0.5,
        0.75,
    )
    assert first.escalation_rate == 0.2
    assert (second.response_rate, second.resolution_rate, second.escalation_rate) == (
        2 / 3,
        None,
        0.25,
    )


def _category(code):
    return db.session.scalar(sa.select(Category.id).where(Category.code == code))


def test_breakdown_refuses_an_unknown_grouping(app, cases):
    with app.app_context(), pytest.raises(ValueError, match="group_by"):
        breakdown(StatsFilter(), "enterprise")


def test_formulas_and_groupings_are_the_published_names():
    assert GROUP_BY == ("officer", "leader", "department", "category", "month")
    assert set(FORMULAS) == {
        "response_rate",
        "resolution_rate",
        "satisfaction_rate",
        "escalation_rate",
        "median_days",
    }
    assert FORMULAS["response_rate"] == "响应率 = 时限内响应件数 ÷ 应响应件数"
    assert FORMULAS["resolution_rate"] == "解决率 = 企业评价“已解决”件数 ÷ 已评价件数"
    assert FORMULAS["satisfaction_rate"] == "满意率 =（满意 + 基本满意）件数 ÷ 已评价件数"


def test_the_handmade_cases_were_counted_as_a_rebuild_counts_them(app, cases):
    with app.app_context():
        assert_matches_rebuild()
