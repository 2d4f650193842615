"""Points pages (积分考核): a person's points with their sources, appeals filed and
decided, manual adjustments, rankings and their .xlsx, and who may see what."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from hgq.accounts.models import User
from hgq.audit.models import AuditRecord
from hgq.cases.models import Case
from hgq.checklists.models import WeeklyChecklist
from hgq.db import utcnow
from hgq.extensions import db
from hgq.points import engine, queries, services
from hgq.points.models import Appeal, AppealStatus, PointEntry
from hgq.timeutil import local_today
from tests.points import scenario
from tests.querycount import counting_queries


def _month() -> str:
    return local_today().strftime("%Y-%m")


def adjust(app, user_id: int, points: int, reason: str, actor_id: int) -> int:  # type: ignore[no-untyped-def]
    """A manual adjustment made through the service; the entry's id."""
    with app.app_context():
        entry = services.adjust(
            db.session.get(User, user_id), points, reason, db.session.get(User, actor_id), utcnow()
        )
        db.session.commit()
        return entry.id


def total(app, user_id: int) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return queries.total_for(user_id, queries.current_period(utcnow()))


def appeals(app) -> list[tuple[int, AppealStatus, str]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.execute(sa.select(Appeal.entry_id, Appeal.status, Appeal.decision))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def entry_count(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(PointEntry.id))) or 0


# -- a person's page ------------------------------------------------------------------------
@pytest.fixture
def october(app, zone):  # type: ignore[no-untyped-def]
    """October 2026 computed by hand (tests/points/scenario.py), recomputed."""
    with app.app_context():
        z = scenario.build_october(zone)
        engine.recompute(scenario.MONTH, utcnow())
        db.session.commit()
        z.case_codes = dict(db.session.execute(sa.select(Case.id, Case.code)).all())
        z.w43 = db.session.scalar(
            sa.select(WeeklyChecklist.id).where(
                WeeklyChecklist.user_id == z.officer1,
                WeeklyChecklist.week_start == date(2026, 10, 19),
            )
        )
        return z


def test_why_minus_two_is_answered_with_links(october, auth, client):
    z = october
    auth.login("officer1")
    html = client.get(f"/points/?period={scenario.MONTH}").get_data(as_text=True)
    assert "我的积分" in html and "2026年10月" in html
    total = html.split("合计")[1].split("</div>", 2)[1]
    assert ">+4<" in total  # EXPECTED_TOTALS["officer1"]
    # Subtotals by rule, deductions first.
    table = html.split("按规则小计")[1].split("</table>")[0]
    assert table.index("每周清单未提交") < table.index("走访联络")
    assert "办理超期" in table and "-2" in table
    # Each −2 leads to its source: the missed case's page, the missing week.
    assert f'href="/cases/{z.case2}"' in html and z.case_codes[z.case2] in html
    assert 'href="/checklists/2026-W43"' in html and "2026年第43周" in html
    assert f'href="/enterprises/{z.ent_a}"' in html  # a visit
    assert html.count('class="fw-semibold text-nowrap text-danger') >= 3
    # A leader reads his officer's week with the officer named in the link.
    auth.logout()
    auth.login("leader1")
    html = client.get(f"/points/?user_id={z.officer1}&period=2026-10").get_data(as_text=True)
    assert f'href="/checklists/2026-W43?user_id={z.officer1}"' in html
    assert "积分考核" in html  # in the navigation


def test_rankings_of_october(october, auth, client):
    auth.login("committee1")
    html = client.get("/points/rankings?period=2026-10").get_data(as_text=True)
    table = html.split("完整排名")[1]
    names = ["干部三", "干部一", "干部二", "干部四"]  # 5, 4, 4, 0
    assert [table.index(n) for n in names] == sorted(table.index(n) for n in names)
    red, black = (html.split(board)[1].split("</ol>")[0] for board in ("红榜", "黑榜"))
    assert all(n in red for n in names)
    assert "已全部列入红榜" in black  # four officers: all on the red list, none on both
    response = client.get("/points/rankings.xlsx?period=2026-Q4&role=leader")
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(min_row=3, values_only=True))
    assert rows == [(1, "领导二", 0), (2, "领导一", -2)]


def test_periods_months_and_quarters(app, zone, auth, client):
    adjust(app, zone.officer1, 3, "表彰", zone.committee)
    auth.login("officer1")
    today = local_today()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    html = client.get(f"/points/?period={quarter}").get_data(as_text=True)
    assert "表彰" in html and "+3" in html
    last_year = client.get(f"/points/?period={today.year - 1}-{today.month:02d}")
    assert last_year.status_code == 200 and "表彰" not in last_year.get_data(as_text=True)
    for bad in ("2026-13", "2026-Q5", "abc", f"{today.year + 1}-01"):
        assert client.get(f"/points/?period={bad}").status_code == 404, bad


@pytest.mark.parametrize(
    ("username", "target", "status"),
    [
        ("officer1", "officer1", 200),
        ("officer1", "officer2", 404),
        ("leader1", "officer1", 200),
        ("leader1", "officer2", 404),
        ("committee1", "officer2", 200),
        ("admin", "leader2", 200),
        ("dept1", "officer1", 404),
    ],
)
def test_who_sees_whose_points(zone, auth, client, username, target, status):
    auth.login(username)
    assert client.get(f"/points/?user_id={getattr(zone, target)}").status_code == status


