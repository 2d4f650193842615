"""Reading and creating through the API: enterprises, categories, the case list and
its filters, creating cases, and the case page with its timeline."""

import pytest

from hgq.cases.models import Case
from hgq.extensions import db
from tests.api import Api, assert_error
from tests.factories import make_case


def names(response):
    assert response.status_code == 200, response.get_json()
    return {item["name"] for item in response.get_json()["items"]}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("admin", {"甲企业", "乙企业", "丙企业"}),
        ("committee1", {"甲企业", "乙企业", "丙企业"}),
        ("leader2", {"乙企业"}),
        ("officer1", {"甲企业"}),
        ("ent_a", {"甲企业"}),
        ("dept1", set()),
    ],
)
def test_enterprises_visible_per_role(zone, client, username, expected):
    assert names(Api(client, username).get("/enterprises")) == expected


def test_enterprise_fields_and_pages(zone, client):
    api = Api(client, "admin")
    first = api.get("/enterprises?per_page=2").get_json()
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (3, 1, 2, 2)
    second = api.get("/enterprises?per_page=2&page=2").get_json()
    assert len(second["items"]) == 1
    assert {e["id"] for e in first["items"] + second["items"]} == {
        zone.ent_a,
        zone.ent_b,
        zone.ent_c,
    }
    item = first["items"][0]
    assert {"id", "name", "credit_code", "industry"} <= set(item)
    assert names(api.get("/enterprises?q=乙")) == {"乙企业"}
    assert api.get("/enterprises?page=9").get_json()["items"] == []


def test_categories_and_channels(zone, client):
    api = Api(client, "ent_a")
    categories = api.get("/categories").get_json()
    assert {"code": "land", "name": "用地"} in categories
    channels = api.get("/channels").get_json()
    assert {"code": "self_reported", "name": "企业自报"} in channels
    assert all(set(c) == {"code", "name"} for c in categories + channels)


def test_inactive_categories_are_not_offered(app, zone, client):
    with app.app_context():
        from hgq.cases.models import Category

        db.session.scalar(db.select(Category).where(Category.code == "market")).is_active = False
        db.session.commit()
    api = Api(client, "officer1")
    assert "market" not in {c["code"] for c in api.get("/categories").get_json()}
    assert_error(
        api.create(enterprise_id=zone.ent_a, channel="phone", category="market"),
        400,
        "invalid_input",
        "category",
    )


@pytest.fixture
def cases(app, zone):
    """Two cases of 甲企业 and one of 乙企业; returns their ids."""
    with app.app_context():
        a1 = make_case(zone.ent_a, zone.officer1, title="用地审批").id
        a2 = make_case(zone.ent_a, zone.user_a, title="融资需求").id
        b1 = make_case(zone.ent_b, zone.officer2, title="用工招聘").id
    return a1, a2, b1


def ids(response):
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("admin", {0, 1, 2}),
        ("committee1", {0, 1, 2}),
        ("leader1", {0, 1}),
        ("officer1", {0, 1}),
        ("officer2", {2}),
        ("ent_a", {0, 1}),
        ("ent_b", {2}),
        ("dept1", set()),
    ],
)
def test_case_list_visibility(zone, client, cases, username, visible):
    assert ids(Api(client, username).get("/cases")) == {cases[i] for i in visible}


def test_case_list_filters_and_pages(zone, client, cases):
    a1, a2, b1 = cases
    api = Api(client, "admin")
    Api(client, "officer1").ok(a1, "accept")
    assert ids(api.get("/cases?status=accepted")) == {a1}
    assert ids(api.get("/cases?status=submitted")) == {a2, b1}
    assert ids(api.get(f"/cases?enterprise_id={zone.ent_b}")) == {b1}
    assert ids(api.get("/cases?q=融资")) == {a2}
    assert ids(api.get("/cases?q=乙企业")) == {b1}
    assert ids(api.get("/cases?level=2")) == set()
    page = api.get("/cases?per_page=2&page=1").get_json()
    assert (page["total"], page["per_page"], len(page["items"])) == (3, 2, 2)
    assert [i["id"] for i in page["items"]] == [b1, a2]  # newest first
    assert ids(api.get("/cases?per_page=2&page=2")) == {a1}
    item = page["items"][0]
    for key in (
        "code",
        "enterprise_id",
        "category",
        "channel",
        "status",
        "level",
        "version",
        "first_owner_id",
        "handler_id",
        "created_at",
        "responded_at",
        "due_at",
    ):
        assert key in item
    assert item["created_at"].endswith("+00:00")
    assert item["responded_at"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=open", "status"),
        ("level=4", "level"),
        ("level=x", "level"),
        ("enterprise_id=abc", "enterprise_id"),
        ("enterprise_id=99999999999999999999", "enterprise_id"),
        ("per_page=0", "per_page"),
        ("per_page=abc", "per_page"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("q=%00", "q"),
    ],
)
def test_case_list_refuses_bad_filters(zone, client, query, field):
    assert_error(Api(client, "admin").get(f"/cases?{query}"), 400, "invalid_input", field)


