"""The access module's rules, and the permission matrix over pages and roles."""

import pytest
from flask import Flask

from hgq import access
from hgq.accounts.models import User
from hgq.enterprises.models import Enterprise
from hgq.extensions import db

ROLES = ["admin", "committee1", "leader1", "officer1", "dept1", "ent_a"]


def visible_names(app: Flask, username_id: int) -> set[str]:
    with app.app_context():
        user = db.session.get(User, username_id)
        return {e.name for e in db.session.scalars(access.select_visible_enterprises(user))}


def test_visibility_rules(app, zone):
    everything = {"甲企业", "乙企业", "丙企业"}
    assert visible_names(app, zone.admin) == everything
    assert visible_names(app, zone.committee) == everything
    assert visible_names(app, zone.officer1) == {"甲企业"}
    assert visible_names(app, zone.leader2) == {"乙企业"}
    assert visible_names(app, zone.user_a) == {"甲企业"}
    assert visible_names(app, zone.dept1) == set()


def test_can_view_enterprise_matches_the_select(app, zone):
    with app.app_context():
        officer = db.session.get(User, zone.officer1)
        assert access.can_view_enterprise(officer, db.session.get(Enterprise, zone.ent_a))
        assert not access.can_view_enterprise(officer, db.session.get(Enterprise, zone.ent_b))


# (username, enterprise attribute on `zone`) -> expected status of the enterprise page
DETAIL_MATRIX = [
    ("admin", "ent_a", 200),
    ("admin", "ent_c", 200),
    ("committee1", "ent_b", 200),
    ("leader1", "ent_a", 200),
    ("leader1", "ent_b", 404),
    ("officer1", "ent_a", 200),
    ("officer1", "ent_b", 404),
    ("officer1", "ent_c", 404),
    ("dept1", "ent_a", 404),
    ("ent_a", "ent_a", 200),
    ("ent_a", "ent_b", 404),
    ("ent_b", "ent_a", 404),
]


@pytest.mark.parametrize(("username", "target", "status"), DETAIL_MATRIX)
def test_enterprise_page_matrix(zone, auth, client, username, target, status):
    auth.login(username)
    assert client.get(f"/enterprises/{getattr(zone, target)}").status_code == status


def test_missing_and_foreign_ids_look_the_same(zone, auth, client):
    auth.login("ent_a")
    assert client.get(f"/enterprises/{zone.ent_b}").status_code == 404
    missing = client.get("/enterprises/999999")
    assert missing.status_code == 404
    assert "页面不存在" in missing.get_data(as_text=True)


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("committee1", 200),
        ("leader1", 200),
        ("officer1", 200),
        ("dept1", 403),
        ("ent_a", 403),
    ],
)
def test_enterprise_list_matrix(zone, auth, client, username, status):
    auth.login(username)
    assert client.get("/enterprises/").status_code == status


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("committee1", 200),
        ("leader1", 200),
        ("officer1", 200),
        ("dept1", 200),
        ("ent_a", 403),
    ],
)
def test_board_matrix(zone, auth, client, username, status):
    auth.login(username)
    assert client.get("/board").status_code == status


def admin_urls(app: Flask, zone) -> list[tuple[str, str]]:
    """(method, url) for every admin endpoint in the URL map, ids filled with real ones."""
    ids = {
        "user_id": zone.officer2,
        "department_id": 1,
        "enterprise_id": zone.ent_a,
        "project_id": 1,
        "assignment_id": 1,
        "category_id": 1,
        "tag_id": 1,
        "cover_id": 1,
        "rule_code": "visit_logged",
    }
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("admin"):
                continue
            method = "POST" if "GET" not in rule.methods else "GET"
            urls.append((method, rule.build({a: ids[a] for a in rule.arguments})[1]))
    return urls


@pytest.mark.parametrize("username", ["committee1", "leader1", "officer1", "dept1", "ent_a"])
def test_admin_pages_refuse_other_roles(app, zone, auth, client, username):
    auth.login(username)
    urls = admin_urls(app, zone)
    assert len(urls) >= 1
    for method, url in urls:
        response = client.open(url, method=method)
        assert response.status_code == 403, (method, url)
        assert "没有权限" in response.get_data(as_text=True)


def test_admin_pages_redirect_anonymous_to_login(app, zone, client):
    for method, url in admin_urls(app, zone):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"]


def test_every_view_declares_its_access_rule(app):
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, access.ACCESS_ATTR)
    ]
    assert missing == []