def test_enterprise_users_and_strangers_are_refused(zone, auth, client):
    assert client.get("/points/").status_code == 302  # to the login page
    auth.login("ent_a")
    for url in ("/points/", "/points/rankings", "/points/rankings.xlsx", "/points/appeals"):
        assert client.get(url).status_code == 403, url
    auth.logout()
    auth.login("officer1")
    assert client.get("/points/?user_id=abc").status_code == 404
    assert client.get("/points/?user_id=99999999999").status_code == 404


def test_others_pages_are_read_only(app, zone, auth, client):
    entry_id = adjust(app, zone.officer1, -2, "清单内容不实", zone.committee)
    auth.login("leader1")
    html = client.get(f"/points/?user_id={zone.officer1}").get_data(as_text=True)
    assert "清单内容不实" in html and "只读" in html
    assert 'action="/points/entries/' not in html
    # Nobody appeals another's entry.
    response = client.post(f"/points/entries/{entry_id}/appeal", data={"reason": "代为申诉"})
    assert response.status_code == 404 and appeals(app) == []


# -- appeals ---------------------------------------------------------------------------------
def test_an_appeal_filed_and_reversed_changes_the_total(app, zone, auth, client):
    entry_id = adjust(app, zone.officer1, -2, "未按时响应", zone.committee)
    assert total(app, zone.officer1) == -2
    auth.login("officer1")
    response = client.post(f"/points/entries/{entry_id}/appeal", data={"reason": "  "})
    assert response.status_code == 400 and "请填写申诉理由" in response.get_data(as_text=True)
    assert appeals(app) == []
    response = client.post(f"/points/entries/{entry_id}/appeal", data={"reason": "当天已电话答复"})
    assert response.status_code == 302
    assert appeals(app) == [(entry_id, AppealStatus.PENDING, "")]
    again = client.post(f"/points/entries/{entry_id}/appeal", data={"reason": "再次申诉"})
    assert again.status_code == 400 and "该项积分已有待处理的申诉" in again.get_data(as_text=True)
    assert len(appeals(app)) == 1
    html = client.get("/points/").get_data(as_text=True)
    assert "待处理" in html and "当天已电话答复" in html
    assert f'action="/points/entries/{entry_id}/appeal"' not in html
    assert client.get("/points/appeals").status_code == 403  # not an assessor
    auth.logout()

    auth.login("committee1")
    html = client.get("/points/appeals").get_data(as_text=True)
    assert "当天已电话答复" in html and "干部一" in html and "未按时响应" in html
    with app.app_context():
        appeal = db.session.scalar(sa.select(Appeal))
        appeal_id, version = appeal.id, appeal.version
    prefix = f"a{appeal_id}-"
    response = client.post(
        f"/points/appeals/{appeal_id}",
        data={prefix + "version": version, prefix + "action": "reverse", prefix + "decision": ""},
    )
    assert response.status_code == 400 and "请填写处理意见" in response.get_data(as_text=True)
    assert appeals(app)[0][1] is AppealStatus.PENDING and total(app, zone.officer1) == -2
    response = client.post(
        f"/points/appeals/{appeal_id}",
        data={
            prefix + "version": version,
            prefix + "action": "reverse",
            prefix + "decision": "核实通话记录，已按时答复",
        },
    )
    assert response.status_code == 302
    assert appeals(app) == [(entry_id, AppealStatus.REVERSED, "核实通话记录，已按时答复")]
    assert total(app, zone.officer1) == 0
    assert "没有待处理的申诉" in client.get("/points/appeals").get_data(as_text=True)
    auth.logout()

    auth.login("officer1")
    html = client.get("/points/").get_data(as_text=True)
    assert "已撤销" in html and "核实通话记录，已按时答复" in html
    assert "更正" in html and f"#entry-{entry_id}" in html  # the correction links back


def test_a_stale_decision_is_refused(app, zone, auth, client):
    entry_id = adjust(app, zone.officer1, -3, "评价不满意", zone.committee)
    with app.app_context():
        appeal = services.file_appeal(
            db.session.get(PointEntry, entry_id),
            db.session.get(User, zone.officer1),
            "企业误评",
            utcnow(),
        )
        db.session.commit()
        appeal_id, version = appeal.id, appeal.version
    auth.login("admin")
    prefix = f"a{appeal_id}-"
    data = {prefix + "action": "uphold", prefix + "decision": "维持"}
    assert (
        client.post(f"/points/appeals/{appeal_id}", data={**data, prefix + "version": version})
    ).status_code == 302
    response = client.post(
        f"/points/appeals/{appeal_id}", data={**data, prefix + "version": version}
    )
    assert response.status_code == 400
    assert appeals(app) == [(entry_id, AppealStatus.UPHELD, "维持")]


