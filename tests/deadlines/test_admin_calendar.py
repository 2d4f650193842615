"""The admin's work calendar: the year view, adjusting a day, importing a year's
State Council notice (CSV or xlsx), the template, and the dashboard's October warning."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa

from hgq.audit.models import AuditRecord
from hgq.deadlines import calendar_import as ci
from hgq.deadlines.calendar import load_calendar
from hgq.deadlines.models import CalendarDay, CalendarYear
from hgq.extensions import db

GOOD_2027 = (
    "日期,类型,名称\n"
    "2027-01-01,休,元旦\n"
    "2027-01-02,休,元旦\n"  # a Saturday: harmless, not stored
    "2027-02-06,班,春节\n"  # Saturday make-up day
    "2027-02-08,休,春节\n"
    "2027-02-09,休,春节\n"
    "2027-02-10,休,春节\n"
    "2027-02-20,班,春节\n"
    "2027-10-01,休,国庆节\n"
)


@pytest.fixture
def admin(zone, auth):  # type: ignore[no-untyped-def]
    auth.login("admin")
    return zone


def cell(html: str, day: str) -> str:
    """The calendar grid's cell of one day."""
    match = re.search(rf'<td[^>]*data-day="{day}"[^>]*>.*?</td>', html, re.S)
    assert match, day
    return match.group(0)


def upload(client, data: bytes, filename: str = "2027.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/calendar/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def year_rows(app, year: int) -> dict[date, tuple[bool, str, str]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.scalars(
            sa.select(CalendarDay).where(
                CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))
            )
        )
        return {r.day: (r.is_workday, r.name, r.source) for r in rows}


def loaded_years(app) -> dict[int, str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return {y.year: y.source for y in db.session.scalars(sa.select(CalendarYear))}


def audits(app, action: str) -> list[AuditRecord]:  # type: ignore[no-untyped-def]
    with app.app_context():
        records = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)
        ).all()
        for r in records:
            db.session.expunge(r)
        return list(records)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- access ------------------------------------------------------------------------
URLS = [
    ("GET", "/admin/calendar"),
    ("POST", "/admin/calendar/day"),
    ("GET", "/admin/calendar/import"),
    ("POST", "/admin/calendar/import"),
    ("GET", "/admin/calendar/template.csv"),
]


@pytest.mark.parametrize("username", ["committee1", "leader1", "officer1", "dept1", "ent_a"])
def test_only_the_admin(zone, auth, client, username):
    auth.login(username)
    for method, url in URLS:
        assert client.open(url, method=method).status_code == 403, (method, url)


def test_anonymous_goes_to_login(zone, client):
    for method, url in URLS:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.location, url


# -- the year view -----------------------------------------------------------------
def test_2026_shows_holidays_and_make_up_days(admin, client):
    html = client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "国庆节" in cell(html, "2026-10-01")
    assert 'data-kind="holiday"' in cell(html, "2026-10-01")
    assert "调休上班" in cell(html, "2026-10-10")
    assert 'data-kind="makeup"' in cell(html, "2026-10-10")
    assert 'data-kind="rest"' in cell(html, "2026-11-28")
    assert 'data-kind="workday"' in cell(html, "2026-11-27")
    assert html.count("data-day=") == 365
    assert "该年度尚未导入" not in html
    assert "chinesecalendar" in html  # which years are loaded, and from where
    assert "/admin/calendar?year=2027" in html and "/admin/calendar?year=2025" in html


def test_2027_is_not_loaded(admin, client):
    html = client.get("/admin/calendar?year=2027").get_data(as_text=True)
    assert "该年度尚未导入国务院节假日安排，期限按周一至周五计算并标注为暂定" in html
    assert 'data-kind="workday"' in cell(html, "2027-10-01")


def test_bad_year_argument_shows_this_year(admin, client):
    assert client.get("/admin/calendar?year=abc").status_code == 200
    assert client.get("/admin/calendar?year=99999").status_code == 200


