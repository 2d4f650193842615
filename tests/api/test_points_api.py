"""GET /api/v1/points and /api/v1/rankings: shapes, periods, who sees whose points,
and errors in the API's JSON shape."""

from __future__ import annotations

import pytest

from hgq.accounts.models import User
from hgq.db import utcnow
from hgq.extensions import db
from hgq.points import engine, queries, services
from tests.api import Api, assert_error
from tests.points import scenario

ENTRY_FIELDS = {"id", "points", "rule", "source_type", "source_id", "event_id", "at", "note"}


@pytest.fixture
def october(app, zone):  # type: ignore[no-untyped-def]
    with app.app_context():
        ids = scenario.build_october(zone)
        engine.recompute(scenario.MONTH, utcnow())
        db.session.commit()
        return ids


def ok(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_persons_points_of_a_month(client, october):
    data = ok(Api(client, "officer1").get("/points?period=2026-10"))
    assert {"user_id", "period", "total", "entries"} <= set(data)
    assert (data["user_id"], data["period"], data["total"]) == (october.officer1, "2026-10", 4)
    assert data["period_label"] == "2026年10月" and data["user_name"] == "干部一"
    assert len(data["entries"]) == 9
    for entry in data["entries"]:
        assert ENTRY_FIELDS | {"rule_name", "corrects_id"} <= set(entry)
        assert entry["source_type"] in {"case", "visit", "checklist"}
        assert entry["at"].endswith("+00:00")
    assert sum(e["points"] for e in data["entries"]) == 4
    missed = next(e for e in data["entries"] if e["rule"] == "deadline_missed")
    assert (missed["points"], missed["source_type"], missed["source_id"]) == (
        -2,
        "case",
        october.case2,
    )
    assert missed["event_id"] is not None and missed["rule_name"] == "办理超期"
    visits = [e for e in data["entries"] if e["rule"] == "visit_logged"]
    assert len(visits) == 2 and {e["event_id"] for e in visits} == {None}


def test_a_quarter_and_the_default_period(client, october):
    api = Api(client, "officer3")
    assert ok(api.get("/points?period=2026-Q4"))["total"] == 5
    current = ok(api.get("/points"))
    assert current["period"] == utcnow().astimezone(scenario.ZONE).strftime("%Y-%m")
    assert current["user_id"] == october.officer3


def test_a_manual_adjustment_is_visible_to_the_person(app, client, zone):
    with app.app_context():
        entry = services.adjust(
            db.session.get(User, zone.officer2),
            5,
            "协调重大项目落地",
            db.session.get(User, zone.committee),
            utcnow(),
        )
        db.session.commit()
        entry_id, period = entry.id, entry.period
    data = ok(Api(client, "officer2").get(f"/points?period={period}"))
    assert data["total"] == 5
    assert data["entries"] == [
        {
            "id": entry_id,
            "points": 5,
            "rule": "manual",
            "rule_name": "人工调整",
            "source_type": "manual",
            "source_id": entry_id,
            "event_id": None,
            "at": data["entries"][0]["at"],
            "period": period,
            "note": "协调重大项目落地",
            "corrects_id": None,
        }
    ]


@pytest.mark.parametrize(
    ("username", "person", "status"),
    [
        ("officer1", "officer1", 200),
        ("officer1", "officer2", 404),
        ("leader1", "officer1", 200),
        ("leader1", "officer2", 404),
        ("leader2", "officer3", 200),
        ("committee1", "officer2", 200),
        ("admin", "leader1", 200),
        ("dept1", "officer1", 404),
    ],
)
def test_who_sees_whose_points(client, october, username, person, status):
    response = Api(client, username).get(f"/points?user_id={getattr(october, person)}")
    if status == 404:
        assert_error(response, 404, "not_found")
    else:
        assert ok(response)["user_id"] == getattr(october, person)


def test_a_missing_person_is_404_like_a_stranger(client, zone):
    assert_error(Api(client, "committee1").get("/points?user_id=999999"), 404, "not_found")


def test_rankings(client, october):
    data = ok(Api(client, "leader1").get("/rankings?period=2026-10&role=officer"))
    assert data == [
        {"user_id": october.officer3, "name": "干部三", "total": 5, "rank": 1},
        {"user_id": october.officer1, "name": "干部一", "total": 4, "rank": 2},
        {"user_id": october.officer2, "name": "干部二", "total": 4, "rank": 2},
        {"user_id": october.officer4, "name": "干部四", "total": 0, "rank": 4},
    ]
    leaders = ok(Api(client, "dept1").get("/rankings?period=2026-Q4&role=leader"))
    assert [(r["name"], r["total"], r["rank"]) for r in leaders] == [
        ("领导二", 0, 1),
        ("领导一", -2, 2),
    ]
    # Defaults: officers, the current month.
    assert len(ok(Api(client, "officer1").get("/rankings"))) == 4


def test_enterprise_accounts_are_refused(client, zone):
    api = Api(client, "ent_a")
    assert_error(api.get("/rankings"), 403, "forbidden")
    assert_error(api.get("/points"), 403, "forbidden")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/points?period=2026-13", "period"),
        ("/points?period=2026-Q5", "period"),
        ("/points?period=abc", "period"),
        ("/points?user_id=abc", "user_id"),
        ("/points?user_id=0", "user_id"),
        ("/points?user_id=99999999999", "user_id"),
        ("/rankings?period=26-11", "period"),
        ("/rankings?role=admin", "role"),
        ("/rankings?role=enterprise&period=2026-11", "role"),
    ],
)
def test_bad_arguments(client, zone, path, field):
    assert_error(Api(client, "committee1").get(path), 400, "invalid_input", field)


def test_without_a_token(client, zone):
    assert_error(client.get("/api/v1/points"), 401, "unauthorized")
    assert_error(client.get("/api/v1/rankings"), 401, "unauthorized")


def test_the_points_schema_is_documented(client, october):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    data = ok(Api(client, "officer1").get("/points?period=2026-10"))
    assert set(schemas["Points"]["required"]) <= set(data) <= set(schemas["Points"]["properties"])
    entry_schema = schemas["PointEntry"]
    for entry in data["entries"]:
        assert set(entry_schema["required"]) <= set(entry) <= set(entry_schema["properties"])
    assert set(schemas["RankRow"]["required"]) == {"user_id", "name", "total", "rank"}
    assert queries.parse_period("2026-10") is not None