# -- manual adjustments ------------------------------------------------------------------------
def test_an_assessor_adjusts_points(app, zone, auth, client):
    auth.login("officer1")
    assert client.get("/points/adjust").status_code == 403
    auth.logout()
    auth.login("committee1")
    html = client.get(f"/points/adjust?user_id={zone.officer1}").get_data(as_text=True)
    assert "人工调整" in html and f'<option selected value="{zone.officer1}">' in html
    assert (
        "领导一" in html and "管理员" not in html.split('id="person_id"')[1].split("</select>")[0]
    )
    for data, message in [
        ({"person_id": zone.officer1, "points": "5", "reason": ""}, "请填写调整事由"),
        ({"person_id": zone.officer1, "points": "0", "reason": "无"}, "调整分值不能为 0"),
        ({"person_id": zone.officer1, "points": "abc", "reason": "无"}, "调整分值"),
        ({"person_id": "", "points": "5", "reason": "无"}, "请选择人员"),
    ]:
        response = client.post("/points/adjust", data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    assert entry_count(app) == 0
    response = client.post(
        "/points/adjust",
        data={"person_id": zone.officer1, "points": "5", "reason": "协调重大项目落地"},
    )
    assert response.status_code == 302
    assert f"user_id={zone.officer1}" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "协调重大项目落地" in html and "+5" in html and "已为干部一调整" in html
    assert total(app, zone.officer1) == 5


# -- rankings ------------------------------------------------------------------------------------
def test_rankings_red_black_and_links(app, zone, auth, client):
    adjust(app, zone.officer1, 4, "表彰", zone.committee)
    adjust(app, zone.officer2, -1, "提醒", zone.committee)
    adjust(app, zone.leader1, 2, "表彰", zone.committee)
    auth.login("officer1")
    html = client.get("/points/rankings").get_data(as_text=True)
    assert "红榜" in html and "黑榜" in html and "完整排名" in html
    assert html.index("干部一") < html.index("干部二")
    assert f"/points/?user_id={zone.officer1}" in html  # himself: a link
    assert f"/points/?user_id={zone.officer2}" not in html  # a colleague: the name only
    html = client.get("/points/rankings?role=leader").get_data(as_text=True)
    main = html.split('id="main"')[1]  # the navigation bar names the user
    assert "领导一" in main and "干部一" not in main
    assert client.get("/points/rankings?role=admin").status_code == 404
    auth.logout()
    auth.login("committee1")
    html = client.get("/points/rankings").get_data(as_text=True)
    assert f"/points/?user_id={zone.officer2}" in html
    auth.logout()
    auth.login("dept1")
    assert client.get("/points/rankings").status_code == 200


def test_rankings_export_to_xlsx(app, zone, auth, client):
    adjust(app, zone.officer1, 4, "表彰", zone.committee)
    adjust(app, zone.officer2, -1, "提醒", zone.committee)
    auth.login("leader1")
    response = client.get(f"/points/rankings.xlsx?period={_month()}&role=officer")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.data)).active
    rows = [tuple(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows[0] == ("名次", "姓名", "积分")
    assert rows[1] == (1, "干部一", 4) and rows[2] == (2, "干部二", -1)
    with app.app_context():
        record = db.session.scalar(
            sa.select(AuditRecord).where(AuditRecord.action == "points.export")
        )
        assert record is not None and record.actor_id == zone.leader1
        assert record.after["period"] == _month() and record.after["role"] == "officer"
    assert client.get("/points/rankings.xlsx?period=2026-13").status_code == 404


def test_pages_run_a_bounded_number_of_queries(app, zone, auth, client):
    def count(url: str) -> int:
        with counting_queries(app) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    def add(n: int) -> None:
        for i in range(n):
            who = zone.officer1 if i % 2 else zone.officer2
            entry_id = adjust(app, who, i - 3 or 1, f"事由{i}", zone.admin)
            with app.app_context():
                entry = db.session.get(PointEntry, entry_id)
                appeal = services.file_appeal(entry, entry.user, "申诉", utcnow())
                if i % 3 == 0:  # some decided: a reversal adds a correcting entry
                    services.decide_appeal(
                        appeal,
                        db.session.get(User, zone.committee),
                        reverse=i % 2 == 0,
                        decision="已核实",
                        now=utcnow(),
                        expected_version=None,
                    )
                db.session.commit()

    add(4)
    auth.login("committee1")
    urls = [f"/points/?user_id={zone.officer1}", "/points/rankings", "/points/appeals"]
    few = [count(url) for url in urls]
    add(10)
    assert [count(url) for url in urls] == few


def test_the_period_picker_never_offers_the_future(zone, auth, client):
    auth.login("officer1")
    html = client.get("/points/").get_data(as_text=True)
    today = local_today()
    assert "下月" not in html and "上月" in html
    upcoming = (today.replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
    if upcoming.startswith(str(today.year)):
        assert f'value="{upcoming}"' not in html
    assert date(today.year, 1, 1).strftime('value="%Y-01"') in html


def test_rankings_without_points_show_no_red_black_lists(app, zone, auth, client):
    auth.login("officer1")
    html = client.get("/points/rankings").get_data(as_text=True)
    assert "尚无积分记录" in html and "红榜 · 前五名" not in html
    assert "完整排名" in html
