"""The admin's case-category pages: the list with case counts, adding, editing."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hgq.cases import services
from hgq.cases.models import Category
from hgq.errors import NotAllowed
from hgq.extensions import db
from tests.factories import make_case
from tests.querycount import counting_queries


def field_errors(html: str, field_id: str) -> list[str]:
    start = html.index(f'id="{field_id}"')
    end = html.find('<div class="mb-3', start)
    block = html[start:end] if end != -1 else html[start:]
    return re.findall(r'class="invalid-feedback[^"]*">([^<]*)</div>', block)


def get_category(app, code: str) -> Category | None:  # type: ignore[no-untyped-def]
    with app.app_context():
        category = db.session.scalar(sa.select(Category).where(Category.code == code))
        if category is not None:
            db.session.expunge(category)
        return category


def category_count(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Category))


def row_of(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[start : html.index("</tr>", start)]


@pytest.fixture
def admin(zone, auth):  # type: ignore[no-untyped-def]
    auth.login("admin")
    return zone


@pytest.mark.parametrize("username", ["committee1", "leader1", "officer1", "dept1", "ent_a"])
def test_only_the_admin(app, zone, auth, client, username):
    auth.login(username)
    land = get_category(app, "land")
    for method, url in [
        ("GET", "/admin/categories"),
        ("POST", "/admin/categories"),
        ("GET", f"/admin/categories/{land.id}/edit"),
        ("POST", f"/admin/categories/{land.id}/edit"),
    ]:
        assert client.open(url, method=method).status_code == 403, (method, url)
    assert get_category(app, "land").name == "用地"


def test_list_shows_categories_with_case_counts(app, admin, client):
    with app.app_context():
        make_case(admin.ent_a, admin.officer1)
        make_case(admin.ent_a, admin.officer1)
    page = client.get("/admin/categories").get_data(as_text=True)
    land = row_of(page, "用地")
    assert "land" in land
    assert re.search(r">\s*2\s*</td>", land)
    assert re.search(r">\s*0\s*</td>", row_of(page, "融资"))
    assert page.index(">用地<") < page.index(">融资<") < page.index(">其他<")


def test_list_counts_in_one_query(app, admin, client):
    with counting_queries(app) as few:
        client.get("/admin/categories")
    for n in range(5):
        with app.app_context():
            services.create_category(code=f"extra_{n}", name=f"额外{n}", actor=None)
            db.session.commit()
            make_case(admin.ent_a, admin.officer1)
    with counting_queries(app) as many:
        client.get("/admin/categories")
    assert len(many) == len(few)


def test_add_a_category(app, admin, client):
    response = client.post(
        "/admin/categories",
        data={"code": "tax_2", "name": "税费", "sort_order": "85", "is_active": "y"},
    )
    assert response.status_code == 302
    category = get_category(app, "tax_2")
    assert (category.name, category.sort_order, category.is_active) == ("税费", 85, True)
    assert "已新增诉求类别“税费”" in client.get("/admin/categories").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "", "name": "税费"}, "code", "请填写类别代码"),
        ({"code": "Tax", "name": "税费"}, "code", "类别代码只能使用小写英文字母、数字和下划线"),
        ({"code": "tax-fee", "name": "税费"}, "code", "类别代码只能使用小写英文字母、数字和下划线"),
        ({"code": "税费", "name": "税费"}, "code", "类别代码只能使用小写英文字母、数字和下划线"),
        ({"code": "x" * 31, "name": "税费"}, "code", "类别代码不能超过30位"),
        ({"code": "land", "name": "税费"}, "code", "类别代码“land”已存在"),
        ({"code": "tax", "name": ""}, "name", "请填写类别名称"),
        ({"code": "tax", "name": "用地"}, "name", "类别名称“用地”已存在"),
        ({"code": "tax", "name": "长" * 31}, "name", "类别名称不能超过30个字"),
        ({"code": "tax", "name": "税费", "sort_order": "abc"}, "sort_order", None),
        (
            {"code": "tax", "name": "税费", "sort_order": "-1"},
            "sort_order",
            "排序号应为0至9999之间的整数",
        ),
    ],
)
def test_add_refuses_bad_input(app, admin, client, data, field, message):
    before = category_count(app)
    data.setdefault("sort_order", "0")
    response = client.post("/admin/categories", data=data)
    assert response.status_code == 200
    errors = field_errors(response.get_data(as_text=True), field)
    assert errors
    if message:
        assert message in errors
    assert category_count(app) == before


def test_edit_a_category(app, admin, client):
    land = get_category(app, "land")
    page = client.get(f"/admin/categories/{land.id}/edit").get_data(as_text=True)
    assert 'value="land" readonly' in page
    response = client.post(
        f"/admin/categories/{land.id}/edit",
        data={"name": "用地保障", "sort_order": "5", "code": "hacked"},
    )
    assert response.status_code == 302
    land = get_category(app, "land")
    assert (land.name, land.sort_order, land.is_active) == ("用地保障", 5, False)
    assert get_category(app, "hacked") is None


def test_edit_refuses_a_duplicate_name(app, admin, client):
    land = get_category(app, "land")
    response = client.post(
        f"/admin/categories/{land.id}/edit",
        data={"name": "融资", "sort_order": "1", "is_active": "y"},
    )
    assert response.status_code == 200
    assert "类别名称“融资”已存在" in field_errors(response.get_data(as_text=True), "name")
    assert get_category(app, "land").name == "用地"
    # Keeping its own name is not a clash.
    ok = client.post(
        f"/admin/categories/{land.id}/edit",
        data={"name": "用地", "sort_order": "1", "is_active": "y"},
    )
    assert ok.status_code == 302


def test_edit_missing_category_is_404(admin, client):
    assert client.get("/admin/categories/999999/edit").status_code == 404


def test_deactivated_category_leaves_the_new_case_form(app, admin, auth, client):
    land = get_category(app, "land")
    client.post(f"/admin/categories/{land.id}/edit", data={"name": "用地", "sort_order": "10"})
    auth.logout()
    auth.login("officer1")
    page = client.get(f"/enterprises/{admin.ent_a}/cases/new").get_data(as_text=True)
    assert ">用地<" not in page
    assert ">融资<" in page


def test_services_check_what_the_form_checks(app, zone):
    with app.app_context():
        with pytest.raises(NotAllowed) as caught:
            services.create_category(code="Bad Code", name="坏代码", actor=None)
        assert caught.value.field == "code"
        with pytest.raises(NotAllowed) as caught:
            services.create_category(code="ok", name="   ", actor=None)
        assert caught.value.field == "name"
