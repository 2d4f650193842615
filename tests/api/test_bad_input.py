"""Bad input never saves anything and never gets a 500 or an HTML page: every answer
under /api/ is the JSON error shape."""

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from hgq.cases.models import Case, CaseEvent
from hgq.extensions import db
from tests.api import Api, assert_error, get_token
from tests.factories import make_case


def counts(app):
    with app.app_context():
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Case, CaseEvent)
        )


@pytest.fixture
def officer(zone, client):
    return Api(client, "officer1")


def valid_case(zone, **changes):
    body = {
        "enterprise_id": zone.ent_a,
        "title": "厂房用地手续办理",
        "description": "二期厂房用地规划许可迟迟未批。",
        "category": "land",
        "channel": "onsite",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


# (changes to a valid body, expected status, expected code, fields named)
CREATE_MATRIX = [
    ({"title": "长" * 1_000_000}, 400, "invalid_input", ["title"]),
    ({"title": 5}, 400, "invalid_input", ["title"]),
    ({"title": "   "}, 400, "invalid_input", ["title"]),
    ({"title": "a\u0000b"}, 400, "invalid_input", ["title"]),
    ({"title": ...}, 400, "invalid_input", ["title"]),
    ({"description": ["x"]}, 400, "invalid_input", ["description"]),
    ({"description": "字" * 5001}, 400, "invalid_input", ["description"]),
    ({"description": ..., "title": ...}, 400, "invalid_input", ["title", "description"]),
    ({"category": 7}, 400, "invalid_input", ["category"]),
    ({"category": "nope"}, 400, "invalid_input", ["category"]),
    ({"channel": "fax"}, 400, "invalid_input", ["channel"]),
    ({"channel": ...}, 400, "invalid_input", ["channel"]),
    ({"urgency": "now"}, 400, "invalid_input", ["urgency"]),
    ({"enterprise_id": "1"}, 400, "invalid_input", ["enterprise_id"]),
    ({"enterprise_id": True}, 400, "invalid_input", ["enterprise_id"]),
    ({"enterprise_id": 1.5}, 400, "invalid_input", ["enterprise_id"]),
    ({"enterprise_id": 999_999}, 404, "not_found", []),
    ({"enterprise_id": 10**30}, 404, "not_found", []),
    ({"enterprise_id": -1}, 404, "not_found", []),
    ({"project_id": 999}, 400, "invalid_input", ["project_id"]),
    ({"project_id": 10**30}, 400, "invalid_input", ["project_id"]),
    ({"project_id": "x"}, 400, "invalid_input", ["project_id"]),
]


@pytest.mark.parametrize(("changes", "status", "code", "fields"), CREATE_MATRIX)
def test_create_refuses_bad_bodies(app, zone, officer, changes, status, code, fields):
    before = counts(app)
    response = officer.post("/cases", json=valid_case(zone, **changes))
    assert_error(response, status, code, *fields)
    assert counts(app) == before


RAW_BODIES = [
    b"title=x&description=y",
    b"",
    b"[]",
    b'"a string"',
    b"null",
    b"42",
    b"{not json",
    b'{"title": "\xff\xfe"}',  # not UTF-8
]


@pytest.mark.parametrize("raw", RAW_BODIES)
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_bodies_that_are_not_json_objects(app, zone, officer, raw, content_type):
    case_id = officer.create(enterprise_id=zone.ent_a, channel="phone").get_json()["id"]
    before = counts(app)
    for path in ("/cases", f"/cases/{case_id}/actions"):
        response = officer.client.post(
            f"/api/v1{path}", data=raw, content_type=content_type, headers=officer.headers
        )
        assert_error(response, 400, "invalid_input")
    tokens = officer.client.post("/api/v1/tokens", data=raw, content_type=content_type)
    assert_error(tokens, 400, "invalid_input")
    assert counts(app) == before


def test_lone_surrogate_is_refused_not_crashed(app, zone, officer):
    before = counts(app)
    raw = json.dumps(valid_case(zone), ensure_ascii=False).replace("厂房用地", "\\ud800")
    assert "\\ud800" in raw
    response = officer.client.post(
        "/api/v1/cases", data=raw, content_type="application/json", headers=officer.headers
    )
    assert_error(response, 400, "invalid_input", "title")
    assert counts(app) == before


ACTION_MATRIX = [
    ({"action": "fly", "version": 1}, 400, "invalid_action", ["action"]),
    ({"action": 3, "version": 1}, 400, "invalid_input", ["action"]),
    ({"action": "x" * 1_000_000, "version": 1}, 400, "invalid_action", ["action"]),
    ({"version": 1}, 400, "invalid_input", ["action"]),
    ({"action": "note", "note": "x"}, 400, "invalid_input", ["version"]),
    ({"action": "note", "version": "1", "note": "x"}, 400, "invalid_input", ["version"]),
    ({"action": "note", "version": 1, "note": {"a": 1}}, 400, "invalid_input", ["note"]),
    ({"action": "note", "version": 1, "note": "x" * 1_000_000}, 400, "invalid_input", ["note"]),
    ({"action": "note", "version": 1}, 400, "invalid_input", ["note"]),
    ({"action": "note", "version": 2, "note": "x"}, 409, "version_conflict", []),
]


@pytest.mark.parametrize(("body", "status", "code", "fields"), ACTION_MATRIX)
def test_actions_refuse_bad_bodies(app, zone, officer, body, status, code, fields):
    with app.app_context():
        case_id = make_case(zone.ent_a, zone.officer1).id
    before = counts(app)
    response = officer.post(f"/cases/{case_id}/actions", json=body)
    assert_error(response, status, code, *fields)
    assert counts(app) == before
    assert officer.case(case_id)["version"] == 1


def test_unexpected_keys_are_ignored(app, zone, officer):
    with app.app_context():
        case_id = make_case(zone.ent_a, zone.officer1).id
    body = {
        "action": "note",
        "version": 1,
        "note": "备注",
        "actor": 5,
        "expected_version": 9,
        "case": None,
        "status": "closed",
    }
    response = officer.post(f"/cases/{case_id}/actions", json=body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "submitted"


@pytest.mark.parametrize(
    "path", ["/api/v1/nope", "/api/v1/cases/abc", "/api/v2/cases", "/api/v1/cases/1/nope"]
)
def test_unknown_api_urls_answer_json_404(zone, client, path):
    assert_error(client.get(path), 404, "not_found")


def test_wrong_method_answers_json_405(zone, client):
    response = client.put("/api/v1/cases")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_too_large_answers_json_413(app, zone, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    token = get_token(client, "officer1")
    response = client.post(
        "/api/v1/cases",
        json={"title": "x" * 2000},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_error(response, 413, "payload_too_large")


def test_crash_answers_json_500(app, zone, client, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    api = Api(client, "officer1")

    def boom(user):
        raise RuntimeError("boom")

    monkeypatch.setattr("hgq.api.views.user_to_dict", boom)
    response = api.get("/me")
    error = assert_error(response, 500, "internal_error")
    assert "boom" not in error["message"]


def test_write_race_answers_json_409(app, zone, client, monkeypatch):
    api = Api(client, "officer1")

    def stale(user):
        raise StaleDataError("race")

    monkeypatch.setattr("hgq.api.views.user_to_dict", stale)
    assert_error(api.get("/me"), 409, "conflict")


def test_pages_still_answer_html(zone, client):
    response = client.get("/nope")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "页面不存在" in response.get_data(as_text=True)
