"""Exporting weekly checklists to .xlsx and printing them: content, who may, audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO
from types import SimpleNamespace
from urllib.parse import quote

import openpyxl
import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.audit.models import AuditRecord
from hgq.checklists import export, services
from hgq.checklists.models import ItemKind
from hgq.checklists.services import Progress
from hgq.checklists.weeks import Week
from hgq.extensions import db
from hgq.timeutil import local_today, to_local
from tests import factories

HEADERS = ["序号", "类型", "事项", "关联", "完成时限", "进展", "是否完成", "上周进展"]


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _week() -> Week:
    return Week.of(local_today())


def _fill_week(app, zone) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """officer1's week: a case (progress written, done), the overdue contact with 甲企业,
    and an own item carried from last week with last week's progress."""
    with app.app_context():
        officer = _user(zone.officer1)
        week = _week()
        last_week_now = services.due_at(week.shift(-1)) - timedelta(hours=2)
        last = services.open_checklist(officer, week.shift(-1), last_week_now)
        services.add_own_item(last, officer, title="整理走访台账", due_on=None, now=last_week_now)
        own = next(i for i in last.items if i.origin is ItemKind.OWN)
        services.record_progress(last, officer, {own.id: Progress("已完成一半")}, now=last_week_now)
        db.session.commit()
        case = factories.make_case(zone.ent_a, zone.officer1, title="厂房用地手续办理")
        now = datetime.now(UTC)
        checklist = services.open_checklist(officer, week, now)
        item = next(i for i in checklist.items if i.case_id == case.id)
        services.record_progress(
            checklist, officer, {item.id: Progress("已协调自然资源局", done=True)}, now=now
        )
        db.session.commit()
        return SimpleNamespace(week=str(week), code=case.code, case_title=item.title)


def _book(response) -> openpyxl.Workbook:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    assert response.mimetype == export_mimetype()
    return openpyxl.load_workbook(BytesIO(response.data))


def export_mimetype() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table(sheet) -> list[list[object]]:  # type: ignore[no-untyped-def]
    rows = list(sheet.iter_rows(min_row=export.HEADER_ROW, values_only=True))
    return [list(row) for row in rows]


def _exports(app) -> list[AuditRecord]:  # type: ignore[no-untyped-def]
    with app.app_context():
        stmt = sa.select(AuditRecord).where(AuditRecord.action == "checklist.export")
        return list(db.session.scalars(stmt.order_by(AuditRecord.id)))


# -- one officer's week ---------------------------------------------------------------------
def test_an_officer_exports_his_week_with_chinese_headers_and_his_items(app, zone, auth, client):
    filled = _fill_week(app, zone)
    auth.login("officer1")
    response = client.get(f"/checklists/{filled.week}/export.xlsx")
    book = _book(response)
    assert book.sheetnames == ["干部一"]
    sheet = book["干部一"]
    title = sheet["A1"].value
    assert title.startswith("每周清单 ") and title.endswith(" 干部一") and "年第" in title
    assert "状态：填报中" in sheet["A2"].value and "截止时间：" in sheet["A2"].value
    assert "提交情况：未提交" in sheet["A2"].value
    assert sheet["A3"].value == "领导点评：—"
    header, *rows = _table(sheet)
    assert header == HEADERS
    assert sheet.freeze_panes == f"A{export.HEADER_ROW + 1}"
    assert sheet.cell(export.HEADER_ROW, 1).font.b
    by_title = {row[2]: row for row in rows}
    assert [row[0] for row in rows] == [1, 2, 3]
    case_row = by_title[filled.case_title]
    assert case_row[1] == "诉求办理" and case_row[3] == filled.code
    assert case_row[5] == "已协调自然资源局" and case_row[6] == "是"
    assert isinstance(case_row[4], datetime)  # local time, as a real date cell
    # Last week's unfinished items come first, marked 上周结转 with last week's progress;
    # the contact with 甲企业 (overdue, not visited) is one of them and keeps its 关联.
    own = by_title["整理走访台账"]
    assert own[1] == "上周结转" and own[7] == "已完成一半" and own[3] is None and own[6] == "否"
    [contact] = [row for row in rows if row[3] == "甲企业"]
    assert contact[1] == "上周结转" and contact[2].startswith("联络甲企业")
    assert contact[5] is None and contact[6] == "否"


