"""The staff case pages: the list and its tabs, logging a request, the case page with
its timeline and action panel, and taking an action through a form."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.cases.models import Case, CaseEvent, CaseStatus, Category
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.enterprises import services as enterprise_services
from hgq.enterprises.models import Enterprise, ProjectStage
from hgq.extensions import db
from tests.factories import make_case
from tests.querycount import counting_queries

STAFF = ["admin", "committee1", "leader1", "officer1"]


# -- helpers --------------------------------------------------------------------
def login(auth, username: str) -> None:  # type: ignore[no-untyped-def]
    auth.logout()
    response = auth.login(username)
    assert response.status_code == 302, username


def new_case(app, enterprise_id: int, creator_id: int, **kw) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return make_case(enterprise_id, creator_id, **kw).id


def act_as(app, case_id: int, user_id: int, action: Action, **kw) -> None:  # type: ignore[no-untyped-def]
    """Take an action through the service (to set a case up for a page test)."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        perform_action(
            case, action, db.session.get(User, user_id), expected_version=case.version, **kw
        )
        db.session.commit()


def load(app, case_id: int) -> Case:  # type: ignore[no-untyped-def]
    with app.app_context():
        case = db.session.get(Case, case_id)
        db.session.expunge(case)
        return case


def event_count(app, case_id: int) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).where(CaseEvent.case_id == case_id))


def case_count(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Case))


def category_id(app, code: str) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(sa.select(Category.id).where(Category.code == code))


def post_action(client, case_id: int, action: str, version: int, **data):  # type: ignore[no-untyped-def]
    return client.post(
        f"/cases/{case_id}/actions", data={"action": action, "version": version, **data}
    )


def listed_titles(html: str) -> list[str]:
    return re.findall(
        r'href="/cases/\d+" class="fw-semibold text-decoration-none">([^<]*)</a>', html
    )


def offered_actions(html: str) -> set[str]:
    return set(re.findall(r'<input type="hidden" name="action" value="([a-z_]+)">', html))


def field_errors(html: str, field_id: str) -> list[str]:
    """The error messages shown right after the input whose id is ``field_id``."""
    start = html.index(f'id="{field_id}"')
    end = html.find('<div class="mb-3', start)
    block = html[start:end] if end != -1 else html[start:]
    return re.findall(r'class="invalid-feedback[^"]*">([^<]*)</div>', block)


# -- the list -------------------------------------------------------------------
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
def test_list_permissions(zone, auth, client, username, status):
    login(auth, username)
    assert client.get("/cases/").status_code == status


