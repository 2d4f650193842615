"""The admin's department pages: list with active-user counts, create, edit."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hgq.accounts import services
from hgq.accounts.models import Department, Role, User
from hgq.extensions import db
from tests import factories
from tests.querycount import counting_queries


def field_errors(html: str, field_id: str) -> list[str]:
    """The error messages shown beside the field whose input has ``field_id``."""
    start = html.index(f'id="{field_id}"')
    end = html.find('<div class="mb-3', start)
    block = html[start:end] if end != -1 else html[start:]
    return re.findall(r'class="invalid-feedback[^"]*">([^<]*)</div>', block)


def department_count(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Department))


@pytest.fixture
def bureau(app, zone) -> int:  # type: ignore[no-untyped-def]
    """An industry department with two active users and one deactivated."""
    with app.app_context():
        department = factories.make_department("工业和信息化局", is_industry=True)
        for name in ("gxj1", "gxj2", "gxj3"):
            factories.make_user(name, Role.DEPARTMENT, department_id=department.id)
        gone = db.session.scalar(sa.select(User).where(User.username == "gxj3"))
        services.deactivate_user(gone, actor=db.session.get(User, zone.admin))
        db.session.commit()
        return department.id


def row_of(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[start : html.index("</tr>", start)]


def test_list_shows_departments_with_active_user_counts(app, bureau, auth, client):
    with app.app_context():
        factories.make_department("综合办公室", description="内设机构")
    auth.login("admin")
    page = client.get("/admin/departments").get_data(as_text=True)
    row = row_of(page, "工业和信息化局")
    assert "是" in row
    assert "在用" in row
    assert re.search(r">\s*2\s*</td>", row)
    row = row_of(page, "综合办公室")
    assert "否" in row
    assert re.search(r">\s*0\s*</td>", row)
    assert f"/admin/departments/{bureau}/edit" in page


def test_list_counts_in_one_query(app, zone, auth, client):
    auth.login("admin")
    with counting_queries(app) as before:
        client.get("/admin/departments")
    with app.app_context():
        for n in range(5):
            factories.make_user(f"dept_user{n}", Role.DEPARTMENT)
    with counting_queries(app) as after:
        client.get("/admin/departments")
    assert len(after) == len(before)


def test_create_department(app, zone, auth, client):
    auth.login("admin")
    assert "新增部门" in client.get("/admin/departments/new").get_data(as_text=True)
    response = client.post(
        "/admin/departments/new",
        data={"name": " 商务局 ", "is_industry": "y", "description": "招商与外贸"},
    )
    assert response.headers["Location"] == "/admin/departments"
    page = client.get("/admin/departments").get_data(as_text=True)
    assert "已新增部门“商务局”" in page
    with app.app_context():
        department = db.session.scalar(sa.select(Department).where(Department.name == "商务局"))
        assert department.is_industry
        assert department.is_active
        assert department.description == "招商与外贸"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "请输入部门名称"),
        ({"name": "局" * 61}, "部门名称最多60个字"),
        ({"name": "工业和信息化局"}, "部门“工业和信息化局”已存在"),
    ],
)
def test_create_refuses_bad_input_at_the_field(app, bureau, auth, client, data, message):
    before = department_count(app)
    auth.login("admin")
    response = client.post("/admin/departments/new", data=data)
    assert response.status_code == 200
    assert message in field_errors(response.get_data(as_text=True), "name")
    assert department_count(app) == before


def edit_data(app, department_id: int, **changes) -> dict:  # type: ignore[no-untyped-def]
    with app.app_context():
        department = db.session.get(Department, department_id)
        data = {
            "version": str(department.version),
            "name": department.name,
            "description": department.description,
        }
        if department.is_industry:
            data["is_industry"] = "y"
        if department.is_active:
            data["is_active"] = "y"
    data.update(changes)
    return data


def test_edit_department(app, bureau, auth, client):
    auth.login("admin")
    page = client.get(f"/admin/departments/{bureau}/edit").get_data(as_text=True)
    assert 'value="工业和信息化局"' in page
    data = edit_data(app, bureau, name="工信局", description="新的说明")
    del data["is_industry"], data["is_active"]
    response = client.post(f"/admin/departments/{bureau}/edit", data=data, follow_redirects=True)
    assert "已保存部门“工信局”" in response.get_data(as_text=True)
    with app.app_context():
        department = db.session.get(Department, bureau)
        assert (department.name, department.description) == ("工信局", "新的说明")
        assert not department.is_industry
        assert not department.is_active


def test_edit_refuses_a_duplicate_name(app, bureau, auth, client):
    with app.app_context():
        other = factories.make_department("商务局").id
    auth.login("admin")
    response = client.post(
        f"/admin/departments/{other}/edit", data=edit_data(app, other, name="工业和信息化局")
    )
    assert response.status_code == 200
    errors = field_errors(response.get_data(as_text=True), "name")
    assert "部门“工业和信息化局”已存在" in errors
    with app.app_context():
        assert db.session.get(Department, other).name == "商务局"


def test_edit_with_stale_version_reports_a_conflict(app, bureau, auth, client):
    auth.login("admin")
    data = edit_data(app, bureau, name="管理员的名称")
    with app.app_context():
        department = db.session.get(Department, bureau)
        services.update_department(
            department,
            expected_version=department.version,
            name="别人的名称",
            is_industry=True,
            description="",
            is_active=True,
            actor=None,
        )
        db.session.commit()
    response = client.post(f"/admin/departments/{bureau}/edit", data=data)
    assert response.status_code == 200
    assert "该记录已被他人修改，请刷新页面后重新提交。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Department, bureau).name == "别人的名称"


def test_edit_without_version_is_refused(app, bureau, auth, client):
    auth.login("admin")
    data = edit_data(app, bureau, name="无版本")
    del data["version"]
    response = client.post(f"/admin/departments/{bureau}/edit", data=data)
    assert response.status_code == 200
    assert "缺少版本信息，请刷新页面" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Department, bureau).name == "工业和信息化局"


def department_pages(department_id: int) -> list[tuple[str, str]]:
    return [
        ("get", "/admin/departments"),
        ("get", "/admin/departments/new"),
        ("post", "/admin/departments/new"),
        ("get", f"/admin/departments/{department_id}/edit"),
        ("post", f"/admin/departments/{department_id}/edit"),
    ]


@pytest.mark.parametrize("username", ["committee1", "officer1", "ent_a", "leader1", "dept1"])
def test_non_admins_get_403(bureau, auth, client, username):
    auth.login(username)
    for method, url in department_pages(bureau):
        assert getattr(client, method)(url).status_code == 403, (method, url)


def test_anonymous_is_sent_to_login(bureau, client):
    for method, url in department_pages(bureau):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_department_is_404(zone, auth, client, method):
    auth.login("admin")
    assert getattr(client, method)("/admin/departments/999/edit").status_code == 404
