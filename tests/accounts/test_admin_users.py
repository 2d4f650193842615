"""The admin's user pages: list, create, edit, deactivate/activate, reset password."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hgq.accounts import services
from hgq.accounts.models import Role, User
from hgq.extensions import db
from tests import factories
from tests.conftest import PASSWORD
from tests.querycount import counting_queries

NEW_PASSWORD = "fresh-pass-789"


def field_errors(html: str, field_id: str) -> list[str]:
    """The error messages shown beside the field whose input has ``field_id``."""
    start = html.index(f'id="{field_id}"')
    end = html.find('<div class="mb-3', start)
    block = html[start:end] if end != -1 else html[start:]
    return re.findall(r'class="invalid-feedback[^"]*">([^<]*)</div>', block)


def user_count(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def new_user_data(**changes) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "username": "newbie",
        "name": "新同事",
        "phone": "13900001111",
        "roles": ["officer"],
        "department_id": "",
        "enterprise_id": "",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    data.update(changes)
    return data


def edit_data(app, user_id: int, **changes) -> dict:  # type: ignore[no-untyped-def]
    with app.app_context():
        user = db.session.get(User, user_id)
        data = {
            "version": str(user.version),
            "name": user.name,
            "phone": user.phone,
            "roles": [r.value for r in user.roles],
            "department_id": str(user.department_id or ""),
            "enterprise_id": str(user.enterprise_id or ""),
        }
    data.update(changes)
    return data


# -- list -------------------------------------------------------------------------
def test_list_shows_users(zone, auth, client):
    auth.login("admin")
    page = client.get("/admin/users").get_data(as_text=True)
    for text in ("officer1", "干部一", "包保责任人", "甲企业", "在用", "上次登录", "从未登录"):
        assert text in page
    assert f"/admin/users/{zone.officer1}/edit" in page


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("q=officer", ["officer1", "officer2"], ["leader1", "ent_a"]),
        ("q=领导", ["leader1", "leader2"], ["officer1"]),
        ("q=13700", ["phoned"], ["officer1"]),
        ("role=leader", ["leader1", "leader2"], ["officer1", "committee1"]),
        ("role=enterprise", ["ent_a", "ent_b"], ["officer1"]),
        ("active=0", ["gone"], ["officer1", "phoned"]),
        ("active=1", ["officer1", "phoned"], ["gone"]),
        ("role=bogus&active=x", ["officer1", "gone"], []),
    ],
)
def test_list_search_and_filters(app, zone, auth, client, query, present, absent):
    with app.app_context():
        factories.make_user("phoned", Role.OFFICER, phone="13700001234")
        gone = factories.make_user("gone", Role.OFFICER)
        services.deactivate_user(gone, actor=db.session.get(User, zone.admin))
        db.session.commit()
    auth.login("admin")
    page = client.get(f"/admin/users?{query}").get_data(as_text=True)
    for username in present:
        assert f">{username}</a>" in page
    for username in absent:
        assert f">{username}</a>" not in page


def test_list_paginates(app, zone, auth, client):
    app.config["ITEMS_PER_PAGE"] = 4
    auth.login("admin")
    first = client.get("/admin/users").get_data(as_text=True)
    assert "共 11 条，第 1/3 页" in first
    last = client.get("/admin/users?page=3").get_data(as_text=True)
    # Newest first: the last page holds the oldest account.
    assert ">admin</a>" in last
    assert ">admin</a>" not in first
    assert client.get("/admin/users?page=99").status_code == 200


def test_list_makes_no_query_per_row(app, zone, auth, client):
    auth.login("admin")
    with counting_queries(app) as before:
        client.get("/admin/users")
    with app.app_context():
        for n in range(6):
            factories.make_user(f"dept_user{n}", Role.DEPARTMENT)
            factories.make_user(
                f"ent_user{n}", Role.ENTERPRISE, enterprise_id=factories.make_enterprise().id
            )
    with counting_queries(app) as after:
        page = client.get("/admin/users").get_data(as_text=True)
    assert "ent_user5" in page
    assert len(after) == len(before)


# -- create -------------------------------------------------------------------------
def test_create_user_who_can_then_log_in(app, zone, auth, client):
    auth.login("admin")
    response = client.post("/admin/users/new", data=new_user_data(username="NewBie"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    assert "已创建用户“新同事”（newbie）" in client.get("/admin/users").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "newbie"))
        assert user.roles == {Role.OFFICER}
        assert user.phone == "13900001111"
    other = app.test_client()
    response = other.post("/login", data={"username": "newbie", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_create_enterprise_and_department_users(app, zone, auth, client):
    with app.app_context():
        department_id = db.session.get(User, zone.dept1).department_id
    auth.login("admin")
    client.post(
        "/admin/users/new",
        data=new_user_data(username="ent_c", roles=["enterprise"], enterprise_id=str(zone.ent_c)),
    )
    client.post(
        "/admin/users/new",
        data=new_user_data(
            username="dept2", roles=["department", "officer"], department_id=str(department_id)
        ),
    )
    with app.app_context():
        ent_c = db.session.scalar(sa.select(User).where(User.username == "ent_c"))
        dept2 = db.session.scalar(sa.select(User).where(User.username == "dept2"))
        assert ent_c.enterprise_id == zone.ent_c
        assert dept2.department_id == department_id
        assert dept2.roles == {Role.DEPARTMENT, Role.OFFICER}


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"username": ""}, "username", "请输入用户名"),
        ({"username": "张三"}, "username", "用户名只能包含字母、数字和 _ . @ -"),
        ({"name": ""}, "name", "请输入姓名"),
        ({"roles": []}, "roles-0", "请至少选择一个角色"),
        ({"phone": "abc"}, "phone", "电话号码只能包含数字、空格、+ 和 -"),
        ({"password": "", "confirm": ""}, "password", "请输入初始密码"),
        ({"confirm": "something-else"}, "confirm", "两次输入的密码不一致"),
        ({"password": "short", "confirm": "short"}, "password", "密码至少需要8位"),
        ({"username": "Officer1"}, "username", "用户名“officer1”已被使用"),
        ({"roles": ["enterprise"]}, "enterprise_id", "企业用户必须选择所属企业"),
        ({"roles": ["department"]}, "department_id", "行业部门用户必须选择所属部门"),
        ({"roles": ["enterprise", "officer"], "enterprise_id": "1"}, "roles-0", "企业用户不能同时"),
        ({"enterprise_id": "1"}, "enterprise_id", "只有企业用户可以关联企业"),
        ({"roles": ["superuser"]}, "roles-0", ""),
        ({"department_id": "999"}, "department_id", ""),
    ],
)
def test_create_refuses_bad_input_at_the_field(app, zone, auth, client, changes, field_id, message):
    before = user_count(app)
    auth.login("admin")
    response = client.post("/admin/users/new", data=new_user_data(**changes))
    assert response.status_code == 200
    errors = field_errors(response.get_data(as_text=True), field_id)
    assert errors, f"no error beside {field_id}"
    assert any(message in e for e in errors), errors
    assert user_count(app) == before


def test_user_form_offers_active_departments_and_the_users_own(app, zone, auth, client):
    with app.app_context():
        services.create_department(name="在用的部门", actor=None)
        closed = services.create_department(name="已撤销的部门", actor=None)
        factories.make_user("old_dept", Role.DEPARTMENT, department_id=closed.id)
        closed.is_active = False
        db.session.commit()
        old_dept = db.session.scalar(sa.select(User.id).where(User.username == "old_dept"))
    auth.login("admin")
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "在用的部门" in page
    assert "已撤销的部门" not in page
    assert "丙企业" in page
    page = client.get(f"/admin/users/{old_dept}/edit").get_data(as_text=True)
    assert "已撤销的部门" in page


# -- edit ---------------------------------------------------------------------------
def test_edit_user(app, zone, auth, client):
    auth.login("admin")
    page = client.get(f"/admin/users/{zone.officer2}/edit").get_data(as_text=True)
    assert "officer2" in page
    assert 'name="username"' not in page  # shown, never editable
    data = edit_data(app, zone.officer2, name="干部二（改）", roles=["officer", "leader"])
    response = client.post(f"/admin/users/{zone.officer2}/edit", data=data)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, zone.officer2)
        assert user.name == "干部二（改）"
        assert user.roles == {Role.OFFICER, Role.LEADER}


def test_edit_with_stale_version_reports_a_conflict(app, zone, auth, client):
    auth.login("admin")
    data = edit_data(app, zone.officer2, name="管理员的修改")
    with app.app_context():  # someone else saves first
        user = db.session.get(User, zone.officer2)
        services.update_user(
            user,
            expected_version=user.version,
            name="别人的修改",
            phone="",
            roles=user.roles,
            department_id=None,
            enterprise_id=None,
            actor=None,
        )
        db.session.commit()
    response = client.post(f"/admin/users/{zone.officer2}/edit", data=data)
    assert response.status_code == 200
    assert "该记录已被他人修改，请刷新页面后重新提交。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, zone.officer2).name == "别人的修改"


def test_edit_refuses_dropping_officer_role_while_covering(app, zone, auth, client):
    auth.login("admin")
    data = edit_data(app, zone.officer1, name="不该保存", roles=["leader"])
    response = client.post(f"/admin/users/{zone.officer1}/edit", data=data)
    assert response.status_code == 200
    errors = field_errors(response.get_data(as_text=True), "roles-0")
    assert any("仍在包保1家企业" in e for e in errors)
    with app.app_context():
        user = db.session.get(User, zone.officer1)
        assert user.roles == {Role.OFFICER}
        assert user.name == "干部一"


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"name": ""}, "name", "请输入姓名"),
        ({"roles": []}, "roles-0", "请至少选择一个角色"),
        ({"roles": ["department"]}, "department_id", "行业部门用户必须选择所属部门"),
    ],
)
def test_edit_refuses_bad_input_at_the_field(app, zone, auth, client, changes, field_id, message):
    auth.login("admin")
    data = edit_data(app, zone.leader2, **changes)
    response = client.post(f"/admin/users/{zone.leader2}/edit", data=data)
    assert response.status_code == 200
    assert message in field_errors(response.get_data(as_text=True), field_id)
    with app.app_context():
        user = db.session.get(User, zone.leader2)
        assert (user.name, user.roles) == ("领导二", {Role.LEADER})


def test_admin_editing_own_roles_stays_signed_in(app, zone, auth, client):
    auth.login("admin")
    data = edit_data(app, zone.admin, roles=["admin", "committee"])
    assert client.post(f"/admin/users/{zone.admin}/edit", data=data).status_code == 302
    assert client.get("/admin/users").status_code == 200


# -- deactivate / activate ----------------------------------------------------------
def test_deactivate_ends_sessions_at_once_and_refuses_login(app, zone, auth, client):
    other = app.test_client()
    other.post("/login", data={"username": "dept1", "password": PASSWORD})
    assert other.get("/").status_code == 200
    auth.login("admin")
    response = client.post(f"/admin/users/{zone.dept1}/deactivate")
    assert response.headers["Location"] == f"/admin/users/{zone.dept1}/edit"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已停用用户“部门用户”" in page
    assert "启用账号" in page
    response = other.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    response = other.post("/login", data={"username": "dept1", "password": PASSWORD})
    assert response.status_code == 200
    assert "账号已停用" in response.get_data(as_text=True)


def test_activate_lets_the_user_back_in(app, zone, auth, client):
    auth.login("admin")
    client.post(f"/admin/users/{zone.dept1}/deactivate")
    response = client.post(f"/admin/users/{zone.dept1}/activate", follow_redirects=True)
    assert "已启用用户“部门用户”" in response.get_data(as_text=True)
    other = app.test_client()
    assert other.post("/login", data={"username": "dept1", "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize(
    ("target", "message"),
    [("admin", "不能停用自己的账号"), ("officer1", "该用户仍在包保1家企业")],
)
def test_deactivate_refusals_change_nothing(app, zone, auth, client, target, message):
    user_id = getattr(zone, target)
    auth.login("admin")
    response = client.post(f"/admin/users/{user_id}/deactivate", follow_redirects=True)
    assert message in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.active
        assert user.session_version == 1
    assert client.get("/admin/users").status_code == 200


# -- reset password -----------------------------------------------------------------
def test_reset_password_ends_sessions_and_new_password_works(app, zone, auth, client):
    other = app.test_client()
    other.post("/login", data={"username": "officer1", "password": PASSWORD})
    assert other.get("/").status_code == 200
    auth.login("admin")
    assert "重置密码" in client.get(f"/admin/users/{zone.officer1}/password").get_data(as_text=True)
    response = client.post(
        f"/admin/users/{zone.officer1}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.headers["Location"] == f"/admin/users/{zone.officer1}/edit"
    assert other.get("/").status_code == 302
    fresh = app.test_client()
    login = {"username": "officer1", "password": PASSWORD}
    assert fresh.post("/login", data=login).status_code == 200
    login["password"] = NEW_PASSWORD
    assert fresh.post("/login", data=login).status_code == 302


def test_admin_resetting_own_password_stays_signed_in(zone, auth, client):
    auth.login("admin")
    client.post(
        f"/admin/users/{zone.admin}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert client.get("/admin/users").status_code == 200


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        ({"password": "", "confirm": ""}, "password", "请输入新密码"),
        ({"password": "short", "confirm": "short"}, "password", "密码至少需要8位"),
        ({"password": NEW_PASSWORD, "confirm": "other-pass-1"}, "confirm", "两次输入的密码不一致"),
    ],
)
def test_reset_password_refuses_bad_input(app, zone, auth, client, data, field_id, message):
    auth.login("admin")
    response = client.post(f"/admin/users/{zone.officer1}/password", data=data)
    assert response.status_code == 200
    assert message in field_errors(response.get_data(as_text=True), field_id)
    with app.app_context():
        assert services.authenticate("officer1", PASSWORD) is not None


# -- access -------------------------------------------------------------------------
def user_pages(zone) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    uid = zone.officer2
    return [
        ("get", "/admin/users"),
        ("get", "/admin/users/new"),
        ("post", "/admin/users/new"),
        ("get", f"/admin/users/{uid}/edit"),
        ("post", f"/admin/users/{uid}/edit"),
        ("post", f"/admin/users/{uid}/deactivate"),
        ("post", f"/admin/users/{uid}/activate"),
        ("get", f"/admin/users/{uid}/password"),
        ("post", f"/admin/users/{uid}/password"),
    ]


@pytest.mark.parametrize("username", ["committee1", "officer1", "ent_a", "leader1", "dept1"])
def test_non_admins_get_403(app, zone, auth, client, username):
    auth.login(username)
    for method, url in user_pages(zone):
        assert getattr(client, method)(url).status_code == 403, (method, url)
    with app.app_context():
        assert db.session.get(User, zone.officer2).active


def test_anonymous_is_sent_to_login(zone, client):
    for method, url in user_pages(zone):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/admin/users/999/edit"),
        ("post", "/admin/users/999/edit"),
        ("post", "/admin/users/999/deactivate"),
        ("post", "/admin/users/999/activate"),
        ("get", "/admin/users/999/password"),
    ],
)
def test_unknown_user_is_404(zone, auth, client, method, url):
    auth.login("admin")
    assert getattr(client, method)(url).status_code == 404