def test_the_download_is_named_in_chinese_and_audited(app, zone, auth, client):
    filled = _fill_week(app, zone)
    auth.login("officer1")
    response = client.get(f"/checklists/{filled.week}/export.xlsx")
    disposition = response.headers["Content-Disposition"]
    expected = quote(f"每周清单_{filled.week}_干部一.xlsx", safe="")
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{expected}" in disposition
    assert f'filename="checklist_{filled.week}_{zone.officer1}.xlsx"' in disposition
    assert "no-store" in response.headers["Cache-Control"]
    [record] = _exports(app)
    assert record.actor_id == zone.officer1
    assert (record.target_type, record.target_id) == ("user", str(zone.officer1))
    assert record.after == {"week": filled.week, "format": "xlsx", "officers": [zone.officer1]}


def test_the_leader_exports_an_officer_he_leads_and_not_another(app, zone, auth, client):
    filled = _fill_week(app, zone)
    auth.login("leader1")
    url = f"/checklists/{filled.week}/export.xlsx?user_id={zone.officer1}"
    assert _book(client.get(url)).sheetnames == ["干部一"]
    auth.logout()
    auth.login("leader2")
    assert client.get(url).status_code == 404
    assert client.get(f"/checklists/{filled.week}/print?user_id={zone.officer1}").status_code == 404
    for bad in ("abc", "-1", "²", "99999999999"):
        assert client.get(f"/checklists/{filled.week}/export.xlsx?user_id={bad}").status_code == 404
    assert len(_exports(app)) == 1


def test_a_submitted_and_reviewed_week_shows_how_it_counts_and_the_review(app, zone, auth, client):
    filled = _fill_week(app, zone)
    with app.app_context():
        officer, now = _user(zone.officer1), datetime.now(UTC)
        checklist = services.get_checklist(officer, Week.parse(filled.week))
        outcome = services.submit(checklist, officer, now=now)
        services.review(checklist, _user(zone.leader1), "进展扎实，继续跟进", now=now)
        db.session.commit()
    auth.login("leader1")
    response = client.get(f"/checklists/{filled.week}/export.xlsx?user_id={zone.officer1}")
    sheet = _book(response)["干部一"]
    assert "状态：已提交" in sheet["A2"].value and f"提交情况：{outcome.label}" in sheet["A2"].value
    assert "提交时间：—" not in sheet["A2"].value
    assert sheet["A3"].value.startswith("领导点评：进展扎实，继续跟进（领导一，")
    page = client.get(f"/checklists/team/{filled.week}/print").get_data(as_text=True)
    assert "进展扎实，继续跟进" in page and outcome.label in page


def test_an_old_week_without_a_checklist_exports_a_sheet_saying_so(app, zone, auth, client):
    auth.login("officer1")
    old = str(_week().shift(-10))
    sheet = _book(client.get(f"/checklists/{old}/export.xlsx"))["干部一"]
    assert "状态：本周无清单" in sheet["A2"].value
    header, *rows = _table(sheet)
    assert header == HEADERS and rows[0][0] == export.NO_CHECKLIST
    assert export.NO_CHECKLIST in client.get(f"/checklists/{old}/print").get_data(as_text=True)


def test_malformed_and_future_weeks_are_not_found(zone, auth, client):
    auth.login("officer1")
    future = str(_week().shift(1))
    for week in ("2026-48", "2025-W53", "x", future):
        for suffix in ("export.xlsx", "print"):
            assert client.get(f"/checklists/{week}/{suffix}").status_code == 404, week
    auth.logout()
    auth.login("leader1")
    assert client.get("/checklists/team/2026-W99/export.xlsx").status_code == 404
    assert client.get("/checklists/team/nope/print").status_code == 404


# -- a team's week ----------------------------------------------------------------------------
def test_the_leader_exports_his_team_one_sheet_per_officer(app, zone, auth, client):
    filled = _fill_week(app, zone)
    auth.login("leader1")
    response = client.get(f"/checklists/team/{filled.week}/export.xlsx")
    book = _book(response)
    assert book.sheetnames == ["干部一"]
    header, *rows = _table(book["干部一"])
    assert header == HEADERS and {row[3] for row in rows} >= {filled.code, "甲企业"}
    assert quote("领导一团队", safe="") in response.headers["Content-Disposition"]
    [record] = _exports(app)
    assert (record.target_type, record.target_id) == ("checklist_week", filled.week)
    assert record.after["officers"] == [zone.officer1]


def test_the_committee_exports_every_officer_including_those_without_a_checklist(
    app, zone, auth, client
):
    filled = _fill_week(app, zone)
    auth.login("committee1")
    book = _book(client.get(f"/checklists/team/{filled.week}/export.xlsx"))
    assert book.sheetnames == ["干部一", "干部二"]
    header, *rows = _table(book["干部二"])
    assert header == HEADERS and rows == [[export.NO_CHECKLIST, *[None] * 7]]