def test_list_needs_sign_in(zone, client):
    response = client.get("/cases/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.fixture
def spread(app, zone):  # type: ignore[no-untyped-def]
    """Cases in every queue: officer1's (ent_a), officer2's (ent_b), the leaders' queue
    (uncovered ent_c), leader1's level 2, the committee's level 3, and a closed one."""
    ids = {
        "a_open": new_case(app, zone.ent_a, zone.user_a, title="甲企业的待受理件"),
        "b_open": new_case(app, zone.ent_b, zone.user_b, title="乙企业的待受理件"),
        "c_queue": new_case(app, zone.ent_c, zone.committee, title="丙企业无人包保件"),
        "a_level2": new_case(app, zone.ent_a, zone.leader1, title="甲企业二级件"),
        "a_level3": new_case(app, zone.ent_a, zone.officer1, title="甲企业三级件"),
        "a_closed": new_case(app, zone.ent_a, zone.officer1, title="甲企业已归档件"),
    }
    act_as(app, ids["a_level2"], zone.officer1, Action.ACCEPT)
    act_as(app, ids["a_level2"], zone.officer1, Action.ESCALATE, note="需领导协调")
    act_as(app, ids["a_level3"], zone.officer1, Action.ACCEPT)
    act_as(app, ids["a_level3"], zone.officer1, Action.ESCALATE, note="需领导协调")
    act_as(app, ids["a_level3"], zone.leader1, Action.ESCALATE, note="需集中研究")
    act_as(
        app, ids["a_closed"], zone.officer1, Action.RESOLVE, note="已办", resolution_type="solved"
    )
    act_as(app, ids["a_closed"], zone.user_a, Action.RATE, solved=True, satisfaction="satisfied")
    return ids


def test_todo_is_what_waits_on_me(app, zone, auth, client, spread):
    login(auth, "officer1")
    todo = listed_titles(client.get("/cases/").get_data(as_text=True))
    assert sorted(todo) == ["甲企业的待受理件"]

    login(auth, "leader1")
    page = client.get("/cases/?scope=todo").get_data(as_text=True)
    assert sorted(listed_titles(page)) == ["丙企业无人包保件", "甲企业二级件"]
    assert "领导会商队列" in page

    login(auth, "committee1")
    page = client.get("/cases/").get_data(as_text=True)
    assert listed_titles(page) == ["甲企业三级件"]
    assert "工委管委队列" in page


def test_owned_tab_lists_my_first_received_cases(app, zone, auth, client, spread):
    login(auth, "leader1")
    assert listed_titles(client.get("/cases/?scope=owned").get_data(as_text=True)) == [
        "甲企业二级件"
    ]
    login(auth, "officer1")
    owned = listed_titles(client.get("/cases/?scope=owned").get_data(as_text=True))
    # Cases the enterprise submitted have officer1 as 首问 too.
    assert sorted(owned) == ["甲企业三级件", "甲企业已归档件", "甲企业的待受理件"]


def test_all_tab_is_everything_visible(app, zone, auth, client, spread):
    login(auth, "officer1")
    titles = listed_titles(client.get("/cases/?scope=all").get_data(as_text=True))
    assert len(titles) == 4  # ent_a's four cases
    assert "乙企业的待受理件" not in titles
    login(auth, "committee1")
    assert len(listed_titles(client.get("/cases/?scope=all").get_data(as_text=True))) == 6


def test_admin_has_no_todo_tab_and_sees_everything(app, zone, auth, client, spread):
    login(auth, "admin")
    page = client.get("/cases/").get_data(as_text=True)
    assert "我的待办" not in page
    assert len(listed_titles(page)) == 6
    assert client.get("/cases/?scope=todo").status_code == 200


def test_filters_and_search(app, zone, auth, client, spread):
    login(auth, "committee1")

    def titles(query: str) -> list[str]:
        return sorted(
            listed_titles(client.get(f"/cases/?scope=all&{query}").get_data(as_text=True))
        )

    assert titles("status=closed") == ["甲企业已归档件"]
    assert titles("level=2") == ["甲企业二级件"]
    assert titles(f"enterprise={zone.ent_b}") == ["乙企业的待受理件"]
    assert titles("q=乙企业") == ["乙企业的待受理件"]
    assert titles("q=三级") == ["甲企业三级件"]
    code = load(app, spread["c_queue"]).code
    assert titles(f"q={code}") == ["丙企业无人包保件"]
    assert len(titles(f"category={category_id(app, 'land')}")) == 6
    assert titles(f"category={category_id(app, 'labor')}") == []
    # Nonsense filter values are ignored, not errors.
    assert len(titles("status=bogus&level=9&category=abc")) == 6


def test_category_filter(app, zone, auth, client):
    with app.app_context():
        labor = db.session.scalar(sa.select(Category).where(Category.code == "labor"))
        make_case(zone.ent_a, zone.officer1, title="招工难", category=labor)
        make_case(zone.ent_a, zone.officer1, title="用地难")
        labor_id = labor.id
    login(auth, "officer1")
    page = client.get(f"/cases/?scope=all&category={labor_id}").get_data(as_text=True)
    assert listed_titles(page) == ["招工难"]


def test_pagination(app, zone, auth, client):
    app.config["ITEMS_PER_PAGE"] = 2
    for n in range(5):
        new_case(app, zone.ent_a, zone.officer1, title=f"第{n}件")
    login(auth, "officer1")
    first = client.get("/cases/?scope=all").get_data(as_text=True)
    assert listed_titles(first) == ["第4件", "第3件"]
    assert "共 5 条" in first
    assert listed_titles(client.get("/cases/?scope=all&page=3").get_data(as_text=True)) == ["第0件"]
    beyond = client.get("/cases/?scope=all&page=99")
    assert beyond.status_code == 200
    assert listed_titles(beyond.get_data(as_text=True)) == []


def test_list_queries_do_not_grow_with_rows(app, zone, auth, client):
    login(auth, "committee1")
    new_case(app, zone.ent_a, zone.officer1)
    new_case(app, zone.ent_b, zone.officer2)
    with counting_queries(app) as few:
        client.get("/cases/?scope=all")
    for _ in range(6):
        new_case(app, zone.ent_a, zone.officer1)
        new_case(app, zone.ent_c, zone.committee)
    with counting_queries(app) as many:
        page = client.get("/cases/?scope=all").get_data(as_text=True)
    assert len(listed_titles(page)) == 14
    assert len(many) == len(few)


def test_list_shows_columns_and_reopened_badge(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.officer1, title="重办的件")
    act_as(app, case_id, zone.officer1, Action.RESOLVE, note="已办", resolution_type="solved")
    act_as(app, case_id, zone.user_a, Action.RATE, solved=False, satisfaction="dissatisfied")
    login(auth, "officer1")
    page = client.get("/cases/").get_data(as_text=True)
    row = page[page.index("重办的件") : page.index("</tr>", page.index("重办的件"))]
    assert ">重办<" in row
    assert "办理中" in row
    assert "甲企业" in row
    assert "干部一" in row
    assert load(app, case_id).code in row


# -- logging a request ------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "target", "status"),
    [
        ("officer1", "ent_a", 200),
        ("officer1", "ent_b", 404),
        ("officer1", "ent_c", 404),
        ("leader1", "ent_a", 200),
        ("leader1", "ent_b", 404),
        ("committee1", "ent_c", 200),
        ("admin", "ent_a", 403),  # sees the enterprise, but logging requests is not his
        ("dept1", "ent_a", 404),  # a department sees no enterprise through the registry
        ("ent_a", "ent_a", 403),  # enterprises submit on their own pages
    ],
)
def test_new_case_permissions(app, zone, auth, client, username, target, status):
    login(auth, username)
    url = f"/enterprises/{getattr(zone, target)}/cases/new"
    assert client.get(url).status_code == status
    # A form the page accepts but with bad input: 400, not saved.
    assert client.post(url, data={"title": "x"}).status_code == (400 if status == 200 else status)
    assert case_count(app) == 0