# -- one day -----------------------------------------------------------------------
def test_set_and_reset_a_day(app, admin, client):
    response = client.post(
        "/admin/calendar/day", data={"day": "2026-11-27", "status": "rest", "name": "临时调休"}
    )
    assert response.status_code == 302 and "year=2026" in response.location
    with app.app_context():
        assert not load_calendar().is_workday(date(2026, 11, 27))
    html = client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "临时调休" in cell(html, "2026-11-27")
    [record] = audits(app, "calendar.day")
    assert record.before is None
    assert record.after["is_workday"] is False and record.after["name"] == "临时调休"

    client.post(
        "/admin/calendar/day", data={"day": "2026-11-28", "status": "workday", "name": "补班"}
    )
    with app.app_context():
        assert load_calendar().is_workday(date(2026, 11, 28))

    client.post("/admin/calendar/day", data={"day": "2026-11-27", "status": "reset"})
    with app.app_context():
        assert load_calendar().is_workday(date(2026, 11, 27))
        assert db.session.get(CalendarDay, date(2026, 11, 27)) is None
    last = audits(app, "calendar.day")[-1]
    assert last.before["name"] == "临时调休" and last.after is None


def test_resetting_a_holiday_makes_it_a_workday(app, admin, client):
    client.post("/admin/calendar/day", data={"day": "2026-10-01", "status": "workday", "name": "x"})
    with app.app_context():
        assert load_calendar().is_workday(date(2026, 10, 1))  # weekday default: no exception
        assert db.session.get(CalendarDay, date(2026, 10, 1)) is None


def test_day_form_errors(app, admin, client):
    html = client.post(
        "/admin/calendar/day", data={"day": "2026-11-27", "status": "rest"}
    ).get_data(as_text=True)
    assert "请填写名称" in html
    html = client.post(
        "/admin/calendar/day", data={"day": "", "status": "rest", "name": "a"}
    ).get_data(as_text=True)
    assert "请选择日期" in html
    html = client.post(
        "/admin/calendar/day", data={"day": "2026-11-27", "status": "reset"}
    ).get_data(as_text=True)
    assert "没有特别设置" in html
    assert audits(app, "calendar.day") == []
    with app.app_context():
        assert db.session.get(CalendarDay, date(2026, 11, 27)) is None


# -- import ------------------------------------------------------------------------
def check_2027_stored(app, source: str) -> None:  # type: ignore[no-untyped-def]
    rows = year_rows(app, 2027)
    assert rows[date(2027, 1, 1)][:2] == (False, "元旦")
    assert rows[date(2027, 2, 6)][:2] == (True, "春节调休上班")
    assert date(2027, 1, 2) not in rows  # a Saturday 休 needs no exception
    assert len(rows) == 7
    assert {r[2] for r in rows.values()} == {source}
    assert loaded_years(app)[2027] == source
    with app.app_context():
        calendar = load_calendar()
        assert calendar.is_known(date(2027, 6, 1))
        assert not calendar.is_workday(date(2027, 10, 1))
        assert calendar.is_workday(date(2027, 2, 20))
    [record] = audits(app, "calendar.import")
    assert record.target_id == "2027"
    assert record.after["holidays"] == 5 and record.after["makeup_workdays"] == 2
    assert record.after["weekend_rest"] == 1 and record.before["source"] is None


