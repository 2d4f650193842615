"""Deadlines on the pages: traffic-light badges, 督办/挂起/期限暂定 and the due time on
the case lists, the light and 督办 filters, the case page's 办理期限 card with its
history, what the enterprise does not see, and the leaders' and committee's counts."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.cases.models import Case
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.db import utcnow
from hgq.extensions import db
from tests.factories import make_case

H = timedelta(hours=1)


# -- helpers --------------------------------------------------------------------
def login(auth, username: str) -> None:  # type: ignore[no-untyped-def]
    auth.logout()
    assert auth.login(username).status_code == 302, username


def act_as(app, case_id: int, user_id: int, action: Action, **kw) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        case = db.session.get(Case, case_id)
        perform_action(
            case, action, db.session.get(User, user_id), expected_version=case.version, **kw
        )
        db.session.commit()


def new_case(app, enterprise_id, creator_id, title, due=None, soon=None, **columns):  # type: ignore[no-untyped-def]
    """A case whose due times (relative to now, in hours) are written directly."""
    with app.app_context():
        case = make_case(enterprise_id, creator_id, title=title)
        now = utcnow()
        if due is not None:
            case.due_at = now + due * H
            case.due_soon_at = None if soon is None else now + soon * H
        for name, value in columns.items():
            setattr(case, name, value)
        db.session.commit()
        return case.id


def set_due(app, case_id, due, soon=None):  # type: ignore[no-untyped-def]
    with app.app_context():
        case = db.session.get(Case, case_id)
        now = utcnow()
        case.due_at = now + due * H
        case.due_soon_at = None if soon is None else now + soon * H
        db.session.commit()


def row_of(html: str, title: str) -> str:
    """The list row (table row or list item) that holds a case title."""
    for chunk in re.split(r"<tr>|<a class=\"list-group-item", html):
        if f">{title}<" in chunk:
            return chunk
    raise AssertionError(f"{title} not listed")


def listed(html: str, *titles: str) -> set[str]:
    return {t for t in titles if f">{t}<" in html}


@contextmanager
def statements(app):  # type: ignore[no-untyped-def]
    """Collect the SQL statements run inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def lit(app, zone):
    """Four open cases of 甲企业 (red, yellow, green, green and urged), one of 乙企业
    (red), and a resolved one of 甲企业. Returns title → id."""
    ids = {
        "超期件": new_case(app, zone.ent_a, zone.officer1, "超期件", -2, -10),
        "将到期件": new_case(app, zone.ent_a, zone.officer1, "将到期件", 3, -1),
        "正常件": new_case(app, zone.ent_a, zone.officer1, "正常件", 72, 48),
        "被催件": new_case(app, zone.ent_a, zone.officer1, "被催件", 72, 48),
        "乙的超期件": new_case(app, zone.ent_b, zone.officer2, "乙的超期件", -2, -10),
        "办结件": new_case(app, zone.ent_a, zone.officer1, "办结件"),
    }
    act_as(app, ids["被催件"], zone.leader1, Action.URGE, note="请加快办理")
    set_due(app, ids["被催件"], 72, 48)
    act_as(
        app,
        ids["办结件"],
        zone.officer1,
        Action.RESOLVE,
        note="已办结",
        resolution_type="solved",
    )
    return ids