def test_those_who_oversee_nobody_get_no_team_export(zone, auth, client):
    week = str(_week())
    for username in ("officer1", "ent_a", "dept1"):
        auth.login(username)
        for suffix in ("export.xlsx", "print"):
            assert client.get(f"/checklists/team/{week}/{suffix}").status_code == 403, username
        auth.logout()
    auth.login("ent_a")
    assert client.get(f"/checklists/{week}/export.xlsx").status_code == 403
    assert client.get(f"/checklists/{week}/print").status_code == 403


def test_anonymous_visitors_are_sent_to_login(zone, client):
    response = client.get(f"/checklists/{_week()}/export.xlsx")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- print pages ------------------------------------------------------------------------------
def test_the_print_pages_show_the_items_without_navigation_or_inline_script(
    app, zone, auth, client
):
    filled = _fill_week(app, zone)
    auth.login("officer1")
    html = client.get(f"/checklists/{filled.week}/print").get_data(as_text=True)
    for text in (
        *HEADERS,
        filled.case_title,
        filled.code,
        "已协调自然资源局",
        "甲企业",
        "已完成一半",
    ):
        assert text in html, text
    assert "data-print" in html and "js/print.js" in html and "css/print.css" in html
    assert "<script>" not in html and "navbar" not in html
    assert f"/checklists/{filled.week}/export.xlsx" in html
    auth.logout()
    auth.login("leader1")
    team = client.get(f"/checklists/team/{filled.week}/print").get_data(as_text=True)
    assert "干部一" in team and filled.case_title in team and "领导一团队" in team
    assert _exports(app) == []  # printing is not recorded as an export


# -- the workbook itself ----------------------------------------------------------------------
def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert export.sheet_title("干部一", taken) == "干部一"
    assert export.sheet_title("干部一", taken) == "干部一（2）"
    assert export.sheet_title("a[b]:c*d?e/f\\g", taken) == "a_b__c_d_e_f_g"
    long = export.sheet_title("很" * 40, taken)
    assert long == "很" * 31
    again = export.sheet_title("很" * 40, taken)
    assert len(again) == 31 and again.endswith("（2）")
    assert export.sheet_title("History", taken) == "History（2）"
    assert export.sheet_title("'", taken) == "清单"
    assert export.sheet_title("ABC", taken) == "ABC"
    assert export.sheet_title("abc", taken) == "abc（2）"


def test_text_stays_text_and_bad_characters_are_dropped(app, zone):
    with app.app_context():
        officer = _user(zone.officer1)
        week = _week()
        now = datetime.now(UTC)
        checklist = services.open_checklist(officer, week, now)
        item = checklist.items[0]
        services.record_progress(
            checklist, officer, {item.id: Progress('=HYPERLINK("http://x","y")\x0b')}, now=now
        )
        services.add_own_item(checklist, officer, title="#N/A", due_on=None, now=now)
        data = export.workbook_bytes(export.build_sheets([(officer, week, checklist)], now))
        due = to_local(item.due_at).replace(tzinfo=None)
    sheet = openpyxl.load_workbook(BytesIO(data))["干部一"]
    contact = [sheet.cell(export.HEADER_ROW + 1, column).value for column in (2, 4, 5)]
    assert contact == ["定期联络", "甲企业", due]
    progress = sheet.cell(export.HEADER_ROW + 1, 6)
    assert progress.value == '=HYPERLINK("http://x","y")' and progress.data_type == "s"
    own = sheet.cell(export.HEADER_ROW + 2, 3)
    assert own.value == "#N/A" and own.data_type == "s"


def test_an_empty_team_still_makes_a_valid_workbook(app):
    with app.app_context():
        book = openpyxl.load_workbook(BytesIO(export.workbook_bytes([])))
    assert book.sheetnames == ["每周清单"] and book.active["A1"].value == export.NO_OFFICERS


@pytest.mark.parametrize("cases", [1, 4])
def test_building_sheets_takes_a_fixed_number_of_queries(app, zone, cases):
    with app.app_context():
        for n in range(cases):
            factories.make_case(zone.ent_a, zone.officer1, title=f"诉求{n}")
        officer = _user(zone.officer1)
        week = _week()
        services.open_checklist(officer, week, datetime.now(UTC))
        db.session.commit()
        db.session.expunge_all()
        officer = _user(zone.officer1)
        checklist = services.get_checklist(officer, week)
        now = datetime.now(UTC)
        services.outcome_at(checklist, week, now)  # the work calendar, cached from here on
        statements: list[str] = []

        def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            [sheet] = export.build_sheets([(officer, week, checklist)], now)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(sheet.rows) == cases + 1
    assert len(statements) <= 2, statements  # cases and enterprises, once each