def test_import_good_csv(app, admin, client):
    response = upload(client, GOOD_2027.encode("utf-8"), "2027年节假日.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已导入2027年的节假日安排" in html and "工作日放假 5 天" in html
    check_2027_stored(app, "导入 2027年节假日.csv")
    html = client.get("/admin/calendar?year=2027").get_data(as_text=True)
    assert "该年度尚未导入" not in html and "国庆节" in cell(html, "2027-10-01")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_import_csv_encodings(app, admin, client, encoding):
    upload(client, GOOD_2027.replace("\n", "\r\n").encode(encoding))
    assert len(year_rows(app, 2027)) == 7


def test_import_good_xlsx(app, admin, client):
    rows: list[list[object]] = [["日期", "类型", "名称"]]
    rows += [line.split(",") for line in GOOD_2027.strip().splitlines()[1:]]
    rows[1][0] = date(2027, 1, 1)  # a real date cell, as Excel stores it
    response = upload(client, xlsx_bytes(rows), "holidays.xlsx")
    assert "已导入2027年的节假日安排（xlsx" in response.get_data(as_text=True)
    check_2027_stored(app, "导入 holidays.xlsx")


def test_import_replaces_the_years_exceptions(app, admin, client):
    client.post("/admin/calendar/day", data={"day": "2027-03-01", "status": "rest", "name": "临时"})
    upload(client, GOOD_2027.encode())
    assert date(2027, 3, 1) not in year_rows(app, 2027)
    upload(client, "日期,类型,名称\n2027-01-01,休,元旦\n".encode(), "v2.csv")
    assert year_rows(app, 2027) == {date(2027, 1, 1): (False, "元旦", "导入 v2.csv")}
    assert audits(app, "calendar.import")[-1].before == {"exceptions": 7, "source": "导入 2027.csv"}
    assert year_rows(app, 2026)  # other years untouched


BAD_FILES = [
    ("2027-02-30,休,春节", "第2行：日期“2027-02-30”无效"),
    ("2027/13/01,休,春节", "第2行：日期“2027/13/01”无效"),
    ("20270101,休,元旦", "第2行：日期“20270101”无效"),
    ("2027-01-01,假,元旦", "第2行：类型“假”无法识别"),
    ("2027-01-01,,元旦", "第2行：类型为空无法识别"),
    ("2027-01-01,休,", "第2行：请填写名称"),
    ("2027-02-08,班,春节", "第2行：2027-02-08是周一，本来就是工作日"),
    (
        "2027-01-01,休,元旦\n2028-01-01,休,元旦",
        "第3行：2028-01-01属于2028年，与第2行等的2027年不同",
    ),
    ("2027-01-01,休,元旦\n2027-01-01,休,元旦", "第3行：日期2027-01-01与第2行重复"),
]


@pytest.mark.parametrize(("rows", "message"), BAD_FILES)
def test_bad_rows_store_nothing(app, admin, client, rows, message):
    body = "日期,类型,名称\n2027-10-01,休,国庆节\n" + rows + "\n"
    message = re.sub(r"第(\d+)行", lambda m: f"第{int(m.group(1)) + 1}行", message)
    message = message.replace("与第3行等的", "与第2行等的")  # the majority year's first row
    html = upload(client, body.encode()).get_data(as_text=True)
    assert "未导入任何内容" in html
    assert message in html, message
    assert year_rows(app, 2027) == {} and 2027 not in loaded_years(app)
    assert audits(app, "calendar.import") == []


def test_all_errors_are_listed(admin, client):
    body = "日期,类型,名称\n2027-13-01,休,元旦\n2027-01-04,班,元旦\n2027-01-05,x,y\n"
    html = upload(client, body.encode()).get_data(as_text=True)
    assert "文件有 3 处问题" in html
    for line in (2, 3, 4):
        assert f"第{line}行" in html


BAD_UPLOADS = [
    (b"", "x.csv", "文件为空"),
    (b"   \n", "x.csv", "文件为空"),
    ("日期,类型,名称\n".encode(), "x.csv", "只有表头，没有数据行"),
    ("date,type,name\n2027-01-01,休,元旦\n".encode(), "x.csv", "表头缺少“日期”“类型”“名称”列"),
    (b"%PDF-1.4\x00\x01binary", "x.csv", "文件类型不支持"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "x.xls", "不支持旧版 Excel"),
    (b"\x81\x30\xff\xfe\xff\xfe", "x.csv", "无法识别文件编码"),
]


@pytest.mark.parametrize(("data", "filename", "message"), BAD_UPLOADS)
def test_unreadable_uploads(app, admin, client, data, filename, message):
    html = upload(client, data, filename).get_data(as_text=True)
    assert message in html
    assert 2027 not in loaded_years(app) and audits(app, "calendar.import") == []


def test_no_file_chosen(admin, client):
    html = client.post("/admin/calendar/import", data={}).get_data(as_text=True)
    assert "请选择要导入的文件" in html


def test_a_zip_that_is_not_a_workbook(app, admin, client):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    html = upload(client, out.getvalue(), "2027.xlsx").get_data(as_text=True)
    assert "不是 Excel（xlsx）工作簿" in html
    html = upload(client, b"PK\x03\x04broken", "2027.xlsx").get_data(as_text=True)
    assert "文件已损坏" in html
    assert 2027 not in loaded_years(app)


def test_bad_xlsx_rows(app, admin, client):
    data = xlsx_bytes([["日期", "类型", "名称"], [date(2027, 1, 4), "班", "元旦"]])
    html = upload(client, data, "2027.xlsx").get_data(as_text=True)
    assert "第2行：2027-01-04是周一" in html
    assert year_rows(app, 2027) == {}


def test_template_download(admin, client):
    response = client.get("/admin/calendar/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "日期,类型,名称" and len(lines) == 3
    parsed = ci.parse_calendar_file(response.data)  # the template itself passes the checks
    assert parsed.ok and {r.kind for r in parsed.rows} == {"休", "班"}


# -- pure parsing ------------------------------------------------------------------
def test_parse_pure_functions():
    assert ci.parse_date("2027-1-5") == date(2027, 1, 5)
    assert ci.parse_date("2027-02-29") is None
    assert ci.detect_format(GOOD_2027.encode()) == "csv"
    parsed = ci.parse_calendar_file(("\n" + GOOD_2027 + "\n,,\n").encode("utf-8-sig"))
    assert parsed.ok and parsed.year == 2027 and len(parsed.rows) == 8
    assert [r.line for r in parsed.rows][:2] == [3, 4]  # blank lines keep the file's numbering
    assert len(parsed.holidays) == 5 and len(parsed.makeup_days) == 2
    assert len(parsed.weekend_rest) == 1
    # The year is the one most rows give, whatever the first row says; errors stay in
    # row order.
    body = (
        "日期,类型,名称\n2028-01-01,休,元旦\n2027-13-01,休,x\n"
        "2027-01-01,休,元旦\n2027-10-01,休,国庆节\n"
    )
    parsed = ci.parse_calendar_file(body.encode())
    assert parsed.year == 2027 and not parsed.ok and parsed.rows == []
    assert [e[:3] for e in parsed.errors] == ["第2行", "第3行"]
    assert "2028-01-01属于2028年，与第4行等的2027年不同" in parsed.errors[0]
    # Columns may come in any order.
    parsed = ci.parse_calendar_file("名称,日期,类型\n春节,2027-02-08,休\n".encode())
    assert parsed.ok and parsed.rows[0].day == date(2027, 2, 8)


# -- the dashboard's warning -------------------------------------------------------
@pytest.mark.parametrize(
    ("today", "warned"),
    [(date(2026, 9, 30), False), (date(2026, 10, 1), True), (date(2026, 12, 31), True)],
)
def test_dashboard_warns_from_october(admin, client, monkeypatch, today, warned):
    monkeypatch.setattr("hgq.admin.views.local_today", lambda: today)
    html = client.get("/admin/").get_data(as_text=True)
    assert ("明年（2027年）的节假日安排尚未导入" in html) is warned
    assert ("/admin/calendar/import" in html) is warned


def test_no_warning_once_next_year_is_loaded(admin, client, monkeypatch):
    monkeypatch.setattr("hgq.admin.views.local_today", lambda: date(2026, 10, 15))
    upload(client, GOOD_2027.encode())
    html = client.get("/admin/").get_data(as_text=True)
    assert "节假日安排尚未导入" not in html
    assert "工作日历" in html  # the card on the dashboard
