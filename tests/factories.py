"""Test data builders. Call inside an app context; each returns flushed, committed objects."""

from __future__ import annotations

import itertools
from datetime import date
from types import SimpleNamespace

from hgq.accounts import services as accounts
from hgq.accounts.models import Department, Role, User
from hgq.cases.models import Case, Category, Channel
from hgq.cases.services import create_case, ensure_default_categories
from hgq.deadlines.calendar import seed_from_package
from hgq.deadlines.services import ensure_default_policies
from hgq.enterprises import services as enterprises
from hgq.enterprises.credit_code import make_credit_code
from hgq.enterprises.models import Enterprise
from hgq.extensions import db
from hgq.points.rules import ensure_default_rules

PASSWORD = "test-pass-123"
_seq = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    """A valid 统一社会信用代码, distinct for each n."""
    n = next(_seq) if n is None else n
    return make_credit_code(f"91431200{n:09d}")


def make_department(name: str | None = None, **kw) -> Department:  # type: ignore[no-untyped-def]
    department = accounts.create_department(name=name or f"部门{next(_seq)}", actor=None, **kw)
    db.session.commit()
    return department


def make_user(username: str, *roles: Role, **kw) -> User:  # type: ignore[no-untyped-def]
    if Role.DEPARTMENT in roles and "department_id" not in kw:
        kw["department_id"] = make_department().id
    user = accounts.create_user(
        username=username,
        name=kw.pop("name", username),
        password=kw.pop("password", PASSWORD),
        roles=roles or (Role.OFFICER,),
        must_change_password=kw.pop("must_change_password", False),
        actor=kw.pop("actor", None),
        **kw,
    )
    db.session.commit()
    return user


def make_enterprise(name: str | None = None, **kw) -> Enterprise:  # type: ignore[no-untyped-def]
    n = next(_seq)
    enterprise = enterprises.create_enterprise(
        name=name or f"测试企业{n}",
        credit_code=kw.pop("credit_code", credit_code(n)),
        actor=kw.pop("actor", None),
        **kw,
    )
    db.session.commit()
    return enterprise


def assign(
    enterprise: Enterprise, officer: User, leader: User, actor: User, start: date = date(2026, 1, 5)
):  # type: ignore[no-untyped-def]
    assignment = enterprises.assign_enterprise(
        enterprise, officer=officer, leader=leader, start_date=start, actor=actor
    )
    db.session.commit()
    return assignment


def build_zone() -> SimpleNamespace:
    """admin, committee, secadmin, auditor, leader1/2, officer1/2, dept1, enterprise A
    (officer1, leader1) with account ent_a, enterprise B (officer2, leader2) with account
    ent_b, and an uncovered enterprise C. Returns their ids."""
    ensure_default_categories()
    ensure_default_policies()
    seed_from_package()
    ensure_default_rules()
    admin = make_user("admin", Role.ADMIN, name="管理员")
    committee = make_user("committee1", Role.COMMITTEE, name="工委委员")
    secadmin = make_user("secadmin", Role.SECURITY_ADMIN, name="安全管理员")
    auditor = make_user("auditor", Role.AUDIT_ADMIN, name="审计管理员")
    leader1 = make_user("leader1", Role.LEADER, name="领导一")
    leader2 = make_user("leader2", Role.LEADER, name="领导二")
    officer1 = make_user("officer1", Role.OFFICER, name="干部一")
    officer2 = make_user("officer2", Role.OFFICER, name="干部二")
    dept1 = make_user("dept1", Role.DEPARTMENT, name="部门用户")
    ent_a = make_enterprise("甲企业")
    ent_b = make_enterprise("乙企业")
    ent_c = make_enterprise("丙企业")
    assign(ent_a, officer1, leader1, admin)
    assign(ent_b, officer2, leader2, admin)
    user_a = make_user("ent_a", Role.ENTERPRISE, name="甲企业联系人", enterprise_id=ent_a.id)
    user_b = make_user("ent_b", Role.ENTERPRISE, name="乙企业联系人", enterprise_id=ent_b.id)
    return SimpleNamespace(
        admin=admin.id,
        committee=committee.id,
        secadmin=secadmin.id,
        auditor=auditor.id,
        leader1=leader1.id,
        leader2=leader2.id,
        officer1=officer1.id,
        officer2=officer2.id,
        dept1=dept1.id,
        ent_a=ent_a.id,
        ent_b=ent_b.id,
        ent_c=ent_c.id,
        user_a=user_a.id,
        user_b=user_b.id,
    )


def make_case(enterprise_id: int, creator_id: int, **kw) -> Case:  # type: ignore[no-untyped-def]
    """A level-1 case of an enterprise, logged by ``creator_id`` (category 用地)."""
    ensure_default_categories()
    case = create_case(
        creator=db.session.get(User, creator_id),
        enterprise=db.session.get(Enterprise, enterprise_id),
        title=kw.pop("title", "厂房用地手续办理"),
        description=kw.pop("description", "二期厂房用地规划许可迟迟未批，请协调。"),
        category=kw.pop("category", None)
        or db.session.scalar(db.select(Category).where(Category.code == "land")),
        channel=kw.pop("channel", Channel.ONSITE),
        **kw,
    )
    db.session.commit()
    return case
