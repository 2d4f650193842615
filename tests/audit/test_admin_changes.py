"""Every administrative change writes exactly one audit record in its own transaction:
who did it, to what, and the fields that changed (never a password or its hash); a
refused change writes none. Most changes go through the admin pages, as an admin would
make them; the rest through the services."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from hgq.accounts import services as accounts
from hgq.accounts.models import Department, User
from hgq.audit.cli import verify_all
from hgq.audit.labels import ACTION_LABELS
from hgq.audit.models import AuditRecord
from hgq.enterprises import services as enterprises
from hgq.enterprises.models import Enterprise, Project, ProjectStage, Tag
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.timeutil import local_today
from tests import factories
from tests.conftest import PASSWORD

NEW_PASSWORD = "fresh-pass-789"
ZONE_START = "2026-01-05"  # build_zone's assignments start here


# -- helpers ----------------------------------------------------------------------
def mark(app) -> int:  # type: ignore[no-untyped-def]
    """The id of the newest audit record (0 if none): later ones are the test's."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.max(AuditRecord.id))) or 0


def records_since(app, since: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.id > since).order_by(AuditRecord.id)
        )
        return [
            {
                "action": r.action,
                "actor_id": r.actor_id,
                "target_type": r.target_type,
                "target_id": r.target_id,
                "before": r.before,
                "after": r.after,
                "ip": r.ip,
            }
            for r in rows
        ]


def only_record(app, since: int, *passwords: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The one record written since ``since``; checks it has a Chinese label and holds
    no password hash (of anyone) nor any of ``passwords``."""
    found = records_since(app, since)
    assert len(found) == 1, found
    record = found[0]
    assert record["action"] in ACTION_LABELS
    assert_no_secrets(app, record, *passwords)
    return record


def assert_no_secrets(app, record: dict[str, Any], *passwords: str) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps(record, ensure_ascii=False)
    with app.app_context():
        hashes = db.session.scalars(sa.select(User.password_hash)).all()
    for secret in (*hashes, *passwords, PASSWORD):
        assert secret not in text
    for marker in ("pbkdf2", "scrypt", "password_hash", "totp"):
        assert marker not in text


def login_admin(auth, app) -> int:  # type: ignore[no-untyped-def]
    """Sign in as admin; the mark after the sign-in's own record."""
    auth.login("admin")
    return mark(app)


def today(app) -> date:  # type: ignore[no-untyped-def]
    with app.app_context():
        return local_today()


def user_id(app, username: str) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == username))


def user_edit_data(app, uid: int, **changes) -> dict:  # type: ignore[no-untyped-def]
    with app.app_context():
        user = db.session.get(User, uid)
        data = {
            "version": str(user.version),
            "name": user.name,
            "phone": user.phone,
            "email": user.email,
            "roles": [r.value for r in user.roles],
            "department_id": str(user.department_id or ""),
            "enterprise_id": str(user.enterprise_id or ""),
        }
    data.update(changes)
    return data


def enterprise_data(**changes) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "name": "丁企业",
        "credit_code": factories.credit_code(900),
        "industry": "电子信息",
        "address": "高新大道1号",
        "contact_name": "张三",
        "contact_phone": "0731-88888888",
    }
    data.update(changes)
    return data


def make_tag(app, name: str) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        tag = enterprises.create_tag(name, actor=None)
        db.session.commit()
        return tag.id


def current_assignment_id(app, enterprise_id: int) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.get(Enterprise, enterprise_id).current_assignment.id