# -- lists ----------------------------------------------------------------------
def test_staff_list_shows_lights_urged_and_due_time(lit, auth, client):
    login(auth, "officer1")
    html = client.get("/cases/?scope=all").get_data(as_text=True)
    assert 'data-light="red"' in row_of(html, "超期件") and "已超期" in row_of(html, "超期件")
    assert "即将到期" in row_of(html, "将到期件")
    assert 'data-light="green"' in row_of(html, "正常件") and "正常" in row_of(html, "正常件")
    assert re.search(r"期限 \d\d-\d\d \d\d:\d\d", row_of(html, "正常件"))
    assert "data-urged" in row_of(html, "被催件") and "督办" in row_of(html, "被催件")
    assert "data-urged" not in row_of(html, "正常件")
    finished = row_of(html, "办结件")
    assert "data-light" not in finished and "期限 " not in finished


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("light=red", {"超期件"}),
        ("light=yellow", {"将到期件"}),
        ("light=green", {"正常件", "被催件"}),
        ("urged=1", {"被催件"}),
        ("light=green&urged=1", {"被催件"}),
        ("light=purple", {"超期件", "将到期件", "正常件", "被催件", "办结件"}),  # ignored
        ("urged=maybe", {"超期件", "将到期件", "正常件", "被催件", "办结件"}),  # ignored
    ],
)
def test_staff_list_filters_by_light_and_urged(lit, auth, client, query, expected):
    login(auth, "officer1")
    response = client.get(f"/cases/?scope=all&{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert listed(html, *lit) == expected


def test_filter_selects_keep_their_values_and_count(lit, auth, client):
    login(auth, "leader1")
    html = client.get("/cases/?scope=all&light=red&urged=1").get_data(as_text=True)
    assert '<option value="red" selected>' in html
    assert '<option value="1" selected>' in html
    assert re.search(r'筛选 <span class="badge[^"]*">2</span>', html)
    assert "清除筛选条件" in html


def test_enterprise_lists_show_light_and_due_but_not_urged(lit, auth, client):
    login(auth, "ent_a")
    for page in ("/my/cases", "/"):
        html = client.get(page).get_data(as_text=True)
        assert "已超期" in html, page
        assert re.search(r"期限 \d\d-\d\d \d\d:\d\d", html), page
        assert "督办" not in html and "data-urged" not in html, page


def test_enterprise_page_case_record_has_badges(lit, zone, auth, client):
    login(auth, "leader1")
    html = client.get(f"/enterprises/{zone.ent_a}").get_data(as_text=True)
    assert "已超期" in row_of(html, "超期件")
    assert "data-urged" in row_of(html, "被催件")


def test_paused_and_provisional_badges(app, zone, auth, client):
    paused = new_case(app, zone.ent_a, zone.officer1, "挂起件")
    act_as(app, paused, zone.officer1, Action.ACCEPT)
    act_as(app, paused, zone.officer1, Action.PAUSE, note="等待企业补充材料")
    new_case(app, zone.ent_a, zone.officer1, "暂定件", 72, 48, deadline_provisional=True)
    login(auth, "officer1")
    html = client.get("/cases/?scope=all").get_data(as_text=True)
    row = row_of(html, "挂起件")
    assert "已挂起" in row and "data-light" not in row  # no clock, no light
    row = row_of(html, "暂定件")
    assert "期限暂定" in row and "工作日历尚未录入该年度" in row


# -- the case page --------------------------------------------------------------
def test_case_page_card_and_history_for_staff(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.officer1, "延期件")
    act_as(app, case_id, zone.officer1, Action.ACCEPT)
    act_as(
        app, case_id, zone.officer1, Action.REQUEST_EXTENSION, note="需要现场勘查", working_days=3
    )
    act_as(app, case_id, zone.leader1, Action.URGE, note="请加快")
    login(auth, "leader1")
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "办理期限" in html and "当前期限" in html
    assert "按时回应" in html
    assert "第1级" in html and "办结期限" in html
    assert "3 个工作日，待审批" in html
    assert "督办" in html and "1 次，最近一次" in html
    assert "期限记录" in html and "登记时设定" in html
    assert html.count("登记时设定") == 2  # response and resolution

    act_as(app, case_id, zone.leader1, Action.APPROVE_EXTENSION)
    with statements(app) as seen:
        html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "待审批" not in html
    history = html[html.index("期限记录") :]
    assert history.index("批准延期顺延") < history.index("登记时设定")  # newest first
    assert len([s for s in seen if "FROM case_deadlines" in s]) == 1


def test_case_page_waiting_response_and_pause(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a, "待回应件")
    login(auth, "officer1")
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "待回应" in html and "（回应期限）" in html
    act_as(app, case_id, zone.officer1, Action.ACCEPT)
    act_as(app, case_id, zone.officer1, Action.PAUSE, note="等待企业补充材料")
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "挂起中，暂停计时" in html and "挂起时间" in html


def test_late_response_is_marked(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a, "迟回应件")
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.response_due_at = utcnow() - 5 * H
        db.session.commit()
    act_as(app, case_id, zone.officer1, Action.ACCEPT)
    login(auth, "officer1")
    assert "超时回应" in client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_enterprise_sees_current_deadline_and_pause_only(app, zone, auth, client):
    case_id = new_case(app, zone.ent_a, zone.user_a, "企业件")
    act_as(app, case_id, zone.officer1, Action.ACCEPT)
    act_as(app, case_id, zone.leader1, Action.URGE, note="请加快")
    act_as(app, case_id, zone.officer1, Action.REQUEST_EXTENSION, note="需要时间", working_days=2)
    login(auth, "ent_a")
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "办理期限" in html and "当前期限" in html
    for hidden in ("期限记录", "督办", "data-urged", "待审批", "回应期限", "登记时设定"):
        assert hidden not in html, hidden
    act_as(app, case_id, zone.leader1, Action.REFUSE_EXTENSION, note="不批准")
    act_as(app, case_id, zone.officer1, Action.PAUSE, note="等待企业补充材料")
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "挂起中，暂停计时" in html and "已挂起" in html


# -- the leaders' and the committee's counts --------------------------------------
def counts(html: str) -> dict[str, int]:
    return {
        key: int(n)
        for key, n in re.findall(r'data-count="(\w+)">\s*<div class="fs-4[^"]*">(\d+)</div>', html)
    }


def test_leader_counts_his_enterprises_open_cases(app, lit, zone, auth, client):
    paused = new_case(app, zone.ent_a, zone.officer1, "挂起件")
    act_as(app, paused, zone.officer1, Action.ACCEPT)
    act_as(app, paused, zone.officer1, Action.PAUSE, note="等待企业补充材料")
    login(auth, "leader1")
    html = client.get("/").get_data(as_text=True)
    assert counts(html) == {"red": 1, "yellow": 1, "green": 2, "urged": 1, "paused": 1}
    assert "在办 5 件" in html
    assert re.search(r'href="/cases/\?scope=all&amp;light=red"', html)
    assert re.search(r'href="/cases/\?scope=all&amp;urged=1"', html)
    login(auth, "leader2")
    assert counts(client.get("/").get_data(as_text=True))["red"] == 1  # 乙的超期件


def test_officer_home_has_no_counts(lit, auth, client):
    login(auth, "officer1")
    assert counts(client.get("/").get_data(as_text=True)) == {}


def test_committee_counts_the_whole_zone(lit, auth, client):
    login(auth, "committee1")
    html = client.get("/").get_data(as_text=True)
    assert counts(html) == {"red": 2, "yellow": 1, "green": 2, "urged": 1, "paused": 0}


@pytest.mark.parametrize("username", ["leader1", "committee1"])
def test_counts_take_one_query_whatever_the_number_of_cases(app, zone, auth, client, username):
    login(auth, username)

    def home_statements() -> int:
        with statements(app) as seen:
            assert client.get("/").status_code == 200
        assert len([s for s in seen if "urged_at IS NOT NULL" in s]) == 1
        return len(seen)

    for n in range(2):
        new_case(app, zone.ent_a, zone.officer1, f"件{n}", -1 + 50 * n, -5)
    few = home_statements()
    for n in range(2, 12):
        new_case(app, zone.ent_a, zone.officer1, f"件{n}", 20 * n - 100, 10 * n - 60)
    many = home_statements()
    assert many == few
    assert (
        sum(counts(client.get("/").get_data(as_text=True))[k] for k in ("red", "yellow", "green"))
        == 12
    )
