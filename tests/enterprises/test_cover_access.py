"""顶岗 (covers): what a running cover lets the officer standing in see and do, and
what it does not (another officer's enterprise without a cover; past and future
covers; cases; chaining)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from hgq.accounts.models import Role, User
from hgq.enterprises.models import Cover, Enterprise
from hgq.extensions import db
from hgq.visits.models import Visit
from tests import factories
from tests.api import Api, assert_error
from tests.enterprises.test_covers import DAY, make_cover, today


def _visit_form(now: date) -> dict[str, str]:
    data = {
        "visited_on": f"{now}",
        "method": "phone",
        "people_met": "张总",
        "summary": "代为联络",
        "problems_found": "",
    }
    for i in range(3):
        data.update({f"problems-{i}-{name}": "" for name in ("title", "description", "category")})
    return data


def _api_visit(enterprise_id: int, now: date) -> dict[str, object]:
    return {
        "enterprise_id": enterprise_id,
        "date": f"{now}",
        "method": "onsite",
        "summary": "代为走访",
    }


def test_without_a_cover_another_officers_enterprise_is_out_of_reach(app, zone, auth, client):
    now = today(app)
    auth.login("officer2")
    assert client.get(f"/enterprises/{zone.ent_a}/visits/new").status_code == 404
    assert (
        client.post(f"/enterprises/{zone.ent_a}/visits/new", data=_visit_form(now)).status_code
        == 404
    )
    assert "甲企业" not in client.get("/visits/").get_data(as_text=True)
    api = Api(client, "officer2")
    assert_error(api.post("/visits", json=_api_visit(zone.ent_a, now)), 404, "not_found")
    assert [r["name"] for r in api.get("/contact-due").get_json()] == ["乙企业"]


@pytest.mark.parametrize(("start", "end"), [(-3, 3), (0, 0), (-3, 0), (0, 3)])
def test_a_running_cover_lets_him_log_visits(app, zone, auth, client, start, end):
    now = today(app)
    make_cover(app, zone.officer2, zone.officer1, now + start * DAY, now + end * DAY)
    with app.app_context():  # officer1's own earlier visit: officer2 sees it while covering
        db.session.add(
            Visit(
                enterprise_id=zone.ent_a,
                visitor_id=zone.officer1,
                visited_on=now - 9 * DAY,
                method="onsite",
                summary="例行走访",
            )
        )
        db.session.commit()
    auth.login("officer2")
    assert client.get(f"/enterprises/{zone.ent_a}").status_code == 200
    assert client.get(f"/enterprises/{zone.ent_a}/visits/new").status_code == 200
    response = client.post(f"/enterprises/{zone.ent_a}/visits/new", data=_visit_form(now))
    assert response.status_code == 302
    assert "甲企业" in client.get("/visits/").get_data(as_text=True)
    api = Api(client, "officer2")
    assert api.post("/visits", json=_api_visit(zone.ent_a, now)).status_code == 201
    assert {r["name"] for r in api.get("/contact-due").get_json()} == {"甲企业", "乙企业"}
    visits = api.get(f"/visits?enterprise_id={zone.ent_a}").get_json()
    assert visits["total"] == 3  # his two and officer1's
    with app.app_context():
        visitors = db.session.scalars(
            sa.select(Visit.visitor_id).where(Visit.enterprise_id == zone.ent_a)
        )
        assert sorted(visitors) == sorted([zone.officer1, zone.officer2, zone.officer2])


@pytest.mark.parametrize(("start", "end"), [(-5, -1), (1, 4)])
def test_a_cover_not_running_today_gives_nothing(app, zone, auth, client, start, end):
    now = today(app)
    make_cover(app, zone.officer2, zone.officer1, now + start * DAY, now + end * DAY)
    auth.login("officer2")
    assert client.get(f"/enterprises/{zone.ent_a}").status_code == 404
    assert client.get(f"/enterprises/{zone.ent_a}/visits/new").status_code == 404
    assert "甲企业" not in client.get("/visits/").get_data(as_text=True)
    api = Api(client, "officer2")
    assert_error(api.post("/visits", json=_api_visit(zone.ent_a, now)), 404, "not_found")
    assert [r["name"] for r in api.get("/contact-due").get_json()] == ["乙企业"]


def test_after_the_cover_he_keeps_only_his_own_visits(app, zone, client):
    now = today(app)
    cover_id = make_cover(app, zone.officer2, zone.officer1, now - 3 * DAY, now + 3 * DAY)
    Api(client, "officer1").post("/visits", json=_api_visit(zone.ent_a, now))
    api = Api(client, "officer2")
    assert api.post("/visits", json=_api_visit(zone.ent_a, now)).status_code == 201
    assert api.get(f"/visits?enterprise_id={zone.ent_a}").get_json()["total"] == 2
    with app.app_context():
        db.session.get(Cover, cover_id).end_date = now - DAY
        db.session.commit()
    page = api.get(f"/visits?enterprise_id={zone.ent_a}").get_json()
    assert page["total"] == 1 and page["items"][0]["visitor_id"] == zone.officer2


def test_a_cover_widens_no_cases_and_does_not_chain(app, zone, auth, client):
    now = today(app)
    with app.app_context():
        case_id = factories.make_case(zone.ent_a, zone.officer1).id
        officer3 = factories.make_user("officer3", Role.OFFICER, name="干部三").id
    make_cover(app, zone.officer2, zone.officer1, now, now)
    make_cover(app, officer3, zone.officer2, now, now)
    auth.login("officer2")
    assert client.get(f"/enterprises/{zone.ent_a}").status_code == 200
    assert client.get(f"/cases/{case_id}").status_code == 404
    auth.logout()
    auth.login("officer3")  # stands in for officer2: 乙, not officer2's stand-in 甲
    assert client.get(f"/enterprises/{zone.ent_b}").status_code == 200
    assert client.get(f"/enterprises/{zone.ent_a}").status_code == 404


def test_the_cover_follows_the_colleagues_current_enterprises(app, zone, auth, client):
    now = today(app)
    make_cover(app, zone.officer2, zone.officer1, now - DAY, now + DAY)
    with app.app_context():
        officer3 = factories.make_user("officer3", Role.OFFICER, name="干部三")
        enterprise = db.session.get(Enterprise, zone.ent_a)
        factories.assign(
            enterprise,
            officer3,
            db.session.get(User, zone.leader1),
            db.session.get(User, zone.admin),
            start=now,
        )
    auth.login("officer2")
    assert client.get(f"/enterprises/{zone.ent_a}").status_code == 404
