"""Build the demo zone through the domain services, creating only what is missing.

Everything is looked up by its natural key (department, enterprise and tag name,
username, project name within its enterprise); what exists is left as it is, so a
second run changes nothing. Nothing here commits: the caller commits once (except
the history, :mod:`hgq.demo.history`, which commits before each deadline sweep).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_migrate import upgrade

from hgq.accounts import services as accounts
from hgq.accounts.models import Department, Role, User
from hgq.accounts.queries import get_user_by_username
from hgq.demo import data
from hgq.demo.cases import ensure_demo_cases
from hgq.demo.checklists import ensure_demo_checklists
from hgq.demo.history import ensure_demo_history
from hgq.demo.visits import ensure_demo_visits
from hgq.enterprises import services as enterprises
from hgq.enterprises.cover_services import create_cover
from hgq.enterprises.credit_code import make_credit_code
from hgq.enterprises.models import Cover, Enterprise, Project, ProjectStage, Tag
from hgq.extensions import db
from hgq.points.rules import ensure_default_rules
from hgq.timeutil import local_today


@dataclass(frozen=True)
class DemoAccount:
    """One demo account as the command lists it."""

    username: str
    name: str
    role: Role
    enterprise: str = ""


def migrate_database() -> bool:
    """Bring the schema up to date with the migrations; True if they ran.

    A database whose tables were made without Alembic (``db.create_all()``, as the
    test suite does) has no ``alembic_version`` table; it is left alone.
    """
    tables = set(sa.inspect(db.engine).get_table_names())
    if tables and "alembic_version" not in tables:
        return False
    upgrade()
    return True


def build_demo_zone(password: str) -> Counter[str]:
    """Create what is missing of the demo zone; return how many of each kind were made."""
    accounts.check_password_policy(password)
    created: Counter[str] = Counter()
    departments = _ensure_departments(created)
    tags = _ensure_tags(created)
    staff = {row[0]: _ensure_staff(row, password, departments, created) for row in data.STAFF}
    firms = [_ensure_enterprise(spec, tags, created) for spec in data.ENTERPRISES]
    by_name = {firm.name: firm for firm in firms}
    for row in data.PROJECTS:
        _ensure_project(row, by_name, created)
    for n, firm in enumerate(firms):
        _ensure_enterprise_account(n, firm, password, created)
    for n, firm in enumerate(firms):
        _ensure_assignment(n, firm, staff, created)
    db.session.flush()
    _ensure_cover(staff, created)
    ensure_demo_cases(created)
    ensure_demo_visits(created)
    ensure_demo_checklists(created)
    ensure_default_rules()  # 积分规则 (DESIGN §6 defaults), for the ranking
    if current_app.config["DEMO_HISTORY"]:
        ensure_demo_history(created)  # a year of cases before today; commits (see its module)
    return created


def enterprise_username(n: int) -> str:
    """The account of the n-th demo enterprise (0-based): ent01, ent02, …"""
    return f"ent{n + 1:02d}"


def demo_accounts() -> list[DemoAccount]:
    """Every demo account as stored now, staff first, then enterprises in order."""
    found: list[DemoAccount] = []
    for username, _name, role, _dept, _phone in data.STAFF:
        user = _user(username)
        if user is not None:
            found.append(DemoAccount(username, user.name, Role(role)))
    for n in range(len(data.ENTERPRISES)):
        user = _user(enterprise_username(n))
        if user is not None:
            firm = user.enterprise.name if user.enterprise else ""
            found.append(DemoAccount(user.username, user.name, Role.ENTERPRISE, firm))
    return found


# -- the parts --------------------------------------------------------------------
def _ensure_departments(created: Counter[str]) -> dict[str, Department]:
    departments = {}
    for name, is_industry, duties in data.DEPARTMENTS:
        department = db.session.scalar(sa.select(Department).where(Department.name == name))
        if department is None:
            department = accounts.create_department(
                name=name, is_industry=is_industry, description=duties, actor=None
            )
            created["departments"] += 1
        departments[name] = department
    return departments


def _ensure_tags(created: Counter[str]) -> dict[str, Tag]:
    """The seeded tags (migration 0001); made here only if a database lacks them."""
    tags = {}
    for name in data.TAG_NAMES:
        tag = db.session.scalar(sa.select(Tag).where(Tag.name == name))
        if tag is None:
            tag = enterprises.create_tag(name, actor=None)
            created["tags"] += 1
        tags[name] = tag
    return tags


def _user(username: str) -> User | None:
    return db.session.scalar(get_user_by_username(username))


def _ensure_staff(
    row: tuple[str, str, str, str, str],
    password: str,
    departments: dict[str, Department],
    created: Counter[str],
) -> User:
    username, name, role, department, phone = row
    user = _user(username)
    if user is None:
        user = accounts.create_user(
            username=username,
            name=name,
            password=password,
            roles=(Role(role),),
            phone=phone,
            department_id=departments[department].id,
            must_change_password=False,  # demo accounts keep the documented password
            actor=None,
        )
        created["users"] += 1
    return user


def _ensure_enterprise(
    spec: dict[str, Any], tags: dict[str, Tag], created: Counter[str]
) -> Enterprise:
    firm = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == spec["name"]))
    if firm is None:
        firm = enterprises.create_enterprise(
            name=spec["name"],
            credit_code=make_credit_code(spec["code17"]),
            industry=spec["industry"],
            address=spec["address"],
            contact_name=spec["contact_name"],
            contact_phone=spec["contact_phone"],
            tag_ids=[tags[t].id for t in spec["tags"]],
            actor=None,
        )
        created["enterprises"] += 1
    return firm


def _ensure_project(
    row: tuple[str, str, str, str], by_name: dict[str, Enterprise], created: Counter[str]
) -> None:
    firm_name, name, investment, stage = row
    firm = by_name[firm_name]
    exists = db.session.scalar(
        sa.select(Project.id).where(Project.enterprise_id == firm.id, Project.name == name)
    )
    if exists is None:
        enterprises.create_project(
            firm,
            name=name,
            investment=Decimal(investment),
            stage=ProjectStage(stage),
            actor=None,
        )
        created["projects"] += 1


def _ensure_enterprise_account(
    n: int, firm: Enterprise, password: str, created: Counter[str]
) -> None:
    username = enterprise_username(n)
    if _user(username) is None:
        accounts.create_user(
            username=username,
            name=firm.contact_name or firm.name,
            password=password,
            roles=(Role.ENTERPRISE,),
            phone=firm.contact_phone,
            enterprise_id=firm.id,
            must_change_password=False,
            actor=None,
        )
        created["users"] += 1


def _ensure_assignment(
    n: int, firm: Enterprise, staff: dict[str, User], created: Counter[str]
) -> None:
    """Officer n % 8 + 1 and that officer's leader cover the n-th enterprise, unless
    the enterprise is covered already (or has left the zone)."""
    if firm.current_assignment is not None or not firm.is_active:
        return
    officers = list(data.OFFICER_LEADERS)
    officer = officers[n % len(officers)]
    start = data.ASSIGNMENT_START + timedelta(weeks=n // len(officers))
    enterprises.assign_enterprise(
        firm,
        officer=staff[officer],
        leader=staff[data.OFFICER_LEADERS[officer]],
        start_date=min(start, local_today()),
        actor=staff["admin"],
        note=data.ASSIGNMENT_NOTE,
    )
    db.session.expire(firm, ["current_assignment"])
    created["assignments"] += 1


def _ensure_cover(staff: dict[str, User], created: Counter[str]) -> None:
    """顶岗: officer2 stands in for officer6 (away on training) for two weeks around
    today, so the covering colleague's enterprises show on officer2's contact list.
    Made once: any cover officer6 has is left alone."""
    colleague = staff["officer6"]
    if db.session.scalar(sa.select(Cover.id).where(Cover.colleague_id == colleague.id)):
        return
    today = local_today()
    create_cover(
        staff["officer2"],
        colleague,
        today - timedelta(days=3),
        today + timedelta(days=10),
        "外出参加省级业务培训",
        staff["admin"],
    )
    created["covers"] += 1