def test_new_case_refused_for_inactive_enterprise(app, zone, auth, client):
    with app.app_context():
        enterprise = db.session.get(Enterprise, zone.ent_c)
        enterprise.is_active = False
        db.session.commit()
    login(auth, "committee1")
    assert client.get(f"/enterprises/{zone.ent_c}/cases/new").status_code == 403


def good_form(app, **changes) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "title": "申请增加变压器容量",
        "description": "二期投产后用电负荷不足，需增容至 2000 kVA。",
        "category": str(category_id(app, "infrastructure")),
        "channel": "phone",
        "urgency": "urgent",
        "project_id": "",
    }
    data.update(changes)
    return data


def test_new_case_form_shows_choices(app, zone, auth, client):
    with app.app_context():
        db.session.get(Category, category_id(app, "market")).is_active = False
        db.session.commit()
    login(auth, "officer1")
    page = client.get(f"/enterprises/{zone.ent_a}/cases/new").get_data(as_text=True)
    assert "用地" in page
    assert "市场开拓" not in page  # inactive categories are not offered
    assert '<option selected value="onsite">上门走访</option>' in page
    assert "一般" in page and "紧急" in page and "特急" in page


def test_new_case_logged_by_officer(app, zone, auth, client):
    login(auth, "officer1")
    response = client.post(f"/enterprises/{zone.ent_a}/cases/new", data=good_form(app))
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        assert response.headers["Location"].endswith(f"/cases/{case.id}")
        assert case.first_owner_id == zone.officer1
        assert case.handler_id == zone.officer1
        assert case.created_by_id == zone.officer1
        assert case.urgency.value == "urgent"
        assert case.channel.value == "phone"
        assert case.category.code == "infrastructure"
        code = case.code
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"已登记诉求，编号 {code}" in page
    assert "申请增加变压器容量" in page


