"""The statistics dashboard (统计看板) and its exports: each role sees its own share, the
figures match a fixture computed by hand, the exports read back, the query count does
not grow with the data, and the page carries no inline script."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from hgq.audit.models import AuditRecord
from hgq.cases.models import Case, CaseStatus, Category, Channel, Satisfaction
from hgq.checklists.models import ChecklistStatus, Outcome, WeeklyChecklist
from hgq.extensions import db
from hgq.stats.rollup import rebuild
from hgq.timeutil import local_today
from hgq.visits.models import Visit, VisitMethod
from tests.factories import make_user
from tests.querycount import counting_queries

YEAR = "from=2026-01&to=2026-12"
_codes = iter(range(1, 10**6))


def case_row(zone, ent: str, *, month: int, category_id: int, **kw) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """A case of enterprise ``ent`` ("a": officer1/leader1, "b": officer2/leader2)
    submitted on the 10th of ``month`` 2026, answered in an hour unless told."""
    created = datetime(2026, month, 10, 2, 0, tzinfo=UTC)
    officer, leader = (zone.officer1, zone.leader1) if ent == "a" else (zone.officer2, zone.leader2)
    row = {
        "code": f"HGQ-T-{next(_codes):06d}",
        "enterprise_id": zone.ent_a if ent == "a" else zone.ent_b,
        "title": "测试诉求",
        "description": "测试",
        "category_id": category_id,
        "channel": Channel.ONSITE,
        "created_by_id": officer,
        "first_owner_id": officer,
        "handler_id": officer,
        "leader_id": leader,
        "department_id": None,
        "level": 1,
        "status": CaseStatus.IN_PROGRESS,
        "version": 1,
        "created_at": created,
        "updated_at": created,
        "level_started_at": created,
        "response_due_at": created + timedelta(days=1),
        "responded_at": created + timedelta(hours=1),
        "resolved_at": None,
        "closed_at": None,
        "rating_solved": None,
        "rating_satisfaction": None,
    }
    row.update(kw)
    return row


def insert_cases(rows: list[dict]) -> None:  # type: ignore[type-arg]
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Case.__table__), rows)
    rebuild()
    db.session.commit()


def category_ids() -> dict[str, int]:
    return {code: id_ for code, id_ in db.session.execute(sa.select(Category.code, Category.id))}


def hand_fixture(zone) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """Six cases (see the expectations in the tests):

    A (officer1, leader1), March, 用地: c1 on time, rated solved and satisfied; c2 answered
    late, rated not solved but basically satisfied; c3 on time, escalated to level 2;
    c4 unanswered, its response deadline ahead (not yet due).
    B (officer2, leader2), April, second category: c5 on time, rated solved but
    dissatisfied; c6 on time, resolved, not rated.
    """
    cats = category_ids()
    land = cats["land"]
    other = next(i for code, i in cats.items() if code != "land")
    late = datetime(2026, 3, 12, tzinfo=UTC)
    resolved = datetime(2026, 3, 15, 2, tzinfo=UTC)
    rows = [
        case_row(zone, "a", month=3, category_id=land, status=CaseStatus.CLOSED,
                 resolved_at=resolved, closed_at=resolved, rating_solved=True,
                 rating_satisfaction=Satisfaction.SATISFIED),
        case_row(zone, "a", month=3, category_id=land, status=CaseStatus.CLOSED, responded_at=late,
                 resolved_at=resolved, closed_at=resolved, rating_solved=False,
                 rating_satisfaction=Satisfaction.BASICALLY_SATISFIED),
        case_row(zone, "a", month=3, category_id=land, level=2),
        case_row(zone, "a", month=3, category_id=land, status=CaseStatus.SUBMITTED,
                 responded_at=None, response_due_at=datetime(2099, 1, 1, tzinfo=UTC)),
        case_row(zone, "b", month=4, category_id=other, status=CaseStatus.CLOSED,
                 resolved_at=resolved + timedelta(days=40), closed_at=resolved + timedelta(days=40),
                 rating_solved=True, rating_satisfaction=Satisfaction.DISSATISFIED),
        case_row(zone, "b", month=4, category_id=other, status=CaseStatus.RESOLVED,
                 resolved_at=resolved + timedelta(days=30)),
    ]  # fmt: skip
    insert_cases(rows)
    # Contact: A visited three days ago (within 30 days), B never since January.
    db.session.add(
        Visit(enterprise_id=zone.ent_a, visitor_id=zone.officer1, method=VisitMethod.ONSITE,
              visited_on=local_today() - timedelta(days=3), summary="走访")
    )  # fmt: skip
    # Checklists: officer1 one on time and one late; officer2 one missing.
    for user, week, outcome in (
        (zone.officer1, date(2026, 3, 2), Outcome.ON_TIME),
        (zone.officer1, date(2026, 3, 9), Outcome.LATE),
        (zone.officer2, date(2026, 3, 2), Outcome.MISSING),
    ):
        db.session.add(
            WeeklyChecklist(user_id=user, week_start=week, status=ChecklistStatus.SUBMITTED,
                            due_at=datetime(2026, 3, 6, tzinfo=UTC), outcome=outcome)
        )  # fmt: skip
    db.session.commit()
    return SimpleNamespace(land=land, other=other)


@pytest.fixture
def data(app, zone):  # type: ignore[no-untyped-def]
    with app.app_context():
        return hand_fixture(zone)


def kpi(html: str, key: str) -> str:
    """The figure of a KPI card (data-kpi) as shown."""
    card = html.split(f'data-kpi="{key}"', 1)[1]
    shown = re.search(r"data-value>(.*?)</div>", card, re.S).group(1)  # type: ignore[union-attr]
    return re.sub(r"<[^>]+>", "", shown).strip()


def counts_line(html: str, key: str) -> str:
    card = html.split(f'data-kpi="{key}"', 1)[1]
    line = re.search(r"data-counts>(.*?)</div>", card, re.S).group(1)  # type: ignore[union-attr]
    return re.sub(r"<[^>]+>", "", line)


def measure(html: str, key: str) -> str:
    card = html.split(f'data-measure="{key}">', 1)[1].split("</div></div></div>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card)).strip()


def page(client, url: str = f"/stats/?{YEAR}") -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# -- figures --------------------------------------------------------------------------------
def test_zone_figures_match_the_hand_count(data, auth, client):
    auth.login("committee1")
    html = page(client)
    # 响应率: on time c1 c3 c5 c6 of due c1 c2 c3 c5 c6 (c4 not yet due) = 4/5
    assert kpi(html, "response_rate") == "80.0%"
    assert counts_line(html, "response_rate") == "时限内响应 4 件 ÷ 应响应 5 件"
    # 解决率: solved c1 c5 of rated c1 c2 c5 = 2/3; 满意率: c1 satisfied, c2 basically = 2/3
    assert kpi(html, "resolution_rate") == "66.7%"
    assert counts_line(html, "resolution_rate") == "已解决 2 件 ÷ 已评价 3 件"
    assert kpi(html, "satisfaction_rate") == "66.7%"
    # 综合得分 (default 30/35/35): 30 × 0.8 + 35 × 2/3 + 35 × 2/3 = 70.67
    assert kpi(html, "composite") == "70.7 分"
    # 升级率 1/6; whole days to resolve: c1 c2 5, c5 14, c6 4 → 4 5 5 14 → median 5
    assert "16.7%" in measure(html, "escalation")
    assert measure(html, "median") == "办结用时中位数 5 天 已办结 4 件"
    assert "诉求总数 6" in measure(html, "cases")
    # Contact: A within 30 days, B not: 1/2. Checklists: 1 on time of 3.
    assert measure(html, "contact").startswith("联络合规率 （截至今日） 50.0%")
    assert "按期联络 1 / 2 家" in measure(html, "contact")
    assert "按时提交 1 / 3 份" in measure(html, "checklist")
    # Coverage: A and B of A, B, C.
    assert "已落实 2 / 3 家" in measure(html, "coverage")
    # The formulas are on the page.
    assert "响应率 = 时限内响应件数 ÷ 应响应件数" in html
    assert "加权计分：综合得分 = 响应率×30 + 解决率×35 + 满意率×35" in html


def test_status_level_and_breakdowns(data, auth, client):
    auth.login("committee1")
    html = page(client)
    assert re.search(r'data-status="closed"><th[^>]*>已归档</th><td[^>]*>3<', html)
    assert re.search(r'data-level="2"><th[^>]*>二级</th><td[^>]*>1<', html)
    for tab in ("officer", "leader", "department", "category"):
        assert f'data-breakdown="{tab}"' in html
    officers = html.split('data-breakdown="officer"', 1)[1].split('data-breakdown="leader"', 1)[0]
    assert "干部一" in officers and "干部二" in officers


def test_filters_narrow(data, auth, client, zone):
    auth.login("committee1")
    html = page(client, f"/stats/?{YEAR}&officer={zone.officer2}")
    # officer2: c5 c6 on time 2/2; rated c5 solved, dissatisfied
    assert kpi(html, "response_rate") == "100.0%"
    assert kpi(html, "satisfaction_rate") == "0.0%"
    assert "诉求总数 2" in measure(html, "cases")
    html = page(client, f"/stats/?from=2026-03&to=2026-03&category={data.land}")
    assert "诉求总数 4" in measure(html, "cases")
    assert "2026年3月" in html


def test_officer_sees_only_his_own(data, auth, client, zone):
    auth.login("officer1")
    # An officer's own share whatever he asks for.
    html = page(client, f"/stats/?{YEAR}&officer={zone.officer2}&leader={zone.leader2}")
    assert 'data-scope="officer"' in html
    # c1..c4: on time c1 c3 of due c1 c2 c3 = 2/3; solved 1/2; satisfied 2/2
    assert kpi(html, "response_rate") == "66.7%"
    assert kpi(html, "resolution_rate") == "50.0%"
    assert kpi(html, "satisfaction_rate") == "100.0%"
    assert kpi(html, "composite").startswith("72.5")  # 20 + 17.5 + 35
    assert "诉求总数 4" in measure(html, "cases")
    assert "按时提交 1 / 2 份" in measure(html, "checklist")
    assert 'data-measure="coverage"' not in html
    assert 'data-breakdown="officer"' not in html and "干部二" not in html


def test_leader_sees_the_enterprises_he_leads(data, auth, client):
    auth.login("leader2")
    html = page(client)
    assert 'data-scope="leader"' in html
    # c5 c6: on time 2/2; solved 1/1; satisfied 0/1 → 30 + 35 + 0 = 65
    assert kpi(html, "response_rate") == "100.0%"
    assert kpi(html, "resolution_rate") == "100.0%"
    assert kpi(html, "satisfaction_rate") == "0.0%"
    assert kpi(html, "composite").startswith("65.0")
    assert "诉求总数 2" in measure(html, "cases")
    assert "按期联络 0 / 1 家" in measure(html, "contact")
    officers = html.split('data-breakdown="officer"', 1)[1].split('data-breakdown="department"')[0]
    assert "干部二" in officers and "干部一" not in html


@pytest.mark.parametrize(("username", "status"), [("dept1", 403), ("ent_a", 403)])
def test_other_roles_are_refused(zone, auth, client, username, status):
    auth.login(username)
    assert client.get("/stats/").status_code == status
    assert client.get("/stats/export.xlsx?table=category").status_code == status


def test_anonymous_goes_to_login(zone, client):
    response = client.get("/stats/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_empty_zone_shows_dashes(zone, auth, client):
    auth.login("committee1")
    html = page(client)
    assert "—" in kpi(html, "response_rate")
    assert "—" in kpi(html, "composite")
    assert "统计区间内没有诉求" in html


def test_nav_and_committee_home_link(zone, auth, client):
    auth.login("committee1")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/stats/" data-link="stats"' in html
    assert "统计看板" in html


# -- no inline script ------------------------------------------------------------------------
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


@pytest.mark.parametrize("username", ["committee1", "leader1", "officer1", "admin"])
def test_no_inline_script(data, auth, client, username):
    auth.login(username)
    html = page(client)
    tags = SCRIPT_TAG.findall(html)
    assert tags
    for attrs in tags:
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert not re.search(r"\son[a-z]+\s*=", html, re.I)  # no inline event handlers
    assert 'data-chart="chart-trend"' in html and 'id="chart-trend"' in html
    assert "vendor/echarts/echarts.min.js" in html


# -- exports -------------------------------------------------------------------------------
def read_xlsx(response) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(response.data))
    try:
        return list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def test_export_officer_table(app, data, auth, client, zone):
    auth.login("committee1")
    rows = read_xlsx(client.get(f"/stats/export.xlsx?table=officer&{YEAR}"))
    assert rows[0][0].startswith("统计看板 · 按包保责任人 · 全区")
    header = next(r for r in rows if r and r[0] == "包保责任人")
    assert header[:5] == ("包保责任人", "诉求数", "应响应", "按时响应", "响应率")
    assert header[-1] == "综合得分"
    data_rows = {
        r[0]: r for r in rows[rows.index(header) + 1 :] if r and r[0] in ("干部一", "干部二")
    }
    one = data_rows["干部一"]
    assert one[1:5] == (4, 3, 2, pytest.approx(2 / 3))
    assert one[-1] == pytest.approx(72.5)
    assert data_rows["干部二"][header.index("满意率")] == 0
    with app.app_context():
        record = db.session.scalar(
            sa.select(AuditRecord).where(AuditRecord.action == "stats.export")
        )
        assert record is not None
        assert record.actor_id == zone.committee and record.target_id == "officer"
        assert record.after["from"] == "2026-01"


def test_export_keeps_filters_and_formats_percent(app, data, auth, client, zone):
    auth.login("committee1")
    response = client.get(
        f"/stats/export.xlsx?table=month&from=2026-03&to=2026-05&leader={zone.leader1}"
    )
    book = load_workbook(BytesIO(response.data))
    ws = book.worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    labels = [r[0] for r in values]
    assert "包保领导：领导一" in labels
    march = values[labels.index("3月")]
    assert march[1] == 4  # leader1's four March cases
    may = values[labels.index("5月")]
    assert may[1] is None or may[1] == 0 or may[4] == "—"
    rate_cell = ws.cell(row=labels.index("3月") + 1, column=5)
    assert rate_cell.number_format == "0.0%"
    book.close()
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition and "stats_month_2026-03_2026-05.xlsx" in disposition


def test_export_status_and_level(data, auth, client):
    auth.login("leader1")
    rows = read_xlsx(client.get(f"/stats/export.xlsx?table=status&{YEAR}"))
    statuses = {r[0]: r[1] for r in rows if r and r[0] in ("已归档", "办理中", "待受理")}
    assert statuses == {"已归档": 2, "办理中": 1, "待受理": 1}
    rows = read_xlsx(client.get(f"/stats/export.xlsx?table=level&{YEAR}"))
    assert any(isinstance(r[0], str) and r[0].startswith("二级") and r[1] == 1 for r in rows)


def test_export_refuses_tables_outside_the_scope(data, auth, client):
    auth.login("officer1")
    assert client.get("/stats/export.xlsx?table=officer").status_code == 404
    assert client.get("/stats/export.xlsx?table=nonsense").status_code == 404
    assert client.get(f"/stats/export.xlsx?table=category&{YEAR}").status_code == 200


# -- bounded queries -------------------------------------------------------------------------
def grow(zone, n: int) -> None:  # type: ignore[no-untyped-def]
    """``n`` more cases over 12 months, every category, three extra officers."""
    cats = list(category_ids().values())
    extra = [make_user(f"officer_x{len(cats)}_{n}_{i}", name=f"干部X{i}").id for i in range(3)]
    rows = []
    for i in range(n):
        row = case_row(zone, "ab"[i % 2], month=1 + i % 12, category_id=cats[i % len(cats)])
        row["first_owner_id"] = (zone.officer1, zone.officer2, *extra)[i % 5]
        rows.append(row)
    insert_cases(rows)


def dashboard_queries(app, client) -> int:  # type: ignore[no-untyped-def]
    client.get(f"/stats/?{YEAR}")  # warm: session, user
    with counting_queries(app) as statements:
        assert client.get(f"/stats/?{YEAR}").status_code == 200
    return len(statements)


@pytest.mark.parametrize("username", ["committee1", "leader1", "officer1"])
def test_query_count_does_not_grow(app, zone, auth, client, username):
    auth.login(username)
    with app.app_context():
        grow(zone, 10)
    small = dashboard_queries(app, client)
    with app.app_context():
        grow(zone, 400)
    large = dashboard_queries(app, client)
    assert small == large
    assert large <= 25
