"""顶岗 (covers): services and admin pages. What a cover permits: test_cover_access.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hgq.accounts.models import Role, User
from hgq.audit.models import AuditRecord
from hgq.enterprises.cover_services import create_cover, end_cover
from hgq.enterprises.models import Cover
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.timeutil import local_today
from tests import factories
from tests.enterprises.test_admin_enterprises import field_error

DAY = timedelta(days=1)


def today(app) -> date:  # type: ignore[no-untyped-def]
    with app.app_context():
        return local_today()


def make_cover(app, officer_id: int, colleague_id: int, start: date, end: date) -> int:  # type: ignore[no-untyped-def]
    """A cover stored as is (past ones too, which the service would not accept)."""
    with app.app_context():
        cover = Cover(
            officer_id=officer_id, colleague_id=colleague_id, start_date=start, end_date=end
        )
        db.session.add(cover)
        db.session.commit()
        return cover.id


def covers_of(app) -> list[tuple[int, int, date, date, str]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.scalars(sa.select(Cover).order_by(Cover.id))
        return [(c.officer_id, c.colleague_id, c.start_date, c.end_date, c.note) for c in rows]


def audits(app, action: str) -> list[AuditRecord]:  # type: ignore[no-untyped-def]
    with app.app_context():
        stmt = sa.select(AuditRecord).where(AuditRecord.action == action)
        return list(db.session.scalars(stmt))


# -- services -------------------------------------------------------------------
def test_create_and_end_are_audited(app, zone):
    with app.app_context():
        admin, o1, o2 = (
            db.session.get(User, i) for i in (zone.admin, zone.officer1, zone.officer2)
        )
        now = local_today()
        cover = create_cover(o2, o1, now, now + 9 * DAY, "  产假 ", admin)
        db.session.commit()
        assert (cover.note, cover.created_by_id) == ("产假", zone.admin)
        end_cover(cover, now + 2 * DAY, admin)
        db.session.commit()
        cover_id = cover.id
    (created,) = audits(app, "cover.create")
    assert (created.actor_id, created.target_type, created.target_id) == (
        zone.admin,
        "cover",
        str(cover_id),
    )
    assert (
        created.after["end_date"] == f"{today(app) + 9 * DAY}" and created.after["note"] == "产假"
    )
    (ended,) = audits(app, "cover.end")
    assert ended.before["end_date"] == f"{today(app) + 9 * DAY}"
    assert ended.after["end_date"] == f"{today(app) + 2 * DAY}"


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("officer_is_leader", "officer_id", "领导一没有“包保责任人”角色"),
        ("colleague_missing", "colleague_id", "所选被顶岗的责任人不存在或已停用"),
        ("officer_inactive", "officer_id", "所选顶岗人不存在或已停用"),
        ("same_person", "colleague_id", "顶岗人和被顶岗的责任人不能是同一人"),
        ("end_before_start", "end_date", "结束日期不能早于开始日期"),
        ("already_over", "end_date", "结束日期不能早于今天"),
        ("too_long", "end_date", "顶岗期限不能超过一年"),
        ("too_far_ahead", "start_date", "开始日期不能晚于一年以后"),
        ("overlap", "start_date", "干部二已安排在"),
    ],
)
def test_create_refusals(app, zone, case, field, message):
    with app.app_context():
        users = {
            name: db.session.get(User, getattr(zone, name))
            for name in ("admin", "officer1", "officer2", "leader1")
        }
        now = local_today()
        args = {
            "officer": users["officer2"],
            "colleague": users["officer1"],
            "start_date": now,
            "end_date": now + 5 * DAY,
        }
        if case == "officer_inactive":
            users["officer2"].active = False
        if case == "overlap":
            create_cover(
                users["officer2"],
                users["officer1"],
                now + 5 * DAY,
                now + 8 * DAY,
                "",
                users["admin"],
            )
        args.update(
            {
                "officer_is_leader": {"officer": users["leader1"]},
                "colleague_missing": {"colleague": None},
                "officer_inactive": {},
                "same_person": {"colleague": users["officer2"]},
                "end_before_start": {"end_date": now - DAY},
                "already_over": {"start_date": now - 5 * DAY, "end_date": now - DAY},
                "too_long": {"end_date": now + 366 * DAY},
                "too_far_ahead": {"start_date": now + 400 * DAY, "end_date": now + 401 * DAY},
                "overlap": {},
            }[case]
        )
        with pytest.raises(NotAllowed) as refused:
            create_cover(**args, note="", actor=users["admin"])
        assert refused.value.field == field and message in str(refused.value)


def test_adjacent_periods_and_other_colleagues_do_not_clash(app, zone):
    with app.app_context():
        o3 = factories.make_user("officer3", Role.OFFICER, name="干部三")
        admin, o1, o2 = (
            db.session.get(User, i) for i in (zone.admin, zone.officer1, zone.officer2)
        )
        now = local_today()
        create_cover(o2, o1, now, now + 2 * DAY, "", admin)
        create_cover(o2, o1, now + 3 * DAY, now + 4 * DAY, "", admin)  # the day after
        create_cover(o2, o3, now, now + 2 * DAY, "", admin)  # another colleague
        create_cover(o3, o1, now, now + 2 * DAY, "", admin)  # another officer
        db.session.commit()
    assert len(covers_of(app)) == 4


@pytest.mark.parametrize(
    ("start", "end", "new_end", "field", "message"),
    [
        (-3, 3, -4, "end_date", "结束日期不能早于顶岗开始日期"),
        (-3, 3, 3, "end_date", "提前结束的日期须早于原定结束日期"),
        (-3, 3, 5, "end_date", "提前结束的日期须早于原定结束日期"),
        (-5, -1, -2, None, "该顶岗安排已经结束"),
    ],
)
def test_end_refusals(app, zone, start, end, new_end, field, message):
    now = today(app)
    cover_id = make_cover(app, zone.officer2, zone.officer1, now + start * DAY, now + end * DAY)
    with app.app_context():
        cover = db.session.get(Cover, cover_id)
        with pytest.raises(NotAllowed) as refused:
            end_cover(cover, now + new_end * DAY, db.session.get(User, zone.admin))
        assert refused.value.field == field and message in str(refused.value)
    assert covers_of(app)[0][3] == now + end * DAY
    assert audits(app, "cover.end") == []


# -- admin pages ----------------------------------------------------------------
def test_list_orders_running_and_upcoming_first(app, zone, auth, client):
    now = today(app)
    make_cover(app, zone.officer1, zone.officer2, now - 20 * DAY, now - 10 * DAY)
    make_cover(app, zone.officer2, zone.officer1, now + 5 * DAY, now + 6 * DAY)
    running = make_cover(app, zone.officer2, zone.officer1, now - DAY, now + DAY)
    auth.login("admin")
    html = client.get("/admin/covers").get_data(as_text=True)
    table = html.split("<tbody>", 1)[1]
    assert table.index("进行中") < table.index("未开始") < table.index("已结束")
    assert f"{now - DAY:%Y-%m-%d} 至 {now + DAY:%Y-%m-%d}" in table
    assert f'action="/admin/covers/{running}/end"' in table
    assert table.count("提前结束</button>") == 2  # not for the past one
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/covers"' in dashboard and "顶岗安排" in dashboard


def test_list_paginates(app, zone, auth, client):
    app.config["ITEMS_PER_PAGE"] = 1
    now = today(app)
    make_cover(app, zone.officer1, zone.officer2, now, now)
    make_cover(app, zone.officer2, zone.officer1, now, now)
    auth.login("admin")
    assert "共 2 条，第 1/2 页" in client.get("/admin/covers").get_data(as_text=True)
    assert "第 2/2 页" in client.get("/admin/covers?page=2").get_data(as_text=True)


def test_create_from_the_form(app, zone, auth, client):
    auth.login("admin")
    html = client.get("/admin/covers/new").get_data(as_text=True)
    assert "干部一（officer1）" in html and "干部二（officer2）" in html
    assert "领导一" not in html  # only officers are offered
    now = today(app)
    data = {
        "officer_id": zone.officer2,
        "colleague_id": zone.officer1,
        "start_date": f"{now}",
        "end_date": f"{now + 6 * DAY}",
        "note": "年休假",
    }
    response = client.post("/admin/covers/new", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/covers"
    assert covers_of(app) == [(zone.officer2, zone.officer1, now, now + 6 * DAY, "年休假")]
    html = client.get("/admin/covers").get_data(as_text=True)
    assert "已安排干部二为干部一顶岗" in html and "年休假" in html and "管理员" in html
    assert len(audits(app, "cover.create")) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"colleague_id": ""}, "colleague_id", "请选择被顶岗的责任人"),
        ({"colleague_id": "officer2"}, "colleague_id", "顶岗人和被顶岗的责任人不能是同一人"),
        ({"officer_id": "leader1"}, "officer_id", "领导一没有“包保责任人”角色"),
        ({"end_date": "2026-13-40"}, "end_date", "不是有效的日期值"),
        ({"end_date": "yesterday"}, "end_date", "结束日期不能早于开始日期"),
        ({"note": "假" * 201}, "note", "事由不能超过200个字"),
    ],
)
def test_bad_input_rerenders_and_saves_nothing(app, zone, auth, client, changes, field, message):
    now = today(app)
    data = {
        "officer_id": zone.officer2,
        "colleague_id": zone.officer1,
        "start_date": f"{now}",
        "end_date": f"{now + DAY}",
        "note": "",
    }
    named = {"officer2": zone.officer2, "leader1": zone.leader1, "yesterday": f"{now - DAY}"}
    data.update({k: named.get(v, v) for k, v in changes.items()})
    auth.login("admin")
    response = client.post("/admin/covers/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, field, message), html
    assert covers_of(app) == [] and audits(app, "cover.create") == []


def test_end_early_from_the_list(app, zone, auth, client):
    now = today(app)
    cover_id = make_cover(app, zone.officer2, zone.officer1, now - 2 * DAY, now + 5 * DAY)
    auth.login("admin")
    response = client.post(
        f"/admin/covers/{cover_id}/end", data={f"c{cover_id}-end_date": f"{now}"}
    )
    assert response.status_code == 302
    assert covers_of(app)[0][3] == now
    assert f"干部二为干部一的顶岗已改为{now:%Y-%m-%d}结束" in client.get("/admin/covers").get_data(
        as_text=True
    )
    assert len(audits(app, "cover.end")) == 1


@pytest.mark.parametrize(
    ("end", "message"),
    [
        ("", "请选择结束日期"),
        ("before", "结束日期不能早于顶岗开始日期"),
        ("later", "提前结束的日期须早于原定结束日期"),
    ],
)
def test_end_early_refusals_rerender_the_list(app, zone, auth, client, end, message):
    now = today(app)
    cover_id = make_cover(app, zone.officer2, zone.officer1, now - 2 * DAY, now + 5 * DAY)
    value = {"before": f"{now - 3 * DAY}", "later": f"{now + 9 * DAY}"}.get(end, end)
    auth.login("admin")
    response = client.post(f"/admin/covers/{cover_id}/end", data={f"c{cover_id}-end_date": value})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "未能提前结束干部二为干部一的顶岗" in html
    assert field_error(html, f"c{cover_id}-end_date", message), html
    assert covers_of(app)[0][3] == now + 5 * DAY


def test_an_upcoming_cover_can_be_cancelled_a_running_one_cannot(app, zone, auth, client):
    now = today(app)
    upcoming = make_cover(app, zone.officer2, zone.officer1, now + 2 * DAY, now + 5 * DAY)
    running = make_cover(app, zone.officer1, zone.officer2, now, now + 5 * DAY)
    auth.login("admin")
    html = client.get("/admin/covers").get_data(as_text=True)
    assert (
        f"/admin/covers/{upcoming}/cancel" in html and f"/admin/covers/{running}/cancel" not in html
    )
    response = client.post(f"/admin/covers/{running}/cancel")
    assert response.status_code == 302
    assert "只能提前结束，不能取消" in client.get("/admin/covers").get_data(as_text=True)
    assert client.post(f"/admin/covers/{upcoming}/cancel").status_code == 302
    assert [c[:2] for c in covers_of(app)] == [(zone.officer1, zone.officer2)]
    (record,) = audits(app, "cover.cancel")
    assert record.target_id == str(upcoming) and record.before["colleague_id"] == zone.officer1
    assert client.post("/admin/covers/999/cancel").status_code == 404


def test_end_unknown_and_get(zone, auth, client):
    auth.login("admin")
    assert client.post("/admin/covers/999/end", data={}).status_code == 404
    assert client.get("/admin/covers/1/end").status_code == 405


@pytest.mark.parametrize("username", ["officer1", "leader1", "committee1"])
def test_non_admins_get_403(app, zone, auth, client, username):
    now = today(app)
    cover_id = make_cover(app, zone.officer2, zone.officer1, now, now + DAY)
    auth.login(username)
    assert client.get("/admin/covers").status_code == 403
    assert client.get("/admin/covers/new").status_code == 403
    data = {
        "officer_id": zone.officer1,
        "colleague_id": zone.officer2,
        "start_date": f"{now}",
        "end_date": f"{now}",
    }
    assert client.post("/admin/covers/new", data=data).status_code == 403
    assert (
        client.post(
            f"/admin/covers/{cover_id}/end", data={f"c{cover_id}-end_date": f"{now}"}
        ).status_code
        == 403
    )
    assert len(covers_of(app)) == 1 and covers_of(app)[0][3] == now + DAY
