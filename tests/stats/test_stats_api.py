"""GET /api/v1/stats: shapes, who sees what, bad arguments; on the nine hand-made cases
of :mod:`tests.stats.handmade` (their figures are worked out in test_rates.py)."""

from __future__ import annotations

import pytest

from hgq import access
from hgq.accounts.models import Role, User
from hgq.extensions import db
from hgq.stats.rollup import ROLLUP_TABLES
from tests.api import Api, assert_error
from tests.factories import make_user
from tests.stats.handmade import build_cases, clock  # noqa: F401

RATE_FIELDS = {
    "cases",
    "due_for_response",
    "responded_on_time",
    "response_rate",
    "rated",
    "solved",
    "resolution_rate",
    "satisfied",
    "satisfaction_rate",
    "escalated",
    "escalation_rate",
}


@pytest.fixture
def cases(app, zone, clock):  # noqa: F811
    with app.app_context():
        return build_cases(zone, clock)


def stats(api: Api, **args: str) -> dict:  # type: ignore[type-arg]
    response = api.get("/stats", query_string=args)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_committee_sees_the_zone_by_officer(app, client, zone, cases):
    body = stats(Api(client, "committee1"), group_by="officer")
    assert set(body) == {"items", "formulas", "group_by", "from", "to", "total"}
    assert body["formulas"]["response_rate"] == "响应率 = 时限内响应件数 ÷ 应响应件数"
    assert (body["group_by"], body["from"], body["to"]) == ("officer", None, None)
    first, second = body["items"]
    assert set(first) == RATE_FIELDS | {"key", "label", "user_id"}
    assert first["key"] == first["user_id"] == zone.officer1
    assert first["label"] == "干部一"
    assert (first["cases"], first["responded_on_time"], first["response_rate"]) == (5, 4, 0.8)
    assert (first["rated"], first["solved"], first["resolution_rate"]) == (4, 2, 0.5)
    assert (first["satisfied"], first["satisfaction_rate"]) == (3, 0.75)
    assert second["key"] == zone.officer2
    assert second["rated"] == 0 and second["resolution_rate"] is None
    total = body["total"]
    assert (total["cases"], total["due_for_response"], total["response_rate"]) == (9, 8, 0.75)
    assert total["by_level"] == {"1": 7, "2": 1, "3": 1}
    assert total["by_status"]["closed"] == 3
    assert (total["resolved"], total["median_days"]) == (5, 3.0)


def test_months_and_other_groupings(client, zone, cases):
    api = Api(client, "admin")
    body = stats(api, group_by="month", **{"from": "2026-11-15", "to": "2026-11"})
    assert (body["from"], body["to"]) == ("2026-11", "2026-11")
    assert [(i["key"], i["label"], i["cases"]) for i in body["items"]] == [
        ("2026-11", "2026年11月", 8)
    ]
    assert "user_id" not in body["items"][0]
    rows = stats(api, group_by="department")["items"]
    assert [(i["label"], i["cases"]) for i in rows] == [("招商服务局", 5), ("未指定", 4)]
    assert rows[1]["key"] == 0
    rows = stats(api, group_by="category")["items"]
    assert [(i["label"], i["cases"]) for i in rows] == [("用地", 8), ("融资", 1)]
    rows = stats(api, group_by="leader")["items"]
    assert [(i["user_id"], i["cases"]) for i in rows] == [(zone.leader1, 5), (zone.leader2, 4)]


def test_a_leader_sees_the_enterprises_he_led(client, zone, cases):
    body = stats(Api(client, "leader2"), group_by="leader")
    assert [(i["user_id"], i["cases"]) for i in body["items"]] == [(zone.leader2, 4)]
    assert body["total"]["cases"] == 4


def test_an_officer_sees_his_own_cases(client, zone, cases):
    body = stats(Api(client, "officer1"), group_by="month")
    assert [(i["key"], i["cases"]) for i in body["items"]] == [("2026-11", 4), ("2026-12", 1)]
    assert body["total"]["cases"] == 5


def test_officer_and_leader_sees_both_shares(app, client, zone, cases):
    # Both roles, neither with cases yet: an empty share, not a refusal (the union of
    # the two shares is tested in test_rates.py).
    with app.app_context():
        make_user("both", Role.OFFICER, Role.LEADER, name="双重角色")
    body = stats(Api(client, "both"), group_by="officer")
    assert body["items"] == [] and body["total"]["cases"] == 0
    assert body["total"]["response_rate"] is None


@pytest.mark.parametrize("username", ["ent_a", "dept1"])
def test_enterprise_and_department_users_are_refused(client, zone, username):
    assert_error(Api(client, username).get("/stats?group_by=month"), 403, "forbidden")


def test_without_a_token(client, zone):
    assert_error(client.get("/api/v1/stats?group_by=month"), 401, "unauthorized")


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", ["group_by"]),
        ("group_by=enterprise", ["group_by"]),
        ("group_by=month&from=2026-13", ["from"]),
        ("group_by=month&from=2026-02-30", ["from"]),
        ("group_by=month&to=yesterday", ["to"]),
        ("group_by=month&from=２０２６-11", ["from"]),
        ("group_by=month&from=2026-11&to=2026-10-31", ["to"]),
        ("group_by=x&from=x&to=y", ["group_by", "from", "to"]),
    ],
)
def test_bad_arguments_are_named(client, zone, query, fields):
    response = Api(client, "committee1").get(f"/stats?{query}")
    error = assert_error(response, 400, "invalid_input", *fields)
    assert set(error["fields"]) == set(fields)


def test_the_stats_read_no_cases(app, client, zone, cases):
    """Everything comes from the rollup: emptying it empties the answer."""
    with app.app_context():
        for table in ROLLUP_TABLES:
            db.session.execute(table.delete())
        db.session.commit()
    assert stats(Api(client, "admin"), group_by="officer")["items"] == []


def test_each_role_gets_its_share(app, zone):
    with app.app_context():
        both = make_user("both2", Role.OFFICER, Role.LEADER)

        def share(user_id):
            return access.stats_filter_for(db.session.get(User, user_id), category_id=7)

        zone_share = share(zone.committee)
        assert (zone_share.officer_ids, zone_share.leader_id, zone_share.category_id) == (
            None,
            None,
            7,
        )
        assert share(zone.admin) == zone_share
        assert (share(zone.leader1).leader_id, share(zone.leader1).officer_ids) == (
            zone.leader1,
            None,
        )
        assert (share(zone.officer1).officer_ids, share(zone.officer1).leader_id) == (
            (zone.officer1,),
            None,
        )
        mine = share(both.id)
        assert (mine.officer_ids, mine.leader_id, mine.either) == ((both.id,), both.id, True)
        assert share(zone.user_a) is None and share(zone.dept1) is None