def test_staff_creates_a_case(zone, client):
    api = Api(client, "officer1")
    response = api.create(enterprise_id=zone.ent_a, channel="onsite", urgency="urgent")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/cases/{body['id']}")
    assert body["enterprise_id"] == zone.ent_a
    assert (body["status"], body["level"], body["version"]) == ("submitted", 1, 1)
    assert (body["first_owner_id"], body["handler_id"]) == (zone.officer1, zone.officer1)
    assert (body["category"], body["channel"], body["urgency"]) == ("land", "onsite", "urgent")
    assert body["code"].startswith("HGQ-")
    assert [e["action"] for e in body["events"]] == ["submit"]
    assert api.case(body["id"])["title"] == "厂房用地手续办理"


def test_enterprise_user_creates_for_his_own_enterprise(zone, client):
    response = Api(client, "ent_a").create()
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["enterprise_id"] == zone.ent_a
    assert body["channel"] == "self_reported"
    assert body["first_owner_id"] == zone.officer1  # 首问: the enterprise's officer
    with_channel = Api(client, "ent_a").create(channel="phone", enterprise_id=zone.ent_a)
    assert with_channel.get_json()["channel"] == "phone"


@pytest.mark.parametrize(
    ("username", "target", "status", "code"),
    [
        ("officer1", "ent_b", 404, "not_found"),  # not his enterprise: not visible
        ("ent_a", "ent_b", 404, "not_found"),
        ("dept1", "ent_a", 404, "not_found"),
        ("admin", "ent_a", 403, "forbidden"),  # sees it, but does not log requests
    ],
)
def test_create_refusals(app, zone, client, username, target, status, code):
    api = Api(client, username)
    response = api.create(enterprise_id=getattr(zone, target), channel="phone")
    assert_error(response, status, code)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


def test_staff_must_name_enterprise_and_channel(zone, client):
    response = Api(client, "officer1").create()
    assert_error(response, 400, "invalid_input", "enterprise_id", "channel")


def test_detail_hides_internal_events_from_the_enterprise(zone, client):
    ent = Api(client, "ent_a")
    officer = Api(client, "officer1")
    case_id = ent.create().get_json()["id"]
    officer.ok(case_id, "accept")
    officer.ok(case_id, "note", note="内部：企业资料不全，先内部协调")
    officer.ok(case_id, "reply", note="您好，已在协调中")
    staff_view = officer.case(case_id)
    assert [e["action"] for e in staff_view["events"]] == ["submit", "accept", "note", "reply"]
    ent_view = ent.case(case_id)
    assert [e["action"] for e in ent_view["events"]] == ["submit", "accept", "reply"]
    assert "内部" not in str(ent_view)
    event = ent_view["events"][-1]
    assert set(event) >= {
        "action",
        "actor_id",
        "at",
        "note",
        "from_status",
        "to_status",
        "from_level",
        "to_level",
    }
    assert (event["actor_id"], event["from_status"], event["to_status"]) == (
        zone.officer1,
        "accepted",
        "in_progress",
    )
    assert (event["from_level"], event["to_level"]) == (1, 1)


def test_cases_of_others_and_missing_ids_are_404(zone, client, cases):
    a1, _, b1 = cases
    ent_b = Api(client, "ent_b")
    assert ent_b.get(f"/cases/{b1}").status_code == 200
    foreign = ent_b.get(f"/cases/{a1}")
    missing = ent_b.get("/cases/999999")
    huge = ent_b.get("/cases/99999999999999999999")
    for response in (foreign, missing, huge):
        assert_error(response, 404, "not_found")
    assert foreign.get_json() == missing.get_json()
    assert_error(ent_b.act(a1, "withdraw", version=1), 404, "not_found")
    assert_error(Api(client, "officer1").get(f"/cases/{b1}"), 404, "not_found")
