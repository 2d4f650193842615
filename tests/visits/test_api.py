"""POST/GET /api/v1/visits and GET /api/v1/contact-due."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hgq.cases.models import Case
from hgq.extensions import db
from hgq.timeutil import local_today
from hgq.visits.models import Visit
from tests.api import Api, assert_error


def _body(enterprise_id: int, **kw):  # type: ignore[no-untyped-def]
    return {
        "enterprise_id": enterprise_id,
        "date": local_today().isoformat(),
        "method": "onsite",
        "summary": "了解生产经营情况",
        **kw,
    }


PROBLEMS = [
    {"title": "用电增容", "description": "二期产线需要增容", "category": "infrastructure"},
    {"title": "招工难", "description": "急需焊工", "category": "labor"},
]


def test_create_a_visit_with_two_cases(app, zone, client):
    api = Api(client, "officer1")
    response = api.post("/visits", json=_body(zone.ent_a, method="video", problems=PROBLEMS))
    assert response.status_code == 201, response.get_json()
    visit = response.get_json()
    assert visit["method"] == "video" and visit["enterprise_id"] == zone.ent_a
    assert len(visit["case_ids"]) == 2
    for case_id in visit["case_ids"]:
        case = api.case(case_id)
        assert case["first_owner_id"] == zone.officer1
        assert case["channel"] == "other"
    with app.app_context():
        assert {c.visit_id for c in db.session.scalars(sa.select(Case))} == {visit["id"]}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"date": "2026-02-30"}, ["date"]),
        ({"date": None, "method": "fax", "summary": ""}, ["date", "method", "summary"]),
        ({"problems": [{"title": "缺描述", "category": "land"}]}, ["problems[0].description"]),
        (
            {"problems": [PROBLEMS[0], {**PROBLEMS[1], "category": "nope"}]},
            ["problems[1].category"],
        ),
        ({"problems": "no"}, ["problems"]),
    ],
)
def test_bad_input_saves_nothing(app, zone, client, changes, fields):
    api = Api(client, "officer1")
    assert_error(
        api.post("/visits", json=_body(zone.ent_a, **changes)), 400, "invalid_input", *fields
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_a_future_date_is_refused(zone, client):
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = Api(client, "officer1").post("/visits", json=_body(zone.ent_a, date=tomorrow))
    assert_error(response, 400, "invalid_input", "date")


@pytest.mark.parametrize(
    ("username", "enterprise", "status", "code"),
    [
        ("officer1", "ent_b", 404, "not_found"),
        ("leader1", "ent_a", 201, None),
        ("committee1", "ent_a", 403, "forbidden"),
        ("dept1", "ent_a", 404, "not_found"),
        ("ent_a", "ent_a", 403, "forbidden"),
    ],
)
def test_who_may_post_a_visit(zone, client, username, enterprise, status, code):
    response = Api(client, username).post("/visits", json=_body(getattr(zone, enterprise)))
    if code:
        assert_error(response, status, code)
    else:
        assert response.status_code == status


def test_list_visits_visible_and_filtered(zone, client):
    officer1 = Api(client, "officer1")
    earlier = (local_today() - timedelta(days=10)).isoformat()
    officer1.post("/visits", json=_body(zone.ent_a, date=earlier))
    officer1.post("/visits", json=_body(zone.ent_a))
    Api(client, "officer2").post("/visits", json=_body(zone.ent_b))

    page = officer1.get("/visits").get_json()
    assert page["total"] == 2 and {v["enterprise_id"] for v in page["items"]} == {zone.ent_a}
    assert page["items"][0]["date"] == local_today().isoformat()  # newest first
    assert officer1.get(f"/visits?from={earlier}&to={earlier}").get_json()["total"] == 1
    assert Api(client, "committee1").get("/visits").get_json()["total"] == 3
    assert Api(client, "ent_a").get("/visits").get_json()["total"] == 0
    assert_error(officer1.get("/visits?from=yesterday"), 400, "invalid_input", "from")
    assert_error(officer1.get("/visits?to=2026-13-01"), 400, "invalid_input", "to")
    assert_error(officer1.get("/visits?enterprise_id=x"), 400, "invalid_input", "enterprise_id")


def test_contact_due(zone, client):
    officer1 = Api(client, "officer1")
    old = (local_today() - timedelta(days=31)).isoformat()
    officer1.post("/visits", json=_body(zone.ent_a, date=old))
    rows = officer1.get("/contact-due").get_json()
    assert rows == [
        {
            "enterprise_id": zone.ent_a,
            "name": "甲企业",
            "interval_days": 30,
            "last_contact_at": old,
            "last_contact_by": "干部一",
            "due_at": (local_today() - timedelta(days=1)).isoformat(),
            "status": "overdue",
            "overdue": True,
        }
    ]
    officer1.post("/visits", json=_body(zone.ent_a))
    assert officer1.get("/contact-due").get_json()[0]["overdue"] is False
    assert Api(client, "committee1").get("/contact-due").get_json() == []
    assert client.get("/api/v1/contact-due").status_code == 401