# -- users --------------------------------------------------------------------------
def test_create_user(app, zone, auth, client):
    with app.app_context():
        bureau = factories.make_department("商务局", is_industry=True).id
    since = login_admin(auth, app)
    data = {
        "username": "NewBie",
        "name": "新同事",
        "phone": "13900001111",
        "email": "newbie@example.com",
        "roles": ["department"],
        "department_id": str(bureau),
        "enterprise_id": "",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    assert client.post("/admin/users/new", data=data).status_code == 302
    record = only_record(app, since, NEW_PASSWORD)
    assert record["action"] == "user.create"
    assert record["actor_id"] == zone.admin
    assert (record["target_type"], record["target_id"]) == ("user", str(user_id(app, "newbie")))
    assert record["before"] is None
    assert record["after"] == {
        "username": "newbie",
        "name": "新同事",
        "phone": "13900001111",
        "email": "newbie@example.com",
        "email_mode": "off",
        "roles": ["department"],
        "department": "商务局",
        "enterprise": None,
        "active": True,
        "must_change_password": True,
    }


def test_edit_user_records_only_what_changed(app, zone, auth, client):
    since = login_admin(auth, app)
    data = user_edit_data(app, zone.officer2, name="干部二（改）", email="o2@example.com")
    assert client.post(f"/admin/users/{zone.officer2}/edit", data=data).status_code == 302
    record = only_record(app, since)
    assert record["action"] == "user.update"
    assert (record["actor_id"], record["target_type"]) == (zone.admin, "user")
    assert record["target_id"] == str(zone.officer2)
    assert record["before"] == {"name": "干部二", "email": ""}
    assert record["after"] == {"name": "干部二（改）", "email": "o2@example.com"}


def test_clearing_the_email_records_the_mode_turned_off(app, zone, auth, client):
    with app.app_context():
        user = db.session.get(User, zone.officer1)
        user.email, user.email_mode = "o1@example.com", "daily"
        db.session.commit()
    since = login_admin(auth, app)
    data = user_edit_data(app, zone.officer1, email="")
    assert client.post(f"/admin/users/{zone.officer1}/edit", data=data).status_code == 302
    record = only_record(app, since)
    assert record["before"] == {"email": "o1@example.com", "email_mode": "daily"}
    assert record["after"] == {"email": "", "email_mode": "off"}


def test_a_change_of_roles_is_recorded_as_user_roles(app, zone, auth, client):
    with app.app_context():
        bureau = factories.make_department("商务局").id
    since = login_admin(auth, app)
    data = user_edit_data(
        app, zone.officer2, roles=["officer", "leader"], department_id=str(bureau)
    )
    assert client.post(f"/admin/users/{zone.officer2}/edit", data=data).status_code == 302
    record = only_record(app, since)
    assert record["action"] == "user.roles"
    assert ACTION_LABELS["user.roles"] == "修改用户角色"
    assert record["target_id"] == str(zone.officer2)
    assert record["before"] == {"roles": ["officer"], "department": None}
    assert record["after"] == {"roles": ["leader", "officer"], "department": "商务局"}


def test_saving_an_unchanged_user_writes_no_record(app, zone, auth, client):
    since = login_admin(auth, app)
    data = user_edit_data(app, zone.officer2)
    assert client.post(f"/admin/users/{zone.officer2}/edit", data=data).status_code == 302
    assert records_since(app, since) == []


def test_admin_password_reset(app, zone, auth, client):
    since = login_admin(auth, app)
    response = client.post(
        f"/admin/users/{zone.officer1}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    record = only_record(app, since, NEW_PASSWORD)
    assert record["action"] == "user.password_reset"
    assert (record["actor_id"], record["target_type"]) == (zone.admin, "user")
    assert record["target_id"] == str(zone.officer1)
    assert record["before"] is None
    assert record["after"] == {"must_change_password": True}


def test_own_password_change(app, zone, auth, client):
    auth.login("leader1")
    since = mark(app)
    response = client.post(
        "/account",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    record = only_record(app, since, NEW_PASSWORD)
    assert record["action"] == "auth.password_change"
    assert record["actor_id"] == zone.leader1
    assert (record["target_type"], record["target_id"]) == ("user", str(zone.leader1))
    assert (record["before"], record["after"]) == (None, None)


def test_refused_own_password_change_writes_no_record(app, zone):
    since = mark(app)
    with app.app_context():
        user = db.session.get(User, zone.leader1)
        for current, new in ((NEW_PASSWORD, "other-pass-456"), (PASSWORD, PASSWORD)):
            with pytest.raises(NotAllowed):
                accounts.change_own_password(user, current, new)
            db.session.rollback()
    assert records_since(app, since) == []


def test_deactivate_and_activate(app, zone, auth, client):
    since = login_admin(auth, app)
    assert client.post(f"/admin/users/{zone.dept1}/deactivate").status_code == 302
    record = only_record(app, since)
    assert record["action"] == "user.deactivate"
    assert (record["actor_id"], record["target_id"]) == (zone.admin, str(zone.dept1))
    assert (record["before"], record["after"]) == ({"active": True}, {"active": False})

    since = mark(app)
    assert client.post(f"/admin/users/{zone.dept1}/activate").status_code == 302
    record = only_record(app, since)
    assert record["action"] == "user.activate"
    assert (record["actor_id"], record["target_id"]) == (zone.admin, str(zone.dept1))
    assert (record["before"], record["after"]) == ({"active": False}, {"active": True})

    since = mark(app)  # activating an active user changes nothing
    assert client.post(f"/admin/users/{zone.dept1}/activate").status_code == 302
    assert records_since(app, since) == []


# -- departments --------------------------------------------------------------------
def test_create_and_edit_department(app, zone, auth, client):
    since = login_admin(auth, app)
    response = client.post(
        "/admin/departments/new",
        data={"name": " 商务局 ", "is_industry": "y", "description": "招商与外贸"},
    )
    assert response.status_code == 302
    record = only_record(app, since)
    with app.app_context():
        department = db.session.scalar(sa.select(Department).where(Department.name == "商务局"))
        department_id, version = department.id, department.version
    assert record["action"] == "department.create"
    assert record["actor_id"] == zone.admin
    assert (record["target_type"], record["target_id"]) == ("department", str(department_id))
    assert record["before"] is None
    assert record["after"] == {
        "name": "商务局",
        "is_industry": True,
        "description": "招商与外贸",
        "is_active": True,
    }

    since = mark(app)
    data = {"version": str(version), "name": "商务和外事局", "description": "招商与外贸"}
    response = client.post(f"/admin/departments/{department_id}/edit", data=data)
    assert response.status_code == 302
    record = only_record(app, since)
    assert record["action"] == "department.update"
    assert record["target_id"] == str(department_id)
    assert record["before"] == {"name": "商务局", "is_industry": True, "is_active": True}
    assert record["after"] == {"name": "商务和外事局", "is_industry": False, "is_active": False}


def test_create_and_edit_category(app, zone, auth, client):
    since = login_admin(auth, app)
    response = client.post(
        "/admin/categories",
        data={"code": "tax", "name": "税费", "sort_order": "5", "is_active": "y"},
    )
    assert response.status_code == 302
    record = only_record(app, since)
    assert (record["action"], record["actor_id"]) == ("category.create", zone.admin)
    assert record["after"] == {"code": "tax", "name": "税费", "sort_order": 5, "is_active": True}
    category_id = record["target_id"]

    since = mark(app)
    response = client.post(
        f"/admin/categories/{category_id}/edit", data={"name": "税费减免", "sort_order": "5"}
    )
    assert response.status_code == 302
    record = only_record(app, since)
    assert (record["action"], record["target_type"]) == ("category.update", "category")
    assert record["before"] == {"name": "税费", "is_active": True}
    assert record["after"] == {"name": "税费减免", "is_active": False}

    since = mark(app)  # a name that is taken: refused, nothing recorded
    client.post("/admin/categories", data={"code": "tax2", "name": "税费减免", "sort_order": "0"})
    assert records_since(app, since) == []


# -- enterprises, projects, tags ----------------------------------------------------
def test_create_and_edit_enterprise_with_tags(app, zone, auth, client):
    special = make_tag(app, "专精特新")
    large = make_tag(app, "规上企业")
    since = login_admin(auth, app)
    response = client.post("/admin/enterprises/new", data=enterprise_data(tags=[special]))
    assert response.status_code == 302
    record = only_record(app, since)
    with app.app_context():
        enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "丁企业"))
        enterprise_id, code = enterprise.id, enterprise.credit_code
    assert record["action"] == "enterprise.create"
    assert record["actor_id"] == zone.admin
    assert (record["target_type"], record["target_id"]) == ("enterprise", str(enterprise_id))
    assert record["before"] is None
    assert record["after"] == {
        "name": "丁企业",
        "credit_code": code,
        "industry": "电子信息",
        "address": "高新大道1号",
        "contact_name": "张三",
        "contact_phone": "0731-88888888",
        "tags": ["专精特新"],
        "is_active": True,
    }

    since = mark(app)
    data = enterprise_data(
        name="丁企业（新）", credit_code=code, version="1", tags=[large, special], is_active="y"
    )
    response = client.post(f"/admin/enterprises/{enterprise_id}/edit", data=data)
    assert response.status_code == 302
    record = only_record(app, since)
    assert record["action"] == "enterprise.update"
    assert record["target_id"] == str(enterprise_id)
    assert record["before"] == {"name": "丁企业", "tags": ["专精特新"]}
    assert record["after"] == {"name": "丁企业（新）", "tags": ["专精特新", "规上企业"]}


def test_create_and_edit_project(app, zone, auth, client):
    since = login_admin(auth, app)
    data = {"name": "二期厂房", "investment": "3500.5", "stage": "started"}
    response = client.post(f"/admin/enterprises/{zone.ent_a}/projects/new", data=data)
    assert response.status_code == 302
    record = only_record(app, since)
    with app.app_context():
        project_id = db.session.scalar(sa.select(Project.id).filter_by(name="二期厂房"))
    assert record["action"] == "project.create"
    assert record["actor_id"] == zone.admin
    assert (record["target_type"], record["target_id"]) == ("project", str(project_id))
    assert record["after"] == {
        "enterprise_id": zone.ent_a,
        "name": "二期厂房",
        "investment": "3500.50",
        "stage": "started",
    }

    since = mark(app)
    data = {"name": "二期厂房", "investment": "4000", "stage": "in_production", "version": "1"}
    assert client.post(f"/admin/projects/{project_id}/edit", data=data).status_code == 302
    record = only_record(app, since)
    assert record["action"] == "project.update"
    assert record["before"] == {"investment": "3500.50", "stage": "started"}
    assert record["after"] == {"investment": "4000.00", "stage": "in_production"}


def test_create_tag_and_set_its_contact_interval(app, zone, auth, client):
    since = login_admin(auth, app)
    assert client.post("/admin/tags", data={"name": " 瞪羚企业 "}).status_code == 302
    record = only_record(app, since)
    with app.app_context():
        tag_id = db.session.scalar(sa.select(Tag.id).filter_by(name="瞪羚企业"))
    assert record["action"] == "tag.create"
    assert record["actor_id"] == zone.admin
    assert (record["target_type"], record["target_id"]) == ("tag", str(tag_id))
    assert (record["before"], record["after"]) == (None, {"name": "瞪羚企业"})

    url = f"/admin/tags/{tag_id}/interval"
    for old, new, posted in ((None, 30, "30"), (30, None, "")):
        since = mark(app)
        assert client.post(url, data={"contact_interval_days": posted}).status_code == 302
        record = only_record(app, since)
        assert record["action"] == "tag.contact_interval"
        assert (record["target_type"], record["target_id"]) == ("tag", str(tag_id))
        assert record["before"] == {"contact_interval_days": old}
        assert record["after"] == {"contact_interval_days": new}


# -- assignments --------------------------------------------------------------------
def test_reassignment_records_previous_and_new_coverage(app, zone, auth, client):
    old_id = current_assignment_id(app, zone.ent_a)
    since = login_admin(auth, app)
    start = today(app)
    data = {"officer_id": zone.officer2, "leader_id": zone.leader1, "start_date": f"{start}"}
    assert client.post(f"/admin/enterprises/{zone.ent_a}/assign", data=data).status_code == 302
    record = only_record(app, since)
    assert record["action"] == "assignment.create"
    assert ACTION_LABELS["assignment.create"] == "调整包保关系"
    assert record["actor_id"] == zone.admin
    assert (record["target_type"], record["target_id"]) == ("enterprise", str(zone.ent_a))
    assert record["before"] == {
        "assignment_id": old_id,
        "officer_id": zone.officer1,
        "officer": "干部一",
        "leader_id": zone.leader1,
        "leader": "领导一",
        "start_date": ZONE_START,
    }
    assert record["after"] == {
        "assignment_id": current_assignment_id(app, zone.ent_a),
        "officer_id": zone.officer2,
        "officer": "干部二",
        "leader_id": zone.leader1,
        "leader": "领导一",
        "start_date": start.isoformat(),
        "note": "",
    }


def test_first_assignment_has_no_before(app, zone, auth, client):
    since = login_admin(auth, app)
    data = {
        "officer_id": zone.officer1,
        "leader_id": zone.leader2,
        "start_date": f"{today(app)}",
        "note": "新落户",
    }
    assert client.post(f"/admin/enterprises/{zone.ent_c}/assign", data=data).status_code == 302
    record = only_record(app, since)
    assert record["action"] == "assignment.create"
    assert record["target_id"] == str(zone.ent_c)
    assert record["before"] is None
    assert (record["after"]["officer"], record["after"]["leader"]) == ("干部一", "领导二")
    assert record["after"]["note"] == "新落户"


def test_end_assignment(app, zone, auth, client):
    assignment_id = current_assignment_id(app, zone.ent_a)
    since = login_admin(auth, app)
    end = today(app)
    response = client.post(
        f"/admin/assignments/{assignment_id}/end", data={"end_date": f"{end}", "confirm": "y"}
    )
    assert response.status_code == 302
    record = only_record(app, since)
    assert record["action"] == "assignment.end"
    assert record["actor_id"] == zone.admin
    assert (record["target_type"], record["target_id"]) == ("enterprise", str(zone.ent_a))
    assert record["before"] == {
        "assignment_id": assignment_id,
        "officer_id": zone.officer1,
        "officer": "干部一",
        "leader_id": zone.leader1,
        "leader": "领导一",
        "start_date": ZONE_START,
        "end_date": None,
    }
    assert record["after"] == {"end_date": end.isoformat()}


# -- refusals write nothing -----------------------------------------------------------
def _refusals(app, zone) -> list[tuple[str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """Posts an admin makes that a service refuses (the form itself is valid)."""
    with app.app_context():
        code_a = db.session.get(Enterprise, zone.ent_a).credit_code
        code_b = db.session.get(Enterprise, zone.ent_b).credit_code
    assign = f"/admin/enterprises/{zone.ent_a}/assign"
    start = f"{today(app)}"
    return [
        (
            "/admin/users/new",
            {
                "username": "officer1",
                "name": "重名",
                "roles": ["officer"],
                "department_id": "",
                "enterprise_id": "",
                "password": NEW_PASSWORD,
                "confirm": NEW_PASSWORD,
            },
        ),
        (
            "/admin/users/new",
            {
                "username": "someone",
                "name": "企业用户",
                "roles": ["enterprise"],
                "department_id": "",
                "enterprise_id": "",
                "password": NEW_PASSWORD,
                "confirm": NEW_PASSWORD,
            },
        ),
        (
            f"/admin/users/{zone.officer1}/edit",
            user_edit_data(app, zone.officer1, roles=["leader"]),
        ),
        (f"/admin/users/{zone.admin}/edit", user_edit_data(app, zone.admin, roles=["committee"])),
        (f"/admin/users/{zone.officer2}/edit", user_edit_data(app, zone.officer2, version="0")),
        (f"/admin/users/{zone.admin}/deactivate", {}),
        (f"/admin/users/{zone.officer1}/deactivate", {}),
        ("/admin/enterprises/new", enterprise_data(credit_code=code_b)),
        ("/admin/enterprises/new", enterprise_data(name="甲企业")),
        (
            f"/admin/enterprises/{zone.ent_a}/edit",
            enterprise_data(name="甲企业", credit_code=code_a, version="1"),  # deactivating
        ),
        ("/admin/tags", {"name": "重复"}),
        (assign, {"officer_id": zone.officer1, "leader_id": zone.leader1, "start_date": start}),
        (assign, {"officer_id": zone.officer2, "leader_id": zone.officer2, "start_date": start}),
        (
            assign,
            {"officer_id": zone.officer2, "leader_id": zone.leader2, "start_date": "2099-01-01"},
        ),
        (
            f"/admin/assignments/{current_assignment_id(app, zone.ent_a)}/end",
            {"end_date": "2025-12-01", "confirm": "y"},
        ),
    ]


def test_refused_changes_write_no_record(app, zone, auth, client):
    make_tag(app, "重复")
    with app.app_context():
        factories.make_department("商务局")
    posts = _refusals(app, zone)
    since = login_admin(auth, app)
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code in (200, 302), url
        assert records_since(app, since) == [], (url, data)
    since = mark(app)
    response = client.post("/admin/departments/new", data={"name": "商务局", "description": ""})
    assert response.status_code == 200
    assert records_since(app, since) == []


def test_a_record_stands_or_falls_with_its_change(app, zone):
    """The record is written in the change's transaction: a rollback (as every view
    does on a refusal) takes both away."""
    since = mark(app)
    with app.app_context():
        accounts.create_department(name="临时部门", actor=db.session.get(User, zone.admin))
        db.session.rollback()
        assert db.session.scalar(sa.select(Department).filter_by(name="临时部门")) is None
    assert records_since(app, since) == []


# -- the system, the labels, the chain ------------------------------------------------
def test_changes_by_the_system_have_no_actor(app, zone):
    """build_zone makes its people and enterprises as the system (actor None)."""
    found = records_since(app, 0)
    created = [r for r in found if r["action"] == "user.create"]
    assert {r["after"]["username"] for r in created} >= {"admin", "officer1", "ent_a"}
    assert all(r["actor_id"] is None for r in created)
    assert any(r["action"] == "enterprise.create" for r in found)
    assign = [r for r in found if r["action"] == "assignment.create"]
    assert {r["actor_id"] for r in assign} == {zone.admin}  # build_zone passes the admin
    for record in found:
        assert_no_secrets(app, record)


def test_service_calls_record_their_actor(app, zone):
    since = mark(app)
    with app.app_context():
        admin = db.session.get(User, zone.admin)
        project = enterprises.create_project(
            db.session.get(Enterprise, zone.ent_b),
            name="技改",
            investment=Decimal("12.3"),
            stage=ProjectStage.SIGNED,
            actor=admin,
        )
        enterprises.update_project(
            project,
            expected_version=None,
            name="技改",
            investment=Decimal("12.30"),
            stage=ProjectStage.SIGNED,
            actor=admin,
        )  # the same amount: nothing changed, no record
        accounts.reset_password(
            db.session.get(User, zone.admin), NEW_PASSWORD, by_admin=False, actor=admin
        )
        db.session.commit()
    found = records_since(app, since)
    assert [r["action"] for r in found] == ["project.create", "user.password_reset"]
    assert all(r["actor_id"] == zone.admin for r in found)
    assert found[1]["after"] == {"must_change_password": False}
    for record in found:
        assert_no_secrets(app, record, NEW_PASSWORD)


NEW_ACTIONS = (
    "user.create",
    "user.update",
    "user.roles",
    "user.password_reset",
    "auth.password_change",
    "user.deactivate",
    "user.activate",
    "department.create",
    "department.update",
    "enterprise.create",
    "enterprise.update",
    "project.create",
    "project.update",
    "tag.create",
    "tag.contact_interval",
    "assignment.create",
    "assignment.end",
)


def test_every_action_reads_in_chinese(app, zone, auth, client):
    for action in NEW_ACTIONS:
        assert ACTION_LABELS[action] != action
    assert len({ACTION_LABELS[a] for a in NEW_ACTIONS}) == len(NEW_ACTIONS)
    auth.login("admin")
    page = client.get("/audit/?action=user.create").get_data(as_text=True)
    assert "新建用户" in page


def test_the_chain_holds_after_admin_changes(app, zone, auth, client):
    auth.login("admin")
    client.post(f"/admin/users/{zone.dept1}/deactivate")
    client.post("/admin/tags", data={"name": "瞪羚企业"})
    client.post(
        f"/admin/enterprises/{zone.ent_c}/assign",
        data={
            "officer_id": zone.officer1,
            "leader_id": zone.leader1,
            "start_date": f"{today(app)}",
        },
    )
    with app.app_context():
        reports = verify_all()
    assert all(report.broken is None for report in reports), reports
    assert reports[0].count >= len(records_since(app, 0))
