"""Admin pages for enterprises, projects and tags; access to every admin enterprise page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.enterprises import services
from hgq.enterprises.models import Enterprise, Project, ProjectStage, Tag
from hgq.extensions import db
from tests import factories


def field_error(html: str, field_id: str, message: str) -> bool:
    """True if ``message`` is shown as the error of the input or select ``field_id``."""
    options = r"(?:<option[^>]*>[^<]*</option>)*</select>"
    label = r"\s*<label[^>]*>[^<]*</label>"  # a checkbox's label comes before its error
    pattern = rf'id="{field_id}"[^>]*>(?:{options}|{label})?\s*<div class="invalid-feedback[^"]*">'
    pattern += rf"[^<]*{re.escape(message)}"
    return re.search(pattern, html) is not None


def enterprise_form(**changes):
    data = {
        "name": "丁企业",
        "credit_code": factories.credit_code(900),
        "industry": "电子信息",
        "address": "高新大道1号",
        "contact_name": "张三",
        "contact_phone": "0731-88888888",
    }
    data.update(changes)
    return data


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def make_tag(app, name: str, *enterprise_ids: int) -> int:
    with app.app_context():
        tag = services.create_tag(name, actor=None)
        for enterprise_id in enterprise_ids:
            enterprise = db.session.get(Enterprise, enterprise_id)
            enterprise.tags.append(tag)
        db.session.commit()
        return tag.id


def make_project(app, enterprise_id: int, name: str = "扩产项目") -> int:
    with app.app_context():
        enterprise = db.session.get(Enterprise, enterprise_id)
        project = services.create_project(
            enterprise,
            name=name,
            investment=Decimal("1200.50"),
            stage=ProjectStage.SIGNED,
            actor=None,
        )
        db.session.commit()
        return project.id


# -- list -----------------------------------------------------------------------
def test_list_shows_enterprises_and_coverage(app, zone, auth, client):
    auth.login("admin")
    html = client.get("/admin/enterprises").get_data(as_text=True)
    for name in ("甲企业", "乙企业", "丙企业", "干部一", "领导二", "未安排包保"):
        assert name in html
    assert f'href="/enterprises/{zone.ent_a}"' in html
    assert f'href="/admin/enterprises/{zone.ent_a}/edit"' in html
    assert f'href="/admin/enterprises/{zone.ent_c}/assign"' in html
    with app.app_context():
        assert db.session.get(Enterprise, zone.ent_a).credit_code in html


def test_list_search_and_filters(app, zone, auth, client):
    tag_id = make_tag(app, "规上企业", zone.ent_b)
    with app.app_context():
        factories.make_enterprise("戊企业")
        services.update_enterprise(
            db.session.scalar(sa.select(Enterprise).filter_by(name="戊企业")),
            expected_version=None,
            name="戊企业",
            credit_code=factories.credit_code(901),
            industry="",
            address="",
            contact_name="",
            contact_phone="",
            tag_ids=[],
            is_active=False,
            actor=None,
        )
        db.session.commit()
    auth.login("admin")

    def names(query: str) -> set[str]:
        html = client.get(f"/admin/enterprises?{query}").get_data(as_text=True)
        return {n for n in ("甲企业", "乙企业", "丙企业", "戊企业") if n in html}

    assert names("") == {"甲企业", "乙企业", "丙企业"}
    assert names("q=甲") == {"甲企业"}
    assert names(f"tag={tag_id}") == {"乙企业"}
    assert names("covered=no") == {"丙企业"}
    assert names("covered=yes") == {"甲企业", "乙企业"}
    assert names("active=0") == {"戊企业"}
    assert names("active=all") == {"甲企业", "乙企业", "丙企业", "戊企业"}


def test_list_paginates(app, zone, auth, client):
    app.config["ITEMS_PER_PAGE"] = 2
    auth.login("admin")
    first = client.get("/admin/enterprises").get_data(as_text=True)
    second = client.get("/admin/enterprises?page=2").get_data(as_text=True)
    assert "共 3 条，第 1/2 页" in first
    assert "第 2/2 页" in second
    for name in ("甲企业", "乙企业", "丙企业"):
        assert (name in first) != (name in second), name
    beyond = client.get("/admin/enterprises?page=9")
    assert beyond.status_code == 200
    assert "没有符合条件的企业" in beyond.get_data(as_text=True)


def test_list_makes_no_query_per_row(app, zone, auth, client):
    auth.login("admin")
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    def queries_for_list() -> int:
        statements.clear()
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", record)
            try:
                assert client.get("/admin/enterprises").status_code == 200
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    before = queries_for_list()
    with app.app_context():
        admin, officer, leader = (
            db.session.get(User, i) for i in (zone.admin, zone.officer2, zone.leader1)
        )
        for n in range(5):
            enterprise = factories.make_enterprise(f"新企业{n}")
            factories.assign(enterprise, officer, leader, admin)
    assert queries_for_list() == before


# -- create and edit ------------------------------------------------------------
def test_create_enterprise(app, zone, auth, client):
    tag_id = make_tag(app, "高新技术企业")
    auth.login("admin")
    assert "新增企业" in client.get("/admin/enterprises/new").get_data(as_text=True)
    code = factories.credit_code(900)
    data = enterprise_form(credit_code=f" {code[:9].lower()} {code[9:].lower()} ", tags=[tag_id])
    response = client.post("/admin/enterprises/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        enterprise = db.session.scalar(sa.select(Enterprise).filter_by(name="丁企业"))
        assert enterprise.credit_code == code
        assert [t.name for t in enterprise.tags] == ["高新技术企业"]
        assert enterprise.contact_phone == "0731-88888888"
        assert response.headers["Location"] == f"/enterprises/{enterprise.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已新增企业“丁企业”" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "请输入企业名称"),
        ({"credit_code": ""}, "credit_code", "请输入统一社会信用代码"),
        ({"credit_code": factories.credit_code(900)[:17] + "0"}, "credit_code", "校验位不正确"),
        ({"credit_code": "91431200123"}, "credit_code", "应为18位，当前为11位"),
        ({"credit_code": "91431200ABCDEFGHIO"}, "credit_code", "含有无效字符"),
        ({"name": "甲企业"}, "name", "企业“甲企业”已存在"),
        ({"credit_code": "<甲企业>"}, "credit_code", "已被其他企业使用"),
        ({"contact_phone": "call me"}, "contact_phone", "联系电话只能包含"),
        ({"name": "长" * 101}, "name", "企业名称不能超过100个字"),
    ],
)
def test_create_enterprise_refusals(app, zone, auth, client, changes, field, message):
    if changes.get("credit_code") == "<甲企业>":
        with app.app_context():
            changes = {"credit_code": db.session.get(Enterprise, zone.ent_a).credit_code}
    auth.login("admin")
    response = client.post("/admin/enterprises/new", data=enterprise_form(**changes))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field_error(html, field, message), html
    assert "提交的内容有误" in html
    assert count(app, Enterprise) == 3


def test_edit_enterprise(app, zone, auth, client):
    tag_id = make_tag(app, "专精特新")
    auth.login("admin")
    html = client.get(f"/admin/enterprises/{zone.ent_c}/edit").get_data(as_text=True)
    assert 'value="丙企业"' in html
    assert 'name="version" type="hidden" value="1"' in html
    with app.app_context():
        code = db.session.get(Enterprise, zone.ent_c).credit_code
    data = enterprise_form(name="丙企业（新）", credit_code=code, version="1", tags=[tag_id])
    response = client.post(f"/admin/enterprises/{zone.ent_c}/edit", data=data)
    assert response.status_code == 302
    with app.app_context():
        enterprise = db.session.get(Enterprise, zone.ent_c)
        assert enterprise.name == "丙企业（新）"
        assert [t.id for t in enterprise.tags] == [tag_id]
        assert enterprise.is_active is False  # the checkbox was not ticked
        assert enterprise.version > 1


def test_edit_enterprise_duplicate_name(app, zone, auth, client):
    auth.login("admin")
    with app.app_context():
        code = db.session.get(Enterprise, zone.ent_c).credit_code
    data = enterprise_form(name="乙企业", credit_code=code, version="1", is_active="y")
    response = client.post(f"/admin/enterprises/{zone.ent_c}/edit", data=data)
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "name", "企业“乙企业”已存在")
    with app.app_context():
        assert db.session.get(Enterprise, zone.ent_c).name == "丙企业"


def test_edit_enterprise_stale_version(app, zone, auth, client):
    auth.login("admin")
    with app.app_context():
        code = db.session.get(Enterprise, zone.ent_c).credit_code
    data = enterprise_form(name="丙企业改", credit_code=code, version="0", is_active="y")
    response = client.post(f"/admin/enterprises/{zone.ent_c}/edit", data=data)
    assert response.status_code == 200
    assert "该记录已被他人修改" in response.get_data(as_text=True)
    with app.app_context():
        enterprise = db.session.get(Enterprise, zone.ent_c)
        assert (enterprise.name, enterprise.version) == ("丙企业", 1)


def test_deactivating_a_covered_enterprise_is_refused(app, zone, auth, client):
    auth.login("admin")
    with app.app_context():
        code = db.session.get(Enterprise, zone.ent_a).credit_code
    data = enterprise_form(name="甲企业", credit_code=code, version="1")
    response = client.post(f"/admin/enterprises/{zone.ent_a}/edit", data=data)
    assert response.status_code == 200
    assert "请先结束包保后再停用" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Enterprise, zone.ent_a).is_active is True


# -- projects -------------------------------------------------------------------
def test_create_and_edit_project(app, zone, auth, client):
    auth.login("admin")
    url = f"/admin/enterprises/{zone.ent_a}/projects/new"
    assert "新增重点项目" in client.get(url).get_data(as_text=True)
    data = {"name": "二期厂房", "investment": "3500.5", "stage": "started"}
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/enterprises/{zone.ent_a}"
    with app.app_context():
        project = db.session.scalar(sa.select(Project).filter_by(name="二期厂房"))
        assert (project.investment, project.stage) == (Decimal("3500.50"), ProjectStage.STARTED)
        project_id = project.id

    edit = f"/admin/projects/{project_id}/edit"
    html = client.get(edit).get_data(as_text=True)
    assert 'value="二期厂房"' in html and 'selected value="started"' in html
    data = {"name": "二期厂房", "investment": "4000", "stage": "in_production", "version": "1"}
    assert client.post(edit, data=data).status_code == 302
    with app.app_context():
        project = db.session.get(Project, project_id)
        assert (project.investment, project.stage) == (Decimal("4000"), ProjectStage.IN_PRODUCTION)
    page = client.get(f"/enterprises/{zone.ent_a}").get_data(as_text=True)
    assert "4,000.00" in page and "投产" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "请输入项目名称"),
        ({"investment": "-1"}, "investment", "计划投资不能为负数"),
        ({"investment": "abc"}, "investment", "不是有效的小数"),
        ({"investment": ""}, "investment", "请输入计划总投资"),
        ({"investment": "1.234"}, "investment", "最多保留两位小数"),
        ({"name": "扩产项目"}, "name", "该企业已有名为“扩产项目”的项目"),
        ({"stage": "bogus"}, "stage", "选择无效"),
    ],
)
def test_create_project_refusals(app, zone, auth, client, changes, field, message):
    make_project(app, zone.ent_a)
    auth.login("admin")
    data = {"name": "新项目", "investment": "100", "stage": "signed", **changes}
    response = client.post(f"/admin/enterprises/{zone.ent_a}/projects/new", data=data)
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), field, message)
    assert count(app, Project) == 1


def test_edit_project_refusals(app, zone, auth, client):
    project_id = make_project(app, zone.ent_a)
    make_project(app, zone.ent_a, "技改项目")
    auth.login("admin")
    url = f"/admin/projects/{project_id}/edit"
    base = {"name": "扩产项目", "investment": "10", "stage": "signed", "version": "1"}
    html = client.post(url, data={**base, "investment": "-5"}).get_data(as_text=True)
    assert field_error(html, "investment", "计划投资不能为负数")
    html = client.post(url, data={**base, "name": "技改项目"}).get_data(as_text=True)
    assert field_error(html, "name", "该企业已有名为“技改项目”的项目")
    html = client.post(url, data={**base, "version": "7"}).get_data(as_text=True)
    assert "该记录已被他人修改" in html
    with app.app_context():
        project = db.session.get(Project, project_id)
        assert (project.name, project.investment, project.version) == (
            "扩产项目",
            Decimal("1200.50"),
            1,
        )


# -- tags -----------------------------------------------------------------------
def test_tags_list_counts_and_add(app, zone, auth, client):
    tag_id = make_tag(app, "规上企业", zone.ent_a, zone.ent_b)
    make_tag(app, "瞪羚企业")
    auth.login("admin")
    html = client.get("/admin/tags").get_data(as_text=True)
    assert re.search(rf'规上企业.*?href="/admin/enterprises\?tag={tag_id}">2</a>', html, re.S)
    assert re.search(r'瞪羚企业.*?">0</a>', html, re.S)

    response = client.post("/admin/tags", data={"name": " 高新技术企业 "})
    assert response.status_code == 302
    assert "已新增标签“高新技术企业”" in client.get("/admin/tags").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Tag.id).filter_by(name="高新技术企业"))


@pytest.mark.parametrize(
    ("name", "message"),
    [("规上企业", "标签“规上企业”已存在"), ("", "请输入标签名称"), ("长" * 31, "不能超过30个字")],
)
def test_tag_refusals(app, zone, auth, client, name, message):
    make_tag(app, "规上企业")
    auth.login("admin")
    response = client.post("/admin/tags", data={"name": name})
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "name", message)
    assert count(app, Tag) == 1


# -- 404 and access -------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/admin/enterprises/999/edit",
        "/admin/enterprises/999/projects/new",
        "/admin/projects/999/edit",
        "/admin/enterprises/999/assign",
    ],
)
def test_unknown_ids_answer_404(zone, auth, client, url):
    auth.login("admin")
    assert client.get(url).status_code == 404


def admin_pages(zone) -> list[tuple[str, str]]:
    return [
        ("get", "/admin/enterprises"),
        ("get", "/admin/enterprises/new"),
        ("post", "/admin/enterprises/new"),
        ("get", f"/admin/enterprises/{zone.ent_a}/edit"),
        ("post", f"/admin/enterprises/{zone.ent_a}/edit"),
        ("get", f"/admin/enterprises/{zone.ent_a}/projects/new"),
        ("post", f"/admin/enterprises/{zone.ent_a}/projects/new"),
        ("get", "/admin/projects/1/edit"),
        ("post", "/admin/projects/1/edit"),
        ("get", "/admin/assignments"),
        ("get", f"/admin/enterprises/{zone.ent_c}/assign"),
        ("post", f"/admin/enterprises/{zone.ent_c}/assign"),
        ("post", "/admin/assignments/1/end"),
        ("get", "/admin/tags"),
        ("post", "/admin/tags"),
    ]


@pytest.mark.parametrize("username", ["committee1", "leader1", "officer1", "dept1", "ent_a"])
def test_other_roles_are_forbidden(app, zone, auth, client, username):
    make_project(app, zone.ent_a)
    auth.login(username)
    for method, url in admin_pages(zone):
        response = getattr(client, method)(url, data={"name": "x"})
        assert response.status_code == 403, (username, method, url)
    assert count(app, Tag) == 0


def test_anonymous_is_sent_to_login(app, zone, client):
    make_project(app, zone.ent_a)
    for method, url in admin_pages(zone):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)
