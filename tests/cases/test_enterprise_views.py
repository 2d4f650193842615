"""The enterprise's pages: 我的诉求 (every account of an enterprise sees all its cases,
and only those) and submitting a request (企业自报, 首问 = its officer)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from hgq.accounts.models import Role, User
from hgq.cases.models import Attachment, Case, CaseStatus, Category, Channel, Urgency
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.enterprises import services as enterprise_services
from hgq.enterprises.models import Enterprise, ProjectStage
from hgq.extensions import db
from tests import factories

PDF = b"%PDF-1.4\n%%EOF\n"


def case_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Case))


def stored_files(app) -> list[Path]:
    root = Path(app.instance_path, "uploads")
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def category_id(app, code: str = "land") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Category.id).where(Category.code == code))


def make_project(app, enterprise_id: int, name: str) -> int:
    with app.app_context():
        project = enterprise_services.create_project(
            db.session.get(Enterprise, enterprise_id),
            name=name,
            investment=Decimal(1000),
            stage=ProjectStage.STARTED,
            actor=None,
        )
        db.session.commit()
        return project.id


def resolve(app, case_id: int, officer_id: int) -> None:
    with app.app_context():
        case = db.session.get(Case, case_id)
        perform_action(
            case,
            Action.RESOLVE,
            db.session.get(User, officer_id),
            expected_version=case.version,
            note="已协调规划部门办结",
            resolution_type="solved",
        )
        db.session.commit()


def form_data(app, **changes) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "二期厂房施工许可办理缓慢",
        "category": str(category_id(app)),
        "description": "施工许可申请已提交两个月，尚无答复，影响开工。",
        "project_id": "",
        "urgency": "urgent",
    }
    data.update(changes)
    return data


def submit(client, data: dict[str, object]):
    if "files" not in data:  # url-encoded: no multipart body spooled to a temporary file
        return client.post("/my/cases/new", data=data)
    return client.post("/my/cases/new", data=data, content_type="multipart/form-data")


# -- 我的诉求 ---------------------------------------------------------------------
def test_my_cases_lists_only_the_own_enterprise_for_every_account(app, zone, auth, client):
    with app.app_context():
        factories.make_case(zone.ent_a, zone.officer1, title="甲的用地问题")
        factories.make_case(zone.ent_a, zone.user_a, title="甲自报的融资问题")
        factories.make_case(zone.ent_b, zone.officer2, title="乙的用工问题")
        factories.make_user("ent_a2", Role.ENTERPRISE, name="甲企业二号", enterprise_id=zone.ent_a)
    for username in ("ent_a", "ent_a2"):
        auth.login(username)
        page = client.get("/my/cases").get_data(as_text=True)
        assert "甲的用地问题" in page
        assert "甲自报的融资问题" in page
        assert "乙的用工问题" not in page
        assert "包保责任人受理" in page  # where it stands, in the enterprise's words
        auth.logout()
    auth.login("ent_b")
    page = client.get("/my/cases").get_data(as_text=True)
    assert "乙的用工问题" in page
    assert "甲的用地问题" not in page


def test_tabs_count_and_filter_by_status(app, zone, auth, client):
    with app.app_context():
        open_case = factories.make_case(zone.ent_a, zone.officer1, title="仍在办理的问题").id
        done = factories.make_case(zone.ent_a, zone.officer1, title="已经办结的问题").id
    resolve(app, done, zone.officer1)
    auth.login("ent_a")
    page = client.get("/my/cases").get_data(as_text=True)
    assert "待您评价" in page
    assert f'href="/cases/{done}#rate"' in page
    assert f'href="/cases/{open_case}"' in page
    assert "有 <strong>1</strong> 件诉求已办结" in page

    resolved = client.get("/my/cases?status=resolved").get_data(as_text=True)
    assert "已经办结的问题" in resolved
    assert "仍在办理的问题" not in resolved
    in_progress = client.get("/my/cases?status=open").get_data(as_text=True)
    assert "仍在办理的问题" in in_progress
    assert "已经办结的问题" not in in_progress
    # An unknown tab shows everything rather than failing.
    assert "仍在办理的问题" in client.get("/my/cases?status=nonsense").get_data(as_text=True)


def test_level_is_shown_in_words(app, zone, auth, client):
    with app.app_context():
        case = factories.make_case(zone.ent_a, zone.officer1, title="需要领导协调的问题")
        officer = db.session.get(User, zone.officer1)
        perform_action(case, Action.ACCEPT, officer, expected_version=case.version)
        perform_action(
            case, Action.ESCALATE, officer, expected_version=case.version, note="需领导协调"
        )
        db.session.commit()
    auth.login("ent_a")
    page = client.get("/my/cases").get_data(as_text=True)
    assert "已提交包保领导协调" in page
    assert "需领导协调" not in page  # the escalation reason is internal


def test_my_cases_paginates(app, zone, auth, client):
    app.config["ITEMS_PER_PAGE"] = 2
    with app.app_context():
        for i in range(3):
            factories.make_case(zone.ent_a, zone.officer1, title=f"问题{i}")
    auth.login("ent_a")
    first = client.get("/my/cases").get_data(as_text=True)
    assert "问题2" in first
    assert "问题0" not in first
    assert "问题0" in client.get("/my/cases?page=2").get_data(as_text=True)


@pytest.mark.parametrize("username", ["officer1", "leader1", "committee1", "admin", "dept1"])
@pytest.mark.parametrize("url", ["/my/cases", "/my/cases/new"])
def test_staff_get_403_on_the_enterprise_pages(zone, auth, client, username, url):
    auth.login(username)
    assert client.get(url).status_code == 403
    if url.endswith("new"):
        assert client.post(url, data={"title": "x"}).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(zone, client):
    assert client.get("/my/cases").status_code == 302
    assert client.get("/my/cases/new").status_code == 302


def test_an_enterprise_cannot_reach_another_enterprises_case(app, zone, auth, client):
    with app.app_context():
        other = factories.make_case(zone.ent_b, zone.officer2).id
        own = factories.make_case(zone.ent_a, zone.officer1).id
    auth.login("ent_a")
    assert client.get(f"/cases/{own}").status_code == 200
    assert client.get(f"/cases/{other}").status_code == 404
    assert client.get("/cases/999999").status_code == 404


# -- submitting ------------------------------------------------------------------
def test_submitting_creates_a_self_reported_case_for_the_officer(app, zone, auth, client):
    auth.login("ent_a")
    form = client.get("/my/cases/new").get_data(as_text=True)
    assert "干部一" in form  # who will handle it
    assert "用地" in form
    response = submit(client, form_data(app, files=[(io.BytesIO(PDF), "营业执照.pdf")]))
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        assert case.channel is Channel.SELF_REPORTED
        assert case.urgency is Urgency.URGENT
        assert case.enterprise_id == zone.ent_a
        assert case.created_by_id == zone.user_a
        assert case.first_owner_id == zone.officer1
        assert case.handler_id == zone.officer1
        assert case.status is CaseStatus.SUBMITTED
        attachment = db.session.scalar(sa.select(Attachment))
        assert attachment.case_id == case.id
        assert attachment.filename == "营业执照.pdf"
        assert attachment.event_id == case.events[0].id
        code, case_id = case.code, case.id
    assert response.headers["Location"] == f"/cases/{case_id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert code in page
    assert "干部一" in page
    assert len(stored_files(app)) == 1


def test_submitting_with_a_project(app, zone, auth, client):
    project_id = make_project(app, zone.ent_a, "二期厂房")
    auth.login("ent_a")
    assert "二期厂房" in client.get("/my/cases/new").get_data(as_text=True)
    assert submit(client, form_data(app, project_id=str(project_id))).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Case.project_id)) == project_id


def test_an_uncovered_enterprise_is_told_who_will_handle_it(app, zone, auth, client):
    with app.app_context():
        factories.make_user("ent_c", Role.ENTERPRISE, enterprise_id=zone.ent_c)
    auth.login("ent_c")
    response = submit(client, form_data(app))
    assert response.status_code == 302
    assert "园区将尽快安排包保干部" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        assert case.first_owner_id is None
        assert case.handler_id is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "请填写诉求标题"),
        ({"title": "长" * (1024 * 1024), "files": None}, "title", "诉求标题不能超过100字"),
        ({"description": "  "}, "description", "请填写具体情况"),
        ({"category": ""}, "category", "请选择诉求类别"),
        ({"category": "999999"}, "category", "请选择有效的诉求类别"),
        ({"category": "abc"}, "category", "请选择有效的诉求类别"),
        ({"project_id": "999999"}, "project_id", "所选项目不存在"),
        ({"urgency": "panic"}, "urgency", "不是有效的选择"),
        (
            {"files": [(io.BytesIO(b"MZ\x90\x00" + b"\x00" * 60), "说明.pdf")]},
            "files",
            "文件类型不允许：说明.pdf",
        ),
    ],
)
def test_bad_input_is_shown_at_the_field_and_saves_nothing(
    app, zone, auth, client, changes, field, message
):
    auth.login("ent_a")
    data = form_data(app, **changes)
    data.setdefault("files", [(io.BytesIO(PDF), "good.pdf")])
    with_files = data["files"] is not None
    if not with_files:
        del data["files"]
    response = submit(client, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}"' in page
    assert case_count(app) == 0
    assert stored_files(app) == []
    if field != "title":
        assert "二期厂房施工许可办理缓慢" in page  # what the user typed is kept
    assert ("请重新选择附件" in page) is with_files


def test_a_project_of_another_enterprise_is_refused(app, zone, auth, client):
    other = make_project(app, zone.ent_b, "乙的新厂区")
    auth.login("ent_a")
    assert "乙的新厂区" not in client.get("/my/cases/new").get_data(as_text=True)
    response = submit(client, form_data(app, project_id=str(other)))
    assert response.status_code == 200
    assert "所选项目不属于该企业" in response.get_data(as_text=True)
    assert case_count(app) == 0


def test_an_inactive_category_is_refused(app, zone, auth, client):
    with app.app_context():
        category = db.session.scalar(sa.select(Category).where(Category.code == "land"))
        category.is_active = False
        db.session.commit()
    auth.login("ent_a")
    assert ">用地<" not in client.get("/my/cases/new").get_data(as_text=True)
    response = submit(client, form_data(app))
    assert "请选择有效的诉求类别" in response.get_data(as_text=True)
    assert case_count(app) == 0


# -- the landing page -----------------------------------------------------------
def test_the_enterprise_home_shows_its_latest_cases(app, zone, auth, client):
    with app.app_context():
        ids = [
            factories.make_case(zone.ent_a, zone.officer1, title=f"首页问题{i}").id
            for i in range(6)
        ]
        factories.make_case(zone.ent_b, zone.officer2, title="别家的问题")
    resolve(app, ids[-1], zone.officer1)
    auth.login("ent_a")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/my/cases/new"' in page
    assert "我的诉求" in page
    assert "首页问题5" in page
    assert "首页问题1" in page
    assert "首页问题0" not in page  # only the latest five
    assert "别家的问题" not in page
    assert "全部 6 件" in page
    assert "有 <strong>1</strong> 件诉求已办结" in page


def test_file_errors_show_alongside_other_errors(app, zone, auth, client):
    auth.login("ent_a")
    data = form_data(app, title="", files=[(io.BytesIO(b"<html></html>"), "照片.jpg")])
    page = submit(client, data).get_data(as_text=True)
    assert "请填写诉求标题" in page
    assert "文件类型不允许：照片.jpg" in page
    assert case_count(app) == 0


def test_a_refusal_by_the_service_does_not_blame_good_files(app, zone, auth, client):
    other = make_project(app, zone.ent_b, "乙的新厂区")
    auth.login("ent_a")
    data = form_data(app, project_id=str(other), files=[(io.BytesIO(PDF), "good.pdf")])
    page = submit(client, data).get_data(as_text=True)
    assert "所选项目不属于该企业" in page
    assert "文件为空" not in page
    assert "请重新选择附件" in page
    assert stored_files(app) == []