def test_new_case_with_a_project(app, zone, auth, client):
    with app.app_context():
        enterprise = db.session.get(Enterprise, zone.ent_a)
        project = enterprise_services.create_project(
            enterprise, name="二期扩建", investment=5000, stage=ProjectStage.SIGNED, actor=None
        )
        other = enterprise_services.create_project(
            db.session.get(Enterprise, zone.ent_b),
            name="乙企业项目",
            investment=1,
            stage=ProjectStage.SIGNED,
            actor=None,
        )
        db.session.commit()
        project_id, other_id = project.id, other.id
    login(auth, "officer1")
    url = f"/enterprises/{zone.ent_a}/cases/new"
    assert "二期扩建" in client.get(url).get_data(as_text=True)
    refused = client.post(url, data=good_form(app, project_id=str(other_id)))
    assert refused.status_code == 400
    assert field_errors(refused.get_data(as_text=True), "project_id") == ["所选项目不属于该企业"]
    assert case_count(app) == 0
    assert client.post(url, data=good_form(app, project_id=str(project_id))).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Case.project_id)) == project_id


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "请填写标题"),
        ({"title": "   "}, "title", "请填写标题"),
        ({"title": "长" * 101}, "title", "标题不能超过100字"),
        ({"description": ""}, "description", "请填写诉求内容"),
        ({"category": ""}, "category", "请选择诉求类别"),
        ({"category": "999999"}, "category", "请选择有效的诉求类别"),
        ({"category": "abc"}, "category", "请选择有效的诉求类别"),
        ({"channel": "carrier_pigeon"}, "channel", "请选择有效的来源渠道"),
        ({"project_id": "999999"}, "project_id", "所选项目不属于该企业"),
    ],
)
def test_new_case_bad_input(app, zone, auth, client, changes, field, message):
    login(auth, "officer1")
    data = good_form(app, **changes)
    response = client.post(f"/enterprises/{zone.ent_a}/cases/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_errors(page, field)
    assert case_count(app) == 0
    # What was typed is still there.
    if changes.get("title", "x").strip():
        assert data["description"] in page


def test_new_case_inactive_category_refused(app, zone, auth, client):
    with app.app_context():
        db.session.get(Category, category_id(app, "market")).is_active = False
        db.session.commit()
    login(auth, "officer1")
    response = client.post(
        f"/enterprises/{zone.ent_a}/cases/new",
        data=good_form(app, category=str(category_id(app, "market"))),
    )
    assert response.status_code == 400
    assert "请选择有效的诉求类别" in field_errors(response.get_data(as_text=True), "category")
    assert case_count(app) == 0


def test_new_case_huge_title_is_refused_in_chinese(app, zone, auth, client):
    login(auth, "officer1")
    response = client.post(
        f"/enterprises/{zone.ent_a}/cases/new", data=good_form(app, title="长" * 1_000_000)
    )
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), "title") == ["标题不能超过100字"]
    assert case_count(app) == 0


def test_enterprise_page_lists_cases_and_offers_logging(app, zone, auth, client):
    new_case(app, zone.ent_a, zone.user_a, title="甲企业的诉求")
    new_case(app, zone.ent_b, zone.user_b, title="乙企业的诉求")
    login(auth, "officer1")
    page = client.get(f"/enterprises/{zone.ent_a}").get_data(as_text=True)
    assert "诉求记录" in page
    assert "甲企业的诉求" in page and "待受理" in page
    assert f"/enterprises/{zone.ent_a}/cases/new" in page
    login(auth, "admin")
    page = client.get(f"/enterprises/{zone.ent_a}").get_data(as_text=True)
    assert "甲企业的诉求" in page
    assert "登记诉求" not in page
    login(auth, "ent_a")
    page = client.get(f"/enterprises/{zone.ent_a}").get_data(as_text=True)
    assert "甲企业的诉求" in page
    assert "乙企业的诉求" not in page
    assert "/cases/new" not in page


