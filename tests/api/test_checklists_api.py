"""GET /api/v1/checklists/<week>, and adding items, recording progress and submitting
on one's own checklist. The API's clock is set by the ``clock`` fixture, so on time and
late do not depend on the day the tests run."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.test import TestResponse

from hgq.accounts.models import User
from hgq.api import checklist_views
from hgq.api.schemas import iso
from hgq.checklists import services
from hgq.checklists.models import WeeklyChecklist
from hgq.checklists.weeks import Week
from hgq.extensions import db
from hgq.timeutil import local_today
from tests import factories
from tests.api import Api, assert_error


@pytest.fixture
def clock(app, zone, monkeypatch):  # type: ignore[no-untyped-def]
    """The checklist endpoints' clock: two hours before this week's deadline; change
    ``clock.now`` to move it."""
    with app.app_context():
        week = Week.of(local_today())
        due = services.due_at(week)
        last_due = services.due_at(week.shift(-1))
        last_closes = services.closes_at(week.shift(-1))
    state = SimpleNamespace(
        week=week,
        due=due,
        last_due=last_due,
        last_closes=last_closes,
        now=due - timedelta(hours=2),
    )
    monkeypatch.setattr(checklist_views, "utcnow", lambda: state.now)
    return state


def _patch(api: Api, path: str, json: Any) -> TestResponse:
    return api.client.patch(f"/api/v1{path}", json=json, headers=api.headers)


def _ok(response: TestResponse, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _add(api: Api, week: Week | str, **body: Any) -> TestResponse:
    return api.post(f"/checklists/{week}/items", json={"title": "整理走访台账", **body})


# -- reading --------------------------------------------------------------------------
def test_an_officer_reads_his_week_with_his_cases_and_due_contacts(app, zone, client, clock):
    with app.app_context():
        case_id = factories.make_case(zone.ent_a, zone.officer1).id
    data = _ok(Api(client, "officer1").get(f"/checklists/{clock.week}"))
    assert data["week"] == str(clock.week)
    assert (data["user_id"], data["user_name"]) == (zone.officer1, "干部一")
    assert data["status"] == "open" and data["submitted_at"] is None
    assert data["outcome"] is None and data["on_time"] is None and data["frozen"] is False
    assert data["due_at"] == iso(clock.due) and data["review"] is None
    assert isinstance(data["version"], int)
    kinds = {(item["kind"], item["origin"], item["ref_id"]) for item in data["items"]}
    # 甲企业 was assigned on 2026-01-05 and never visited: overdue for contact.
    assert kinds == {("case", "case", case_id), ("contact", "contact", zone.ent_a)}
    for item in data["items"]:
        assert item["progress"] == "" and item["done"] is False
        assert item["carried_from_id"] is None and item["updated_at"] is None
        assert item["due_at"] is not None
    with app.app_context():  # the checklist made by reading is kept
        assert db.session.scalar(sa.select(sa.func.count(WeeklyChecklist.id))) == 1


@pytest.mark.parametrize(
    ("username", "whose", "status"),
    [
        ("leader1", "officer1", 200),
        ("committee1", "officer1", 200),
        ("admin", "officer1", 200),
        ("leader2", "officer1", 404),
        ("officer2", "officer1", 404),
        ("ent_a", "officer1", 404),
        ("dept1", "officer1", 404),
        ("leader1", "leader2", 404),  # not an officer: keeps no checklist
        ("leader1", None, 404),  # his own: leaders keep none
        ("ent_a", None, 404),
    ],
)
def test_who_may_read_whose_week(zone, client, clock, username, whose, status):
    query = f"?user_id={getattr(zone, whose)}" if whose else ""
    response = Api(client, username).get(f"/checklists/{clock.week}{query}")
    if status == 200:
        assert _ok(response)["user_id"] == getattr(zone, whose)
    else:
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("user_id", "status"), [("x", 400), ("-1", 400), ("1.5", 400), ("12345678901", 400)]
)
def test_a_user_id_that_is_not_an_integer_is_refused(zone, client, clock, user_id, status):
    response = Api(client, "leader1").get(f"/checklists/{clock.week}?user_id={user_id}")
    assert_error(response, status, "invalid_input", "user_id")


def test_an_unknown_or_huge_user_id_is_not_found(zone, client, clock):
    leader = Api(client, "leader1")
    for user_id in ["0", "99999", "4294967296"]:
        assert_error(leader.get(f"/checklists/{clock.week}?user_id={user_id}"), 404, "not_found")


def test_malformed_future_and_long_past_weeks_are_not_found(zone, client, clock):
    officer = Api(client, "officer1")
    for week in ["2026-48", "2025-W53", "2026-W00", "W48", "1999-W10", "2026-w48"]:
        assert_error(officer.get(f"/checklists/{week}"), 404, "not_found")
        assert_error(_add(officer, week), 404, "not_found")
        assert_error(officer.post(f"/checklists/{week}/submit"), 404, "not_found")
    for week in [clock.week.shift(1), clock.week.shift(-3)]:
        assert_error(officer.get(f"/checklists/{week}"), 404, "not_found")
        assert_error(_add(officer, week), 404, "not_found")


def test_a_review_and_a_carried_item_show(app, zone, client, clock):
    officer = Api(client, "officer1")
    clock.now = clock.last_due - timedelta(hours=1)
    last = clock.week.shift(-1)
    old = _ok(_add(officer, last, title="上周没做完"), 201)
    _ok(officer.post(f"/checklists/{last}/submit"))
    with app.app_context():
        checklist = db.session.scalar(sa.select(WeeklyChecklist))
        services.review(
            checklist, db.session.get(User, zone.leader1), "联络要更及时", now=clock.now
        )
        db.session.commit()
    clock.now = clock.due - timedelta(hours=2)
    review = _ok(Api(client, "leader1").get(f"/checklists/{last}?user_id={zone.officer1}"))[
        "review"
    ]
    assert review == {
        "comment": "联络要更及时",
        "by": "领导一",
        "by_id": zone.leader1,
        "at": iso(clock.last_due - timedelta(hours=1)),
    }
    items = _ok(officer.get(f"/checklists/{clock.week}"))["items"]
    carried = [i for i in items if i["carried_from_id"] == old["id"]]
    assert [(i["kind"], i["origin"], i["title"]) for i in carried] == [
        ("carried", "own", "上周没做完")
    ]


# -- changing one's own week -------------------------------------------------------------
def test_add_an_own_item(zone, client, clock):
    officer = Api(client, "officer1")
    version = _ok(officer.get(f"/checklists/{clock.week}"))["version"]
    due_on = clock.week.sunday.isoformat()
    item = _ok(_add(officer, clock.week, title="  参加培训 ", due_on=due_on), 201)
    assert item["kind"] == item["origin"] == "own" and item["ref_id"] is None
    assert item["title"] == "参加培训" and item["progress"] == "" and item["done"] is False
    assert item["due_at"].startswith(due_on) and item["updated_at"] == iso(clock.now)
    assert item["checklist_version"] == version + 1
    data = _ok(officer.get(f"/checklists/{clock.week}"))
    assert data["version"] == version + 1
    assert data["items"][-1] == {k: v for k, v in item.items() if k != "checklist_version"}
    assert _ok(_add(officer, clock.week, title="无期限"), 201)["due_at"] is None


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["title"]),
        ({"title": "   "}, ["title"]),
        ({"title": "长" * 201}, ["title"]),
        ({"title": "事项", "due_on": "2026-02-30"}, ["due_on"]),
        ({"title": 5, "due_on": 20261127, "version": "1"}, ["title", "due_on", "version"]),
        ({"title": "事项", "due_on": "2020-01-01"}, ["due_on"]),  # the service's range
    ],
)
def test_bad_new_items_are_refused_with_fields(app, zone, client, clock, body, fields):
    officer = Api(client, "officer1")
    response = officer.post(f"/checklists/{clock.week}/items", json=body)
    assert_error(response, 400, "invalid_input", *fields)
    assert_error(
        officer.post(f"/checklists/{clock.week}/items", data="not json"), 400, "invalid_input"
    )


@pytest.mark.parametrize("username", ["leader1", "committee1", "ent_a", "dept1"])
def test_only_officers_change_checklists(zone, client, clock, username):
    api = Api(client, username)
    assert_error(_add(api, clock.week), 403, "forbidden")
    assert_error(
        _patch(api, f"/checklists/{clock.week}/items/1", {"progress": "x"}), 403, "forbidden"
    )
    assert_error(api.post(f"/checklists/{clock.week}/submit"), 403, "forbidden")


def test_changes_take_no_user_id(zone, client, clock):
    officer = Api(client, "officer1")
    path = f"/checklists/{clock.week}/items?user_id={zone.officer2}"
    assert_error(officer.post(path, json={"title": "x"}), 400, "invalid_input", "user_id")


def test_record_progress(zone, client, clock):
    officer = Api(client, "officer1")
    data = _ok(officer.get(f"/checklists/{clock.week}"))
    item_id = data["items"][0]["id"]
    path = f"/checklists/{clock.week}/items/{item_id}"
    item = _ok(_patch(officer, path, {"progress": "已电话联系企业负责人"}))
    assert item["progress"] == "已电话联系企业负责人" and item["done"] is False
    assert item["updated_at"] == iso(clock.now)
    assert item["checklist_version"] == data["version"] + 1
    item = _ok(_patch(officer, path, {"progress": "已上门走访", "done": True}))
    assert (item["progress"], item["done"]) == ("已上门走访", True)
    item = _ok(_patch(officer, path, {"progress": ""}))
    assert (item["progress"], item["done"]) == ("", True)  # done left as it was


def test_bad_progress_and_unknown_items(zone, client, clock):
    officer, other = Api(client, "officer1"), Api(client, "officer2")
    item_id = _ok(officer.get(f"/checklists/{clock.week}"))["items"][0]["id"]
    path = f"/checklists/{clock.week}/items/{item_id}"
    assert_error(_patch(officer, path, {}), 400, "invalid_input", "progress")
    assert_error(_patch(officer, path, {"progress": None}), 400, "invalid_input", "progress")
    assert_error(
        _patch(officer, path, {"progress": 5, "done": "yes", "version": 1.5}),
        400,
        "invalid_input",
        "progress",
        "done",
        "version",
    )
    assert_error(_patch(officer, path, {"progress": "长" * 2001}), 400, "invalid_input", "progress")
    # Another officer's item, and ids that cannot exist: not on his checklist.
    _ok(other.get(f"/checklists/{clock.week}"))
    assert_error(_patch(other, path, {"progress": "x"}), 404, "not_found")
    for bad in ["999999", "99999999999"]:
        response = _patch(officer, f"/checklists/{clock.week}/items/{bad}", {"progress": "x"})
        assert_error(response, 404, "not_found")


def test_submit_on_time_freezes_the_week(zone, client, clock):
    officer = Api(client, "officer1")
    item_id = _ok(officer.get(f"/checklists/{clock.week}"))["items"][0]["id"]
    data = _ok(officer.post(f"/checklists/{clock.week}/submit"))
    assert data["status"] == "submitted" and data["submitted_at"] == iso(clock.now)
    assert (data["outcome"], data["on_time"], data["frozen"]) == ("on_time", True, True)
    assert_error(_add(officer, clock.week), 409, "frozen")
    assert_error(
        _patch(officer, f"/checklists/{clock.week}/items/{item_id}", {"progress": "补写"}),
        409,
        "frozen",
    )
    assert_error(officer.post(f"/checklists/{clock.week}/submit"), 409, "frozen")
    assert _ok(officer.get(f"/checklists/{clock.week}")) == data


def test_submit_after_the_deadline_is_late(zone, client, clock):
    officer = Api(client, "officer1")
    clock.now = clock.due + timedelta(minutes=1)
    data = _ok(officer.post(f"/checklists/{clock.week}/submit", json={}))
    assert (data["outcome"], data["on_time"], data["frozen"]) == ("late", False, True)


def test_a_week_closed_unsubmitted_is_missing_and_frozen(zone, client, clock):
    officer = Api(client, "officer1")
    last = clock.week.shift(-1)
    clock.now = clock.last_due - timedelta(hours=1)
    item_id = _ok(officer.get(f"/checklists/{last}"))["items"][0]["id"]
    clock.now = clock.last_closes + timedelta(minutes=1)
    data = _ok(officer.get(f"/checklists/{last}"))
    assert (data["status"], data["outcome"], data["on_time"]) == ("open", "missing", False)
    assert data["frozen"] is True
    assert_error(officer.post(f"/checklists/{last}/submit"), 409, "frozen")
    assert_error(
        _patch(officer, f"/checklists/{last}/items/{item_id}", {"progress": "补写"}), 409, "frozen"
    )


def test_a_stale_version_is_a_conflict(zone, client, clock):
    officer = Api(client, "officer1")
    data = _ok(officer.get(f"/checklists/{clock.week}"))
    version, item_id = data["version"], data["items"][0]["id"]
    new = _ok(_add(officer, clock.week, version=version), 201)
    assert_error(_add(officer, clock.week, version=version), 409, "version_conflict")
    path = f"/checklists/{clock.week}/items/{item_id}"
    assert_error(
        _patch(officer, path, {"progress": "旧页面", "version": version}), 409, "version_conflict"
    )
    submit = f"/checklists/{clock.week}/submit"
    assert_error(officer.post(submit, json={"version": version}), 409, "version_conflict")
    assert _ok(officer.get(f"/checklists/{clock.week}"))["items"][0]["progress"] == ""
    data = _ok(officer.post(submit, json={"version": new["checklist_version"]}))
    assert data["on_time"] is True and data["version"] == new["checklist_version"] + 1


# -- the description ----------------------------------------------------------------------
def test_openapi_describes_the_checklist_endpoints(zone, client, clock):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert set(paths["/checklists/{week}"]) == {"get"}
    assert set(paths["/checklists/{week}/items"]) == {"post"}
    assert set(paths["/checklists/{week}/items/{item_id}"]) == {"patch"}
    assert set(paths["/checklists/{week}/submit"]) == {"post"}
    schemas = spec["components"]["schemas"]
    officer = Api(client, "officer1")
    data = _ok(officer.get(f"/checklists/{clock.week}"))
    assert (
        set(schemas["Checklist"]["required"])
        == set(data)
        == set(schemas["Checklist"]["properties"])
    )
    assert set(schemas["ChecklistItem"]["required"]) == set(data["items"][0])
    item = _ok(_add(officer, clock.week), 201)
    assert set(schemas["ChangedChecklistItem"]["required"]) == set(item)
    error_codes = paths["/checklists/{week}/submit"]["post"]["responses"]["409"]["description"]
    assert "frozen" in error_codes and "version_conflict" in error_codes
