"""Weekly checklist pages: the officer's week (progress, own items, submission), the
leader's side-by-side view, review and reminders, and who may see what."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.checklists import services
from hgq.checklists.models import ChecklistItem, ItemKind, Outcome, WeeklyChecklist
from hgq.checklists.weeks import Week
from hgq.extensions import db
from hgq.notifications.models import Notification
from hgq.timeutil import local_today
from tests import factories
from tests.querycount import counting_queries


def _week() -> str:
    return str(Week.of(local_today()))


def _checklist(app, user_id: int) -> WeeklyChecklist:  # type: ignore[no-untyped-def]
    with app.app_context():
        checklist = db.session.scalar(
            sa.select(WeeklyChecklist).where(WeeklyChecklist.user_id == user_id)
        )
        db.session.expunge_all()
        return checklist


def _items(app, user_id: int) -> list[tuple[int, str, str, bool]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                ChecklistItem.id, ChecklistItem.kind, ChecklistItem.progress, ChecklistItem.done
            )
            .join(WeeklyChecklist)
            .where(WeeklyChecklist.user_id == user_id)
            .order_by(ChecklistItem.position)
        )
        return [(r.id, r.kind, r.progress, r.done) for r in rows]


def test_an_officer_lands_on_his_week_with_cases_and_contacts(app, zone, auth, client):
    with app.app_context():
        factories.make_case(zone.ent_a, zone.officer1, title="厂房用地手续办理")
    auth.login("officer1")
    response = client.get("/checklists/")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/checklists/{_week()}"
    )
    html = client.get(f"/checklists/{_week()}").get_data(as_text=True)
    assert "每周清单" in html
    assert "厂房用地手续办理" in html and "诉求办理" in html
    assert "联络甲企业" in html and "定期联络" in html
    assert "保存并提交本周清单" in html and "添加自定事项" in html
    assert "每周清单" in client.get("/").get_data(as_text=True)  # in the navigation


def test_progress_is_saved_and_bad_input_keeps_what_was_typed(app, zone, auth, client):
    auth.login("officer1")
    client.get(f"/checklists/{_week()}")
    (item_id, _, _, _), *_ = _items(app, zone.officer1)
    version = _checklist(app, zone.officer1).version
    response = client.post(
        f"/checklists/{_week()}",
        data={"version": version, f"progress-{item_id}": "已电话联系", f"done-{item_id}": "1"},
    )
    assert response.status_code == 302
    assert _items(app, zone.officer1)[0][2:] == ("已电话联系", True)
    # Too long: refused, nothing saved, the text is still in the box.
    long_text = "很长的进展" * 500
    response = client.post(
        f"/checklists/{_week()}", data={"version": version + 1, f"progress-{item_id}": long_text}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "进展不能超过2000字" in html and long_text in html
    assert _items(app, zone.officer1)[0][2] == "已电话联系"
    # A stale page (the version it was loaded at) does not overwrite.
    response = client.post(
        f"/checklists/{_week()}", data={"version": version, f"progress-{item_id}": "旧页面"}
    )
    assert response.status_code == 400 and "刷新" in response.get_data(as_text=True)
    assert _items(app, zone.officer1)[0][2] == "已电话联系"


def test_own_items_and_submission_freeze_the_week(app, zone, auth, client):
    auth.login("officer1")
    client.get(f"/checklists/{_week()}")
    version = _checklist(app, zone.officer1).version
    response = client.post(f"/checklists/{_week()}/items", data={"version": version, "title": ""})
    assert response.status_code == 400 and "请填写事项" in response.get_data(as_text=True)
    response = client.post(
        f"/checklists/{_week()}/items", data={"version": version, "title": "整理走访台账"}
    )
    assert response.status_code == 302
    assert [k for _, k, _, _ in _items(app, zone.officer1)][-1] is ItemKind.OWN
    response = client.post(
        f"/checklists/{_week()}", data={"version": version + 1, "submit_week": "1"}
    )
    assert response.status_code == 302
    checklist = _checklist(app, zone.officer1)
    assert checklist.status.value == "submitted" and checklist.outcome in set(Outcome)
    html = client.get(f"/checklists/{_week()}").get_data(as_text=True)
    assert 'name="submit_week"' not in html and "添加自定事项</h2>" not in html
    response = client.post(
        f"/checklists/{_week()}/items", data={"version": checklist.version, "title": "补一项"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "已提交" in html and "补一项" in html


def test_the_leader_sees_his_officers_side_by_side_reviews_and_reminds(app, zone, auth, client):
    auth.login("officer1")
    client.get(f"/checklists/{_week()}")
    auth.logout()
    auth.login("leader1")
    assert client.get("/checklists/").headers["Location"].endswith(f"/checklists/team/{_week()}")
    html = client.get(f"/checklists/team/{_week()}").get_data(as_text=True)
    assert "干部一" in html and "干部二" not in html  # leader2's officer
    assert "已提交 <strong>0</strong> / 1" in html
    response = client.post(f"/checklists/team/{_week()}/remind")
    assert response.status_code == 302
    with app.app_context():
        note = db.session.scalar(
            sa.select(Notification).where(Notification.user_id == zone.officer1)
        )
        assert note.kind == "checklist_reminder" and note.link == f"/checklists/{_week()}"
    # He can read the officer's week but not write it; review only after submission.
    html = client.get(f"/checklists/{_week()}?user_id={zone.officer1}").get_data(as_text=True)
    assert "干部一 · 每周清单" in html and "保存并提交本周清单" not in html
    assert "提交后由包保领导点评" in html
    with app.app_context():
        officer = db.session.get(User, zone.officer1)
        checklist = services.get_checklist(officer, Week.of(local_today()))
        services.submit(checklist, officer, now=datetime.now(UTC))
        db.session.commit()
        version = checklist.version
    response = client.post(
        f"/checklists/{_week()}/review?user_id={zone.officer1}",
        data={"version": version, "comment": ""},
    )
    assert response.status_code == 400 and "请填写点评意见" in response.get_data(as_text=True)
    response = client.post(
        f"/checklists/{_week()}/review?user_id={zone.officer1}",
        data={"version": version, "comment": "联络及时，继续保持。"},
    )
    assert response.status_code == 302
    assert _checklist(app, zone.officer1).review_comment == "联络及时，继续保持。"
    html = client.get(f"/checklists/team/{_week()}").get_data(as_text=True)
    assert "已点评" in html and "提醒未提交" not in html


def test_who_may_see_a_checklist(app, zone, auth, client):
    week = _week()
    auth.login("leader2")
    assert client.get(f"/checklists/{week}?user_id={zone.officer1}").status_code == 404
    assert client.get(f"/checklists/{week}?user_id=abc").status_code == 404
    assert client.get(f"/checklists/{week}?user_id=²").status_code == 404
    auth.logout()
    auth.login("officer2")
    assert client.get(f"/checklists/{week}?user_id={zone.officer1}").status_code == 404
    assert client.get(f"/checklists/team/{week}").status_code == 403
    assert client.post(f"/checklists/{week}/review?user_id={zone.officer2}").status_code == 403
    auth.logout()
    auth.login("ent_a")
    assert client.get(f"/checklists/{week}").status_code == 403
    auth.logout()
    auth.login("committee1")
    html = client.get(f"/checklists/team/{week}").get_data(as_text=True)
    assert "干部一" in html and "干部二" in html
    assert client.get(f"/checklists/{week}?user_id={zone.officer2}").status_code == 200


def test_weeks_out_of_range_are_not_found(app, zone, auth, client):
    auth.login("officer1")
    next_week = str(Week.of(local_today()).shift(1))
    for path in [f"/checklists/{next_week}", "/checklists/2026-W99", "/checklists/nonsense"]:
        assert client.get(path).status_code == 404, path
    # A week long gone shows that nothing was recorded, and makes nothing.
    html = client.get("/checklists/2026-W10").get_data(as_text=True)
    assert re.search("该周(没有清单记录|清单未提交)", html)
    assert _checklist(app, zone.officer1) is None


def _page_queries(app, client, path: str) -> int:  # type: ignore[no-untyped-def]
    client.get(path)  # the first view makes and syncs the checklist
    with counting_queries(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_the_week_and_team_pages_run_a_bounded_number_of_queries(app, zone, auth, client):
    with app.app_context():
        factories.make_case(zone.ent_a, zone.officer1, title="第1件")
    auth.login("officer1")
    small = _page_queries(app, client, f"/checklists/{_week()}")
    with app.app_context():
        for n in range(2, 12):
            factories.make_case(zone.ent_a, zone.officer1, title=f"第{n}件")
    assert _page_queries(app, client, f"/checklists/{_week()}") == small, small
    auth.logout()
    auth.login("leader1")
    team_small = _page_queries(app, client, f"/checklists/team/{_week()}")
    with app.app_context():
        for n in range(12, 20):
            factories.make_case(zone.ent_a, zone.officer1, title=f"第{n}件")
    client.get(f"/checklists/{_week()}?user_id={zone.officer1}")  # brings his week in step
    assert _page_queries(app, client, f"/checklists/team/{_week()}") == team_small
