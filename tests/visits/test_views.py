"""Visit pages: logging a visit with problems, permissions, the contact list."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.cases.models import Case, Category
from hgq.enterprises.models import Enterprise
from hgq.extensions import db
from hgq.timeutil import local_today
from hgq.visits.models import Visit, VisitMethod
from hgq.visits.services import record_visit
from tests import factories


def _category_id(app, code: str = "land") -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(sa.select(Category.id).where(Category.code == code))


def _form(app, **problems) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "visited_on": local_today().isoformat(),
        "method": "onsite",
        "people_met": "张总",
        "summary": "了解生产经营情况",
        "problems_found": "",
    }
    for i in range(3):
        for name in ("title", "description", "category"):
            data[f"problems-{i}-{name}"] = ""
    data.update(problems)
    return data


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(model.id)))


def test_the_form_renders_three_empty_problem_blocks(zone, auth, client):
    auth.login("officer1")
    html = client.get(f"/enterprises/{zone.ent_a}/visits/new").get_data(as_text=True)
    assert "登记走访" in html
    assert all(f'name="problems-{i}-title"' in html for i in range(3))
    assert 'name="problems-3-title"' not in html


def test_logging_a_visit_with_two_problems(app, zone, auth, client):
    auth.login("officer1")
    cat = str(_category_id(app))
    data = _form(
        app,
        **{
            "problems-0-title": "用电增容",
            "problems-0-description": "二期产线需要增容",
            "problems-0-category": cat,
            "problems-2-title": "招工难",
            "problems-2-description": "急需焊工",
            "problems-2-category": cat,
        },
    )
    response = client.post(f"/enterprises/{zone.ent_a}/visits/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        visit = db.session.scalar(sa.select(Visit))
        assert visit.method is VisitMethod.ONSITE and visit.visitor_id == zone.officer1
        cases = db.session.scalars(sa.select(Case).order_by(Case.id)).all()
        assert [c.title for c in cases] == ["用电增容", "招工难"]
        assert {c.first_owner_id for c in cases} == {zone.officer1}
        assert {c.visit_id for c in cases} == {visit.id}
        case_id = cases[0].id
    page = client.get(f"/enterprises/{zone.ent_a}").get_data(as_text=True)
    assert "联络记录" in page and "了解生产经营情况" in page
    assert "来源：走访" in client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_a_half_filled_problem_saves_nothing(app, zone, auth, client):
    auth.login("officer1")
    data = _form(
        app,
        **{
            "problems-0-title": "用电增容",
            "problems-0-description": "二期产线需要增容",
            "problems-0-category": str(_category_id(app)),
            "problems-1-title": "招工难",
        },
    )
    response = client.post(f"/enterprises/{zone.ent_a}/visits/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请填写问题的具体情况" in html and "请选择诉求类别" in html
    assert "用电增容" in html  # nothing the user typed is lost
    assert _count(app, Visit) == 0 and _count(app, Case) == 0


def test_a_future_date_is_refused_at_the_field(app, zone, auth, client):
    auth.login("officer1")
    data = _form(app, visited_on=(local_today() + timedelta(days=2)).isoformat())
    response = client.post(f"/enterprises/{zone.ent_a}/visits/new", data=data)
    assert response.status_code == 400
    assert "走访日期不能晚于今天" in response.get_data(as_text=True)
    assert _count(app, Visit) == 0


@pytest.mark.parametrize(
    ("username", "enterprise", "status"),
    [
        ("officer1", "ent_a", 200),
        ("officer1", "ent_b", 404),
        ("leader1", "ent_a", 200),
        ("leader1", "ent_b", 404),
        ("leader2", "ent_b", 200),
        ("admin", "ent_a", 403),
        ("committee1", "ent_a", 403),
        ("dept1", "ent_a", 403),
        ("ent_a", "ent_a", 403),
    ],
)
def test_who_may_open_the_visit_form(zone, auth, client, username, enterprise, status):
    auth.login(username)
    url = f"/enterprises/{getattr(zone, enterprise)}/visits/new"
    assert client.get(url).status_code == status
    assert client.post(url, data={}).status_code in {status, 400 if status == 200 else status}


def test_visit_button_only_for_those_who_may_log(zone, auth, client):
    auth.login("officer1")
    assert "登记走访" in client.get(f"/enterprises/{zone.ent_a}").get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    assert "登记走访" not in client.get(f"/enterprises/{zone.ent_a}").get_data(as_text=True)


@pytest.mark.parametrize("username", ["admin", "committee1", "dept1", "ent_a"])
def test_the_list_is_for_officers_and_leaders(zone, auth, client, username):
    auth.login(username)
    assert client.get("/visits/").status_code == 403


def test_the_list_and_home_show_contact_status(app, zone, auth, client):
    with app.app_context():
        record_visit(
            visitor=db.session.get(User, zone.leader1),
            enterprise=db.session.get(Enterprise, zone.ent_a),
            visited_on=local_today() - timedelta(days=40),
            method=VisitMethod.PHONE,
            summary="电话了解情况",
        )
        db.session.commit()
    auth.login("officer1")
    html = client.get("/visits/").get_data(as_text=True)
    assert "甲企业" in html and "已逾期" in html and "领导一" in html
    assert "甲企业" not in client.get("/visits/?status=ok").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert "联络提醒" in home and "已逾期" in home


@contextmanager
def statements(app):  # type: ignore[no-untyped-def]
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


def _add_enterprises(app, zone, n: int) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        admin = db.session.get(User, zone.admin)
        officer = db.session.get(User, zone.officer1)
        leader = db.session.get(User, zone.leader1)
        for _ in range(n):
            firm = factories.make_enterprise()
            factories.assign(firm, officer, leader, admin)
            for back in (5, 20):
                record_visit(
                    visitor=officer,
                    enterprise=firm,
                    visited_on=local_today() - timedelta(days=back),
                    method=VisitMethod.ONSITE,
                    summary="走访",
                )
        db.session.commit()


def test_the_list_runs_a_constant_number_of_queries(app, zone, auth, client):
    auth.login("officer1")
    _add_enterprises(app, zone, 2)
    client.get("/visits/")
    with statements(app) as small:
        assert client.get("/visits/").status_code == 200
    _add_enterprises(app, zone, 6)
    with statements(app) as large:
        html = client.get("/visits/").get_data(as_text=True)
    assert html.count("每 30 天") == 9
    assert len(large) == len(small)