def test_enterprise_page_shows_only_the_latest_ten(app, zone, auth, client):
    for n in range(12):
        new_case(app, zone.ent_a, zone.officer1, title=f"诉求{n:02d}")
    login(auth, "officer1")
    page = client.get(f"/enterprises/{zone.ent_a}").get_data(as_text=True)
    assert "诉求11" in page and "诉求02" in page
    assert "诉求01" not in page
    assert "查看全部" in page


# -- the case page --------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("committee1", 200),
        ("leader1", 200),
        ("leader2", 404),
        ("officer1", 200),
        ("officer2", 404),
        ("dept1", 404),
        ("ent_a", 200),
        ("ent_b", 404),
    ],
)
def test_case_page_permissions(app, zone, auth, client, username, status):
    case_id = new_case(app, zone.ent_a, zone.user_a)
    login(auth, username)
    assert client.get(f"/cases/{case_id}").status_code == status
    response = post_action(client, case_id, "note", 1, note="看一下")
    if status == 404:
        assert response.status_code == 404
        assert event_count(app, case_id) == 1


def test_case_page_needs_sign_in_and_missing_is_404(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a)
    assert client.get(f"/cases/{case_id}").status_code == 302
    assert post_action(client, case_id, "accept", 1).status_code == 302
    login(auth, "committee1")
    assert client.get("/cases/999999").status_code == 404
    assert post_action(client, 999999, "accept", 1).status_code == 404


def test_case_page_shows_the_facts(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a, title="用地指标")
    login(auth, "officer1")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    case = load(app, case_id)
    for text in (
        case.code,
        "用地指标",
        "待受理",
        "一级 · 包保责任人",
        "甲企业",
        "用地",
        "上门走访",
    ):
        assert text in page
    assert "首问责任人" in page and "干部一" in page
    assert "二期厂房用地规划许可迟迟未批" in page


@pytest.mark.parametrize(
    ("username", "offered"),
    [
        ("officer1", {"accept", "reply", "resolve", "reject", "note"}),
        ("leader1", {"note", "urge"}),  # supervises, does not handle level 1
        ("committee1", {"note", "urge"}),
        ("admin", {"note"}),
        ("ent_a", {"withdraw"}),
    ],
)
def test_panel_offers_only_available_actions(app, zone, auth, client, username, offered):
    case_id = new_case(app, zone.ent_a, zone.user_a)
    login(auth, username)
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert offered_actions(page) == offered
    if username == "officer1":
        for label in ("受理", "回复企业", "办结", "不予受理"):
            assert f">{label}</button>" in page
        assert ">评价</button>" not in page
    if username == "ent_a":
        assert ">撤回</button>" in page
        assert ">受理</button>" not in page


def test_panel_for_a_resolved_case(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a)
    act_as(app, case_id, zone.officer1, Action.RESOLVE, note="已协调", resolution_type="solved")
    login(auth, "ent_a")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert offered_actions(page) == {"rate"}
    assert "满意" in page and "基本满意" in page and "不满意" in page
    login(auth, "leader1")
    assert offered_actions(client.get(f"/cases/{case_id}").get_data(as_text=True)) == {
        "note",
        "close",
        "reopen",
    }
    login(auth, "officer1")
    assert offered_actions(client.get(f"/cases/{case_id}").get_data(as_text=True)) == {"note"}


def test_enterprise_never_sees_internal_notes_or_escalation_reasons(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a)
    act_as(app, case_id, zone.officer1, Action.ACCEPT, note="已受理，马上办")
    act_as(app, case_id, zone.officer1, Action.NOTE, note="内部：规划局态度消极")
    act_as(app, case_id, zone.officer1, Action.ESCALATE, note="升级理由：需领导出面")
    act_as(app, case_id, zone.leader1, Action.REPLY, note="已约规划局下周会商")
    login(auth, "ent_a")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "已受理，马上办" in page
    assert "已约规划局下周会商" in page
    assert "规划局态度消极" not in page
    assert "需领导出面" not in page
    assert "内部备注" not in page
    assert "提请升级" not in page
    login(auth, "leader1")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "规划局态度消极" in page
    assert "需领导出面" in page
    assert "第1级" in page and "第2级" in page


