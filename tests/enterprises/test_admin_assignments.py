"""Admin pages for assignments (联点包保): list, assign, reassign, end, refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hgq.accounts.models import Role
from hgq.enterprises.models import Assignment, Enterprise
from hgq.extensions import db
from hgq.timeutil import local_today
from tests import factories
from tests.enterprises.test_admin_enterprises import field_error

ZONE_START = date(2026, 1, 5)  # build_zone's assignments start here


def today(app) -> date:
    with app.app_context():
        return local_today()


def assignments_of(app, enterprise_id: int) -> list[tuple[int, int, date, date | None]]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Assignment).filter_by(enterprise_id=enterprise_id).order_by(Assignment.id)
        )
        return [(a.officer_id, a.leader_id, a.start_date, a.end_date) for a in rows]


def current_id(app, enterprise_id: int) -> int:
    with app.app_context():
        return db.session.get(Enterprise, enterprise_id).current_assignment.id


# -- list -----------------------------------------------------------------------
def test_list_shows_current_assignments_and_uncovered(zone, auth, client):
    auth.login("admin")
    html = client.get("/admin/assignments").get_data(as_text=True)
    assert "甲企业" in html and "干部一" in html and "领导一" in html
    assert "2026-01-05" in html
    assert f'href="/admin/enterprises/{zone.ent_a}/assign">调整/结束' in html
    assert "未安排包保的企业（1 家）" in html
    assert f'href="/admin/enterprises/{zone.ent_c}/assign"><i class="bi bi-person-plus' in html


def test_list_without_breach_has_no_uncovered_card(app, zone, auth, client):
    with app.app_context():
        db.session.get(Enterprise, zone.ent_c).is_active = False
        db.session.commit()
    auth.login("admin")
    assert "未安排包保的企业" not in client.get("/admin/assignments").get_data(as_text=True)


def test_list_search_and_filters(zone, auth, client):
    auth.login("admin")

    def rows(query: str) -> set[str]:
        html = client.get(f"/admin/assignments?{query}").get_data(as_text=True)
        table = html.split("<tbody>", 1)[1]
        return {n for n in ("甲企业", "乙企业") if n in table}

    assert rows("") == {"甲企业", "乙企业"}
    assert rows("q=乙") == {"乙企业"}
    assert rows("q=干部一") == {"甲企业"}
    assert rows("q=领导二") == {"乙企业"}
    assert rows(f"officer_id={zone.officer2}") == {"乙企业"}
    assert rows(f"leader_id={zone.leader1}") == {"甲企业"}
    assert rows(f"officer_id={zone.officer1}&leader_id={zone.leader2}") == set()


def test_list_paginates(app, zone, auth, client):
    app.config["ITEMS_PER_PAGE"] = 1
    auth.login("admin")
    first = client.get("/admin/assignments").get_data(as_text=True)
    second = client.get("/admin/assignments?page=2").get_data(as_text=True)
    assert "共 2 条，第 1/2 页" in first
    for name in ("甲企业", "乙企业"):
        assert (name in first.split("<tbody>")[1]) != (name in second.split("<tbody>")[1])


# -- assign and reassign --------------------------------------------------------
def test_assign_page_defaults(app, zone, auth, client):
    auth.login("admin")
    html = client.get(f"/admin/enterprises/{zone.ent_c}/assign").get_data(as_text=True)
    assert "安排包保" in html and "尚无包保记录" in html
    assert f'name="start_date" required type="date" value="{today(app):%Y-%m-%d}"' in html
    assert "干部一（officer1）" in html and "领导二（leader2）" in html
    assert "管理员（admin）" not in html  # only officers and leaders are offered
    html = client.get(f"/admin/enterprises/{zone.ent_a}/assign").get_data(as_text=True)
    assert f'selected value="{zone.officer1}"' in html
    assert "结束包保" in html and "现任" in html


def test_assign_uncovered_enterprise(app, zone, auth, client):
    auth.login("admin")
    data = {
        "officer_id": zone.officer1,
        "leader_id": zone.leader2,
        "start_date": f"{today(app):%Y-%m-%d}",
        "note": "新落户",
    }
    response = client.post(f"/admin/enterprises/{zone.ent_c}/assign", data=data)
    assert response.status_code == 302
    assert assignments_of(app, zone.ent_c) == [(zone.officer1, zone.leader2, today(app), None)]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已为“丙企业”安排包保" in html
    assert "未安排包保的企业" not in client.get("/admin/assignments").get_data(as_text=True)
    auth.logout()
    auth.login("officer1")
    assert client.get(f"/enterprises/{zone.ent_c}").status_code == 200


def test_reassign_keeps_history(app, zone, auth, client):
    auth.login("admin")
    start = today(app)
    data = {"officer_id": zone.officer2, "leader_id": zone.leader1, "start_date": f"{start}"}
    response = client.post(f"/admin/enterprises/{zone.ent_a}/assign", data=data)
    assert response.status_code == 302
    assert assignments_of(app, zone.ent_a) == [
        (zone.officer1, zone.leader1, ZONE_START, start),
        (zone.officer2, zone.leader1, start, None),
    ]
    assert "原包保关系已转入历史" in client.get(response.headers["Location"]).get_data(as_text=True)

    page = client.get(f"/enterprises/{zone.ent_a}").get_data(as_text=True)
    history = page.split("包保历史", 1)[1]
    assert "干部一" in history and "干部二" in history
    assert f"{start:%Y-%m-%d}" in history and "现任" in history

    auth.logout()
    auth.login("officer1")
    assert client.get(f"/enterprises/{zone.ent_a}").status_code == 404
    auth.logout()
    auth.login("officer2")
    assert client.get(f"/enterprises/{zone.ent_a}").status_code == 200


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("same_person", "leader_id", "包保责任人和包保领导不能是同一人"),
        ("officer_without_role", "officer_id", "没有“包保责任人”角色"),
        ("leader_without_role", "leader_id", "没有“包保领导”角色"),
        ("before_current", "start_date", "开始日期不能早于现任包保的开始日期（2026-01-05）"),
        ("future", "start_date", "开始日期不能晚于今天"),
        ("unchanged", None, "包保责任人和包保领导均未变化"),
        ("no_officer", "officer_id", "请选择包保责任人"),
        ("no_leader", "leader_id", "请选择包保领导"),
        ("bad_date", "start_date", "不是有效的日期值"),
        ("unknown_officer", "officer_id", "所选包保责任人不存在或已停用"),
    ],
)
def test_assign_refusals(app, zone, auth, client, case, field, message):
    with app.app_context():
        both = factories.make_user("both", Role.OFFICER, Role.LEADER, name="双角色").id
    data = {
        "officer_id": zone.officer2,
        "leader_id": zone.leader2,
        "start_date": f"{today(app)}",
    }
    data.update(
        {
            "same_person": {"officer_id": both, "leader_id": both},
            "officer_without_role": {"officer_id": zone.leader1},
            "leader_without_role": {"leader_id": zone.officer1},
            "before_current": {"start_date": "2025-12-31"},
            "future": {"start_date": f"{today(app) + timedelta(days=1)}"},
            "unchanged": {"officer_id": zone.officer1, "leader_id": zone.leader1},
            "no_officer": {"officer_id": ""},
            "no_leader": {"leader_id": ""},
            "bad_date": {"start_date": "2026-13-40"},
            "unknown_officer": {"officer_id": 999},
        }[case]
    )
    before = assignments_of(app, zone.ent_a)
    auth.login("admin")
    response = client.post(f"/admin/enterprises/{zone.ent_a}/assign", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if field is None:
        assert '<div class="alert alert-danger"' in html and message in html
    else:
        assert field_error(html, field, message), html
    assert assignments_of(app, zone.ent_a) == before


def test_assigning_an_inactive_enterprise_is_refused(app, zone, auth, client):
    with app.app_context():
        db.session.get(Enterprise, zone.ent_c).is_active = False
        db.session.commit()
    auth.login("admin")
    data = {"officer_id": zone.officer1, "leader_id": zone.leader1, "start_date": f"{today(app)}"}
    response = client.post(f"/admin/enterprises/{zone.ent_c}/assign", data=data)
    assert response.status_code == 200
    assert "该企业已停用，不能安排包保" in response.get_data(as_text=True)
    assert assignments_of(app, zone.ent_c) == []


# -- end ------------------------------------------------------------------------
def test_end_assignment_uncovers_the_enterprise(app, zone, auth, client):
    auth.login("admin")
    assignment_id = current_id(app, zone.ent_a)
    end = today(app)
    response = client.post(
        f"/admin/assignments/{assignment_id}/end", data={"end_date": f"{end}", "confirm": "y"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/enterprises/{zone.ent_a}/assign"
    assert assignments_of(app, zone.ent_a) == [(zone.officer1, zone.leader1, ZONE_START, end)]
    html = client.get("/admin/assignments").get_data(as_text=True)
    assert "未安排包保的企业（2 家）" in html
    page = client.get(f"/enterprises/{zone.ent_a}").get_data(as_text=True)
    assert "未安排包保" in page
    auth.logout()
    auth.login("officer1")
    assert client.get(f"/enterprises/{zone.ent_a}").status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"end_date": "2026-01-05"}, "confirm", "请勾选确认后再结束包保"),
        ({"end_date": "", "confirm": "y"}, "end_date", "请选择结束日期"),
        ({"end_date": "2025-12-01", "confirm": "y"}, "end_date", "结束日期不能早于开始日期"),
        ({"end_date": "2099-01-01", "confirm": "y"}, "end_date", "结束日期不能晚于今天"),
    ],
)
def test_end_assignment_refusals(app, zone, auth, client, data, field, message):
    auth.login("admin")
    response = client.post(f"/admin/assignments/{current_id(app, zone.ent_a)}/end", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field_error(html, field, message), html
    assert "现任包保" in html  # the assign page, re-rendered
    assert assignments_of(app, zone.ent_a)[-1][3] is None


def test_ending_an_ended_assignment_is_refused(app, zone, auth, client):
    auth.login("admin")
    assignment_id = current_id(app, zone.ent_a)
    data = {"end_date": f"{today(app)}", "confirm": "y"}
    assert client.post(f"/admin/assignments/{assignment_id}/end", data=data).status_code == 302
    response = client.post(f"/admin/assignments/{assignment_id}/end", data=data)
    assert response.status_code == 200
    assert "该包保关系已经结束" in response.get_data(as_text=True)


def test_ending_an_unknown_assignment_answers_404(zone, auth, client):
    auth.login("admin")
    response = client.post("/admin/assignments/999/end", data={"confirm": "y"})
    assert response.status_code == 404


def test_end_is_post_only(zone, auth, client):
    auth.login("admin")
    assert client.get("/admin/assignments/1/end").status_code == 405
