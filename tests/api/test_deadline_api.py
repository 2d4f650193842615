"""Deadlines through the API: the case's deadline fields, the light and urged filters
(and their bad values), and the deadline actions: urge, extensions, pause and resume."""

from datetime import datetime, timedelta

import pytest

from hgq.cases.models import Case
from hgq.db import utcnow
from hgq.extensions import db
from tests.api import Api, assert_error
from tests.factories import make_case

H = timedelta(hours=1)
DEADLINE_FIELDS = {
    "due_at",
    "response_due_at",
    "resolution_due_at",
    "light",
    "paused",
    "urged",
    "deadline_provisional",
}


def parse(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    assert moment.utcoffset() is not None, value  # ISO 8601 with its offset
    return moment


@pytest.fixture
def lit(app, zone):
    """Cases of 甲企业 with due times written directly: red, yellow, green; returns ids."""
    ids = {}
    with app.app_context():
        now = utcnow()
        for name, due, soon in (("red", -2, -10), ("yellow", 3, -1), ("green", 72, 48)):
            case = make_case(zone.ent_a, zone.officer1, title=name)
            case.due_at, case.due_soon_at = now + due * H, now + soon * H
            ids[name] = case.id
        db.session.commit()
    return ids


def ids_of(response) -> set[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


# -- fields ---------------------------------------------------------------------
def test_case_has_deadline_fields(zone, client):
    api = Api(client, "officer1")
    response = api.create(enterprise_id=zone.ent_a, channel="phone")
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert set(case) >= DEADLINE_FIELDS
    response_due = parse(case["response_due_at"])
    resolution_due = parse(case["resolution_due_at"])
    assert parse(case["created_at"]) < response_due < resolution_due
    assert parse(case["due_at"]) == response_due  # unanswered: the response deadline counts
    assert case["light"] in {"green", "yellow", "red"}
    assert (case["paused"], case["urged"], case["deadline_provisional"]) == (False, False, False)
    listed = api.get("/cases").get_json()["items"][0]
    assert set(listed) >= DEADLINE_FIELDS


def test_light_follows_the_due_times_and_is_null_when_not_open(app, lit, zone, client):
    api = Api(client, "officer1")
    for name, case_id in lit.items():
        assert api.case(case_id)["light"] == name
    case = api.ok(lit["green"], "resolve", note="已办结", resolution_type="solved")
    assert case["status"] == "resolved"
    assert (case["light"], case["due_at"]) == (None, None)
    assert case["resolution_due_at"] is not None  # the deadline it had stays readable


# -- filters --------------------------------------------------------------------
@pytest.mark.parametrize("value", ["red", "yellow", "green"])
def test_filter_by_light(lit, client, value):
    assert ids_of(Api(client, "officer1").get(f"/cases?light={value}")) == {lit[value]}


def test_filter_by_urged(lit, zone, client):
    leader = Api(client, "leader1")
    leader.ok(lit["yellow"], "urge", note="请加快办理")
    officer = Api(client, "officer1")
    for value in ("true", "1"):
        assert ids_of(officer.get(f"/cases?urged={value}")) == {lit["yellow"]}
    for value in ("false", "0"):
        assert ids_of(officer.get(f"/cases?urged={value}")) == {lit["red"], lit["green"]}
    assert ids_of(officer.get("/cases?urged=true&light=red")) == set()
    assert ids_of(officer.get("/cases?urged=")) == set(lit.values())  # empty: no filter


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("light=purple", ["light"]),
        ("light=RED", ["light"]),
        ("urged=yes", ["urged"]),
        ("urged=2", ["urged"]),
        ("light=blue&urged=maybe", ["light", "urged"]),
    ],
)
def test_bad_filter_values_are_refused(lit, client, query, fields):
    assert_error(Api(client, "officer1").get(f"/cases?{query}"), 400, "invalid_input", *fields)


def test_enterprise_users_do_not_see_urged(app, lit, zone, client):
    Api(client, "leader1").ok(lit["red"], "urge", note="请加快办理")
    with app.app_context():  # every action recomputes the due times: make it red again
        case = db.session.get(Case, lit["red"])
        case.due_at = utcnow() - H
        db.session.commit()
    ent = Api(client, "ent_a")
    assert ent.case(lit["red"])["urged"] is None
    assert all(item["urged"] is None for item in ent.get("/cases").get_json()["items"])
    assert ids_of(ent.get("/cases?light=red")) == {lit["red"]}
    assert_error(ent.get("/cases?urged=true"), 400, "invalid_input", "urged")


def test_filters_are_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    params = {p.get("name") for p in spec["paths"]["/cases"]["get"]["parameters"]}
    assert {"light", "urged"} <= params
    case = spec["components"]["schemas"]["Case"]["properties"]
    assert set(case) >= DEADLINE_FIELDS
    assert case["light"]["enum"] == ["green", "yellow", "red"]


# -- the deadline actions -------------------------------------------------------
@pytest.fixture
def accepted(app, zone, client):
    """An accepted case of 甲企业 handled by officer1; returns its id."""
    with app.app_context():
        case_id = make_case(zone.ent_a, zone.officer1).id
    Api(client, "officer1").ok(case_id, "accept")
    return case_id


def test_urge_sets_urged(accepted, client):
    case = Api(client, "leader1").ok(accepted, "urge", note="请尽快办理")
    assert case["urged"] is True
    assert Api(client, "officer1").case(accepted)["urged"] is True


def test_approved_extension_moves_the_resolution_deadline(app, accepted, client):
    officer, leader = Api(client, "officer1"), Api(client, "leader1")
    before = parse(officer.case(accepted)["resolution_due_at"])
    case = officer.ok(accepted, "request_extension", note="需要现场勘查", working_days=3)
    assert parse(case["resolution_due_at"]) == before  # nothing moves until approved
    case = leader.ok(accepted, "approve_extension")
    after = parse(case["resolution_due_at"])
    assert after > before + timedelta(days=2)
    assert parse(case["due_at"]) == after
    with app.app_context():
        assert db.session.get(Case, accepted).extension_pending_days is None


def test_refused_extension_keeps_the_deadline(accepted, client):
    officer, leader = Api(client, "officer1"), Api(client, "leader1")
    before = officer.case(accepted)["resolution_due_at"]
    officer.ok(accepted, "request_extension", note="需要现场勘查", working_days=5)
    case = leader.ok(accepted, "refuse_extension", note="时间充足，不予延期")
    assert case["resolution_due_at"] == before


def test_request_extension_needs_working_days(accepted, client):
    response = Api(client, "officer1").act(accepted, "request_extension", note="需要时间")
    assert_error(response, 400, "invalid_input", "working_days")


def test_pause_and_resume(accepted, client):
    officer = Api(client, "officer1")
    before = officer.case(accepted)["resolution_due_at"]
    case = officer.ok(accepted, "pause", note="等待企业补充环评材料")
    assert case["paused"] is True
    assert (case["light"], case["due_at"]) == (None, None)  # the clock stands still
    assert Api(client, "ent_a").case(accepted)["paused"] is True  # the enterprise sees it
    case = officer.ok(accepted, "resume")
    assert case["paused"] is False
    assert case["light"] in {"green", "yellow", "red"}
    # Resumed the same day: no working day was lost, the deadline stays.
    assert parse(case["resolution_due_at"]) >= parse(before)
    assert case["due_at"] == case["resolution_due_at"]
