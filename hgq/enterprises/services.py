"""Changes to enterprises, projects, tags and assignments (联点包保).

Services check the domain's rules, change, write one audit record (:mod:`hgq.audit`)
and flush; the caller commits once, so a refused change writes no record. ``actor`` is
who made the change (None: the system — the demo builder, a CLI command). Edits keep
only the fields that changed, and an edit that changes nothing writes no record. The
actions: ``enterprise.create``/``enterprise.update``, ``project.create``/
``project.update``, ``tag.create``, ``tag.contact_interval``, ``assignment.create`` and
``assignment.end`` (both aimed at the enterprise).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hgq.accounts.models import Role, User
from hgq.audit.services import record_audit, record_change
from hgq.enterprises.credit_code import InvalidCreditCode, normalize_credit_code
from hgq.enterprises.models import Assignment, Enterprise, Project, ProjectStage, Tag
from hgq.errors import NotAllowed, VersionConflict
from hgq.extensions import db
from hgq.timeutil import local_today


def _check_version(obj: Enterprise | Project, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise VersionConflict()


def _unique(
    column: sa.ColumnElement[str], value: str, exclude_id: int | None, message: str, field: str
) -> None:
    stmt = sa.select(sa.literal(1)).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(column.table.c.id != exclude_id)  # type: ignore[attr-defined]
    if db.session.scalar(stmt) is not None:
        raise NotAllowed(message, field)


def _tags(tag_ids: Sequence[int]) -> list[Tag]:
    if not tag_ids:
        return []
    tags = list(db.session.scalars(sa.select(Tag).where(Tag.id.in_(tag_ids)).order_by(Tag.id)))
    if len(tags) != len(set(tag_ids)):
        raise NotAllowed("所选标签不存在", "tags")
    return tags


def enterprise_state(enterprise: Enterprise) -> dict[str, Any]:
    """What the audit trail keeps of an enterprise (its tags by name)."""
    return {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "industry": enterprise.industry,
        "address": enterprise.address,
        "contact_name": enterprise.contact_name,
        "contact_phone": enterprise.contact_phone,
        "tags": sorted(tag.name for tag in enterprise.tags),
        "is_active": enterprise.is_active,
    }


def create_enterprise(
    *,
    name: str,
    credit_code: str,
    industry: str = "",
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    tag_ids: Sequence[int] = (),
    actor: User | None,
) -> Enterprise:
    """Register an enterprise. Raises NotAllowed for an invalid or taken credit code,
    or a taken name. Audited as ``enterprise.create``."""
    enterprise = Enterprise(is_active=True)
    _fill_enterprise(
        enterprise, name, credit_code, industry, address, contact_name, contact_phone, tag_ids
    )
    db.session.add(enterprise)
    db.session.flush()
    record_audit(
        "enterprise.create",
        actor=actor,
        target_type="enterprise",
        target_id=enterprise.id,
        after=enterprise_state(enterprise),
    )
    return enterprise


def update_enterprise(
    enterprise: Enterprise,
    *,
    expected_version: int | None,
    name: str,
    credit_code: str,
    industry: str,
    address: str,
    contact_name: str,
    contact_phone: str,
    tag_ids: Sequence[int],
    is_active: bool,
    actor: User | None,
) -> Enterprise:
    """Edit an enterprise. Refused (besides what :func:`create_enterprise` refuses) for
    a stale version, or deactivating an enterprise that is still covered. Audited as
    ``enterprise.update`` with the fields that changed (tags by name)."""
    _check_version(enterprise, expected_version)
    if not is_active and enterprise.is_active and enterprise.current_assignment is not None:
        raise NotAllowed("该企业仍有在用的包保关系，请先结束包保后再停用", "is_active")
    before = enterprise_state(enterprise)
    _fill_enterprise(
        enterprise, name, credit_code, industry, address, contact_name, contact_phone, tag_ids
    )
    enterprise.is_active = is_active
    db.session.flush()
    record_change(
        "enterprise.update",
        actor=actor,
        target_type="enterprise",
        target_id=enterprise.id,
        before=before,
        after=enterprise_state(enterprise),
    )
    return enterprise


def _fill_enterprise(
    enterprise: Enterprise,
    name: str,
    credit_code: str,
    industry: str,
    address: str,
    contact_name: str,
    contact_phone: str,
    tag_ids: Sequence[int],
) -> None:
    tags = _tags(tag_ids)  # query before changing anything: autoflush would write twice
    try:
        code = normalize_credit_code(credit_code)
    except InvalidCreditCode as exc:
        raise NotAllowed(str(exc), "credit_code") from exc
    name = name.strip()
    _unique(Enterprise.name, name, enterprise.id, f"企业“{name}”已存在", "name")
    taken = f"统一社会信用代码{code}已被其他企业使用"
    _unique(Enterprise.credit_code, code, enterprise.id, taken, "credit_code")
    enterprise.name = name
    enterprise.credit_code = code
    enterprise.industry = industry.strip()
    enterprise.address = address.strip()
    enterprise.contact_name = contact_name.strip()
    enterprise.contact_phone = contact_phone.strip()
    enterprise.tags = tags


def create_tag(name: str, *, actor: User | None) -> Tag:
    """Add a tag (refused if the name is taken); audited as ``tag.create``."""
    name = name.strip()
    _unique(Tag.name, name, None, f"标签“{name}”已存在", "name")
    tag = Tag(name=name)
    db.session.add(tag)
    db.session.flush()
    record_audit(
        "tag.create", actor=actor, target_type="tag", target_id=tag.id, after={"name": name}
    )
    return tag


def set_tag_contact_interval(tag: Tag, days: int | None, *, actor: User | None) -> Tag:
    """Set how often enterprises with ``tag`` are contacted (None: the default).
    Audited as ``tag.contact_interval`` when it changes."""
    if days is not None and not 1 <= days <= 365:
        raise NotAllowed("联络周期须为1至365天", "contact_interval_days")
    before = tag.contact_interval_days
    tag.contact_interval_days = days
    db.session.flush()
    record_change(
        "tag.contact_interval",
        actor=actor,
        target_type="tag",
        target_id=tag.id,
        before={"contact_interval_days": before},
        after={"contact_interval_days": days},
    )
    return tag


# -- projects -------------------------------------------------------------------
def _check_project_name(enterprise_id: int, name: str, exclude_id: int | None) -> str:
    name = name.strip()
    stmt = sa.select(Project.id).where(Project.enterprise_id == enterprise_id, Project.name == name)
    if exclude_id is not None:
        stmt = stmt.where(Project.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise NotAllowed(f"该企业已有名为“{name}”的项目", "name")
    return name


def project_state(project: Project) -> dict[str, Any]:
    """What the audit trail keeps of a project (investment in 万元 as a 2-place string)."""
    return {
        "enterprise_id": project.enterprise_id,
        "name": project.name,
        "investment": f"{Decimal(project.investment):.2f}",
        "stage": ProjectStage(project.stage).value,
    }


def create_project(
    enterprise: Enterprise,
    *,
    name: str,
    investment: Decimal,
    stage: ProjectStage,
    actor: User | None,
) -> Project:
    """Add a key project (重点项目) to ``enterprise``; audited as ``project.create``."""
    if investment < 0:
        raise NotAllowed("计划投资不能为负数", "investment")
    project = Project(
        enterprise=enterprise,
        name=_check_project_name(enterprise.id, name, None),
        investment=investment,
        stage=stage,
    )
    db.session.add(project)
    db.session.flush()
    record_audit(
        "project.create",
        actor=actor,
        target_type="project",
        target_id=project.id,
        after=project_state(project),
    )
    return project


def update_project(
    project: Project,
    *,
    expected_version: int | None,
    name: str,
    investment: Decimal,
    stage: ProjectStage,
    actor: User | None,
) -> Project:
    """Edit a project; audited as ``project.update`` with the fields that changed."""
    _check_version(project, expected_version)
    if investment < 0:
        raise NotAllowed("计划投资不能为负数", "investment")
    before = project_state(project)
    project.name = _check_project_name(project.enterprise_id, name, project.id)
    project.investment = investment
    project.stage = stage
    db.session.flush()
    record_change(
        "project.update",
        actor=actor,
        target_type="project",
        target_id=project.id,
        before=before,
        after=project_state(project),
    )
    return project


# -- assignments (联点包保) -------------------------------------------------------
def _check_covering_user(user: User | None, role: Role, label: str, field: str) -> User:
    if user is None or not user.active:
        raise NotAllowed(f"所选{label}不存在或已停用", field)
    if not user.has_role(role):
        raise NotAllowed(f"{user.name}没有“{label}”角色", field)
    return user


def coverage_state(assignment: Assignment) -> dict[str, Any]:
    """What the audit trail keeps of an assignment: who covers, and since when."""
    return {
        "assignment_id": assignment.id,
        "officer_id": assignment.officer_id,
        "officer": assignment.officer.name,
        "leader_id": assignment.leader_id,
        "leader": assignment.leader.name,
        "start_date": assignment.start_date.isoformat(),
    }


def _lock_current(enterprise: Enterprise) -> Assignment | None:
    """The current assignment, locked on PostgreSQL so two reassignments serialise."""
    return db.session.scalar(
        sa.select(Assignment)
        .where(Assignment.enterprise_id == enterprise.id, Assignment.end_date.is_(None))
        .with_for_update()
    )


def assign_enterprise(
    enterprise: Enterprise,
    *,
    officer: User | None,
    leader: User | None,
    start_date: date,
    actor: User | None,
    note: str = "",
) -> Assignment:
    """Make ``officer`` and ``leader`` cover ``enterprise`` from ``start_date``.

    A current assignment ends on ``start_date`` and stays as history. Refused when the
    enterprise is inactive, a person lacks the role or is inactive, officer and leader
    are the same person, nothing would change, or the dates run backwards or into the
    future. Audited as ``assignment.create`` on the enterprise: before, the previous
    coverage (None if there was none); after, the new one and its note.
    """
    if not enterprise.is_active:
        raise NotAllowed("该企业已停用，不能安排包保")
    officer = _check_covering_user(officer, Role.OFFICER, "包保责任人", "officer_id")
    leader = _check_covering_user(leader, Role.LEADER, "包保领导", "leader_id")
    if officer.id == leader.id:
        raise NotAllowed("包保责任人和包保领导不能是同一人", "leader_id")
    if start_date > local_today():
        raise NotAllowed("开始日期不能晚于今天", "start_date")
    current = _lock_current(enterprise)
    before = coverage_state(current) if current is not None else None
    if current is not None:
        if current.officer_id == officer.id and current.leader_id == leader.id:
            raise NotAllowed("包保责任人和包保领导均未变化")
        if start_date < current.start_date:
            raise NotAllowed(
                f"开始日期不能早于现任包保的开始日期（{current.start_date:%Y-%m-%d}）",
                "start_date",
            )
        current.end_date = start_date
        db.session.flush()  # the partial unique index admits one current row at a time
    assignment = Assignment(
        enterprise=enterprise,
        officer=officer,
        leader=leader,
        start_date=start_date,
        note=note.strip(),
        created_by=actor,
    )
    db.session.add(assignment)
    db.session.flush()
    record_audit(
        "assignment.create",
        actor=actor,
        target_type="enterprise",
        target_id=enterprise.id,
        before=before,
        after={**coverage_state(assignment), "note": assignment.note},
    )
    return assignment


def end_assignment(assignment: Assignment, *, end_date: date, actor: User | None) -> Assignment:
    """End a current assignment on ``end_date``; the enterprise is then uncovered.
    Audited as ``assignment.end`` on the enterprise: before, the coverage that ends
    (its end date None); after, the end date."""
    if assignment.end_date is not None:
        raise NotAllowed("该包保关系已经结束")
    if end_date < assignment.start_date:
        raise NotAllowed("结束日期不能早于开始日期", "end_date")
    if end_date > local_today():
        raise NotAllowed("结束日期不能晚于今天", "end_date")
    before = {**coverage_state(assignment), "end_date": None}
    assignment.end_date = end_date
    db.session.flush()
    record_audit(
        "assignment.end",
        actor=actor,
        target_type="enterprise",
        target_id=assignment.enterprise_id,
        before=before,
        after={"end_date": end_date.isoformat()},
    )
    return assignment