def test_enterprise_refused_action_changes_nothing(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a)
    login(auth, "ent_a")
    response = post_action(client, case_id, "accept", 1)
    assert response.status_code == 403
    assert "您不能对该案件执行“受理”" in response.get_data(as_text=True)
    assert load(app, case_id).status is CaseStatus.SUBMITTED
    assert event_count(app, case_id) == 1


def test_action_through_the_form(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a)
    login(auth, "officer1")
    response = post_action(client, case_id, "accept", 1, note="收到，今天去现场")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case_id}")
    case = load(app, case_id)
    assert case.status is CaseStatus.ACCEPTED and case.version == 2
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "已受理" in page
    assert "收到，今天去现场" in page
    assert 'name="version" value="2"' in page


def test_stale_version_is_a_conflict_and_keeps_the_text(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a)
    login(auth, "officer1")
    client.get(f"/cases/{case_id}")  # the officer loads version 1 …
    act_as(app, case_id, zone.officer1, Action.REPLY, note="电话已答复")  # … someone acts
    response = post_action(client, case_id, "reply", 1, note="我写了很长的回复")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "已对该案件执行“回复企业”" in page
    assert "alert-warning" in page
    assert "我写了很长的回复" in page  # nothing typed is lost
    assert 'name="version" value="2"' in page  # resubmitting now goes against the latest
    case = load(app, case_id)
    assert case.version == 2
    assert event_count(app, case_id) == 2


def test_bad_input_rerenders_with_the_text(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a)
    login(auth, "officer1")
    response = post_action(client, case_id, "resolve", 1, note="已协调供电公司增容")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "请选择办结类型" in page
    assert "已协调供电公司增容" in page
    assert load(app, case_id).status is CaseStatus.SUBMITTED
    assert event_count(app, case_id) == 1

    response = post_action(client, case_id, "reject", 1, note="")
    assert response.status_code == 400
    assert "请填写说明" in field_errors(response.get_data(as_text=True), "reject-note")

    response = post_action(client, case_id, "reply", 1, note="长" * 5001)
    assert response.status_code == 400
    assert "说明不能超过5000字" in field_errors(response.get_data(as_text=True), "reply-note")
    assert event_count(app, case_id) == 1


def test_invalid_action_codes(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a)
    login(auth, "officer1")
    assert post_action(client, case_id, "explode", 1).status_code == 400
    assert post_action(client, case_id, "submit", 1).status_code == 400
    response = client.post(f"/cases/{case_id}/actions", data={"action": "accept"})
    assert response.status_code == 400  # no version
    # Not possible in this status at all: a conflict with the state, not a permission.
    assert post_action(client, case_id, "rate", 1, satisfaction="satisfied").status_code == 409
    assert event_count(app, case_id) == 1


def test_transition_no_longer_possible_is_a_conflict(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a)
    act_as(app, case_id, zone.user_a, Action.WITHDRAW)
    login(auth, "officer1")
    response = post_action(client, case_id, "accept", 2, note="我来办")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "不能执行“受理”" in page
    assert "我来办" in page  # shown as unsaved text to copy


def test_upload_flag_follows_the_status(app, zone, auth, client):
    """The attachments partial gets can_upload; it is false once a case has ended."""
    from flask import template_rendered

    seen: list[dict] = []

    def record(sender, template, context, **extra):  # type: ignore[no-untyped-def]
        if template.name == "cases/detail.html":
            seen.append(context)

    open_id = new_case(app, zone.ent_a, zone.user_a)
    ended_id = new_case(app, zone.ent_a, zone.user_a)
    act_as(app, ended_id, zone.user_a, Action.WITHDRAW)
    login(auth, "officer1")
    template_rendered.connect(record, app)
    try:
        client.get(f"/cases/{open_id}")
        client.get(f"/cases/{ended_id}")
    finally:
        template_rendered.disconnect(record, app)
    assert [c["can_upload"] for c in seen] == [True, False]
