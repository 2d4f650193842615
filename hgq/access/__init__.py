"""Who may see and do what. Every view and service asks this module; none decides alone.

Rules (DESIGN §1):
- admin and committee see every enterprise;
- an officer sees the enterprises he currently covers, a leader those he currently leads;
- 顶岗: while a ``Cover`` runs on today's local date (both ends inclusive), the officer
  standing in also sees the enterprises his colleague currently covers (no chaining);
- an enterprise user sees only his own enterprise;
- a department user sees enterprises only through matters handed to the department
  (cases, from the case workflow on), so none through the registry itself.

Cases (DESIGN §3):
- admin and committee see every case;
- an officer sees the cases of the enterprises he covers, and those he received first
  (首问) or handles, even after the enterprise was reassigned;
- a leader sees the cases of the enterprises he leads, those he handles, and the
  leaders' queue (unhandled cases below level 3);
- an enterprise user sees every case of his enterprise, and only those.

Visits (定期联络):
- an officer logs visits to the enterprises he currently covers, a leader to those he
  currently leads; nobody else (admin and committee only through those roles);
- visits are internal: admin and committee see all, officers and leaders the visits
  they made and those of the enterprises they currently cover or lead;
- 顶岗: while it runs, those enterprises include the colleague's (to log, on the contact
  list, to see); a cover widens no cases beyond those the officer logs himself.

Weekly checklists (每周清单):
- every officer keeps his own, and only he changes it;
- his leaders (those who currently lead an enterprise he covers) see it, review it
  and remind him; committee and admin see every officer's.

Security and the audit trail (三员分立, :mod:`hgq.access.security`):
- the security admin runs the security settings and lockouts, the audit admin reads
  the audit trail; both roles are held alone and see none of the zone's work;
- the system admin does both too, unless separation of duties is on.

Objects that exist but are not visible answer 404, exactly like missing ones.
Every view carries one of the decorators below; a test fails for any view without one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from hgq.access.security import can_manage_security, can_read_audit
from hgq.accounts.models import STAFF_ROLES, Role, User
from hgq.cases.models import Attachment, Case, CaseStatus
from hgq.cases.workflow import TOP_LEVEL, Relation
from hgq.enterprises.cover_queries import covering_where
from hgq.enterprises.models import Assignment, Enterprise
from hgq.extensions import db
from hgq.visits.models import Visit

F = TypeVar("F", bound=Callable[..., Any])

ACCESS_ATTR = "_hgq_access"


# -- view decorators ------------------------------------------------------------
def public(view: F) -> F:
    """Anyone, signed in or not (the login page, static pages)."""
    setattr(view, ACCESS_ATTR, "public")
    return view


def signed_in(view: F) -> F:
    """Any signed-in user; the view narrows what it shows through this module."""
    wrapped = login_required(view)
    setattr(wrapped, ACCESS_ATTR, "signed_in")
    return wrapped  # type: ignore[return-value]


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Signed in and holding one of ``roles``; 403 otherwise."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped = login_required(wrapper)
        setattr(wrapped, ACCESS_ATTR, ("roles", frozenset(roles)))
        return wrapped  # type: ignore[return-value]

    return decorator


def allowed_if(check: Callable[[User], bool]) -> Callable[[F], F]:
    """Signed in and ``check(current_user)`` true; 403 otherwise. For permissions that
    depend on a setting as well as on roles (三员分立)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapped = login_required(wrapper)
        setattr(wrapped, ACCESS_ATTR, ("check", check.__name__))
        return wrapped  # type: ignore[return-value]

    return decorator


admin_required = roles_required(Role.ADMIN)
staff_required = roles_required(*STAFF_ROLES)
# 三员分立: the system admin does these too unless separation of duties is on.
security_admin_required = allowed_if(can_manage_security)
audit_reader_required = allowed_if(can_read_audit)


# -- enterprises ----------------------------------------------------------------
def _current_assignment_where(column: sa.ColumnElement[int], user: User) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        Assignment.enterprise_id == Enterprise.id,
        Assignment.end_date.is_(None),
        column == user.id,
    )


def enterprise_visibility(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause on ``Enterprise`` that is true for the enterprises ``user`` may see."""
    if user.has_role(Role.ADMIN, Role.COMMITTEE):
        return sa.true()
    clauses: list[sa.ColumnElement[bool]] = []
    if user.has_role(Role.OFFICER):
        clauses.append(_current_assignment_where(Assignment.officer_id, user))
        clauses.append(covering_where(user.id, Enterprise.id))
    if user.has_role(Role.LEADER):
        clauses.append(_current_assignment_where(Assignment.leader_id, user))
    if user.has_role(Role.ENTERPRISE) and user.enterprise_id is not None:
        clauses.append(Enterprise.id == user.enterprise_id)
    return sa.or_(*clauses) if clauses else sa.false()


def select_visible_enterprises(user: User) -> sa.Select[tuple[Enterprise]]:
    """The enterprises ``user`` may see, as a Select to filter, order and paginate."""
    return sa.select(Enterprise).where(enterprise_visibility(user))


def can_view_enterprise(user: User, enterprise: Enterprise) -> bool:
    stmt = sa.select(sa.literal(True)).where(
        Enterprise.id == enterprise.id, enterprise_visibility(user)
    )
    return bool(db.session.scalar(stmt))


def access_enterprise(user: User, enterprise_id: int) -> Enterprise:
    """The enterprise if ``user`` may see it; 404 whether it is missing or not his."""
    enterprise = db.session.scalar(
        select_visible_enterprises(user).where(Enterprise.id == enterprise_id)
    )
    if enterprise is None:
        abort(404)
    return enterprise


def select_board_enterprises(user: User) -> sa.Select[tuple[Enterprise]]:
    """挂牌公示 is public within the administration: every staff member sees who covers
    every enterprise (names and phones of the covering staff, no enterprise internals);
    an enterprise user sees only the entry of his own enterprise."""
    if user.is_staff:
        return sa.select(Enterprise)
    return select_visible_enterprises(user)


def can_see_assignment_history(user: User) -> bool:
    """Past coverage is internal: staff who oversee coverage see it, enterprises do not."""
    return user.has_role(Role.ADMIN, Role.COMMITTEE, Role.LEADER)


def can_manage_registry(user: User) -> bool:
    """Users, departments, enterprises, projects and assignments are the admin's."""
    return user.has_role(Role.ADMIN)


# -- cases ----------------------------------------------------------------------
def _covers_case_enterprise(column: sa.ColumnElement[int], user: User) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        Assignment.enterprise_id == Case.enterprise_id,
        Assignment.end_date.is_(None),
        column == user.id,
    )


def case_visibility(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause on ``Case`` that is true for the cases ``user`` may see."""
    if user.has_role(Role.ADMIN, Role.COMMITTEE):
        return sa.true()
    clauses: list[sa.ColumnElement[bool]] = []
    if user.has_role(Role.OFFICER, Role.LEADER):
        clauses += [Case.first_owner_id == user.id, Case.handler_id == user.id]
    if user.has_role(Role.OFFICER):
        clauses.append(_covers_case_enterprise(Assignment.officer_id, user))
    if user.has_role(Role.LEADER):
        clauses.append(_covers_case_enterprise(Assignment.leader_id, user))
        clauses.append(sa.and_(Case.handler_id.is_(None), Case.level < TOP_LEVEL))
    if user.has_role(Role.ENTERPRISE) and user.enterprise_id is not None:
        clauses.append(Case.enterprise_id == user.enterprise_id)
    return sa.or_(*clauses) if clauses else sa.false()


def select_visible_cases(user: User) -> sa.Select[tuple[Case]]:
    """The cases ``user`` may see, as a Select to filter, order and paginate."""
    return sa.select(Case).where(case_visibility(user))


def access_case(user: User, case_id: int) -> Case:
    """The case if ``user`` may see it; 404 whether it is missing or not his."""
    case = db.session.scalar(select_visible_cases(user).where(Case.id == case_id))
    if case is None:
        abort(404)
    return case


def access_attachment(user: User, attachment_id: int) -> Attachment:
    """An attachment of a case ``user`` may see (internal files: staff only); else 404."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or (attachment.internal and not user.is_staff):
        abort(404)
    access_case(user, attachment.case_id)
    return attachment


def _leads_enterprise(user: User, enterprise_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.literal(True)).where(
                Assignment.enterprise_id == enterprise_id,
                Assignment.end_date.is_(None),
                Assignment.leader_id == user.id,
            )
        )
    )


def _is_handler(user: User, case: Case) -> bool:
    if case.handler_id is not None:
        return case.handler_id == user.id
    if case.level >= TOP_LEVEL:  # the committee's queue
        return user.has_role(Role.COMMITTEE)
    return user.has_role(Role.LEADER, Role.COMMITTEE)  # the leaders' queue


def case_relations(user: User, case: Case) -> frozenset[Relation]:
    """How ``user`` stands to ``case``; the workflow decides what each relation may do.

    The caller has already checked that the user may see the case.
    """
    relations: set[Relation] = set()
    if user.has_role(Role.ENTERPRISE):
        if user.enterprise_id == case.enterprise_id:
            relations.add(Relation.ENTERPRISE)
        return frozenset(relations)
    if user.is_staff:
        relations.add(Relation.STAFF)
    if _is_handler(user, case):
        relations.add(Relation.HANDLER)
    if user.has_role(Role.COMMITTEE) or (
        case.level < 2
        and user.has_role(Role.LEADER)
        and _leads_enterprise(user, case.enterprise_id)
    ):
        relations.add(Relation.SUPERVISOR)
    return frozenset(relations)


# Cases that have ended take no more files: 归档, 不予受理, 撤回.
UPLOAD_CLOSED = frozenset({CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN})


def can_upload_attachment(user: User, case: Case) -> bool:
    """Staff who may see the case, and the case's enterprise, until the case has ended.
    The caller has already checked that the user may see the case."""
    if case.status in UPLOAD_CLOSED:
        return False
    own = user.has_role(Role.ENTERPRISE) and user.enterprise_id == case.enterprise_id
    return own or user.is_staff


def can_see_contact_records(user: User) -> bool:
    """联络记录 on an enterprise's page: the staff who cover, lead or oversee it."""
    return user.has_role(Role.OFFICER, Role.LEADER, Role.COMMITTEE, Role.ADMIN)


def can_create_case_for(user: User, enterprise: Enterprise) -> bool:
    """Staff who may see an active enterprise may log its requests; an enterprise user
    submits his own enterprise's."""
    if not enterprise.is_active:
        return False
    if user.has_role(Role.ENTERPRISE):
        return user.enterprise_id == enterprise.id
    return user.has_role(Role.OFFICER, Role.LEADER, Role.COMMITTEE) and can_view_enterprise(
        user, enterprise
    )


# -- visits (定期联络) -------------------------------------------------------------
def _contact_duty(user: User, enterprise_id: Any) -> sa.ColumnElement[bool]:
    """True where ``user`` currently covers (officer) or leads (leader) the enterprise,
    or stands in today (顶岗) for the officer who covers it."""
    columns = []
    if user.has_role(Role.OFFICER):
        columns.append(Assignment.officer_id)
    if user.has_role(Role.LEADER):
        columns.append(Assignment.leader_id)
    if not columns:
        return sa.false()
    own = sa.exists().where(
        Assignment.enterprise_id == enterprise_id,
        Assignment.end_date.is_(None),
        sa.or_(*(column == user.id for column in columns)),
    )
    officer = user.has_role(Role.OFFICER)
    return sa.or_(own, covering_where(user.id, enterprise_id) if officer else sa.false())


def select_contact_enterprises(user: User) -> sa.Select[tuple[Enterprise]]:
    """The active enterprises ``user`` must keep in contact with (and may log visits to)."""
    return sa.select(Enterprise).where(Enterprise.is_active, _contact_duty(user, Enterprise.id))


def can_log_visit(user: User, enterprise: Enterprise) -> bool:
    """An officer to the active enterprises he currently covers (or stands in for), a
    leader to those he currently leads; nobody else."""
    if not enterprise.is_active:
        return False
    return bool(db.session.scalar(sa.select(_contact_duty(user, enterprise.id))))


def access_visit_enterprise(user: User, enterprise_id: int) -> Enterprise:
    """The enterprise to log a visit to: 404 if ``user`` may not see it, 403 if he may
    see it but has no contact duty there."""
    enterprise = access_enterprise(user, enterprise_id)
    if not can_log_visit(user, enterprise):
        abort(403)
    return enterprise


def visit_visibility(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause on ``Visit`` true for the visits ``user`` may see (internal:
    enterprise and department users see none)."""
    if user.has_role(Role.ADMIN, Role.COMMITTEE):
        return sa.true()
    if not user.has_role(Role.OFFICER, Role.LEADER):
        return sa.false()
    return sa.or_(Visit.visitor_id == user.id, _contact_duty(user, Visit.enterprise_id))


def select_visible_visits(user: User) -> sa.Select[tuple[Visit]]:
    """The visits ``user`` may see, as a Select to filter, order and paginate."""
    return sa.select(Visit).where(visit_visibility(user))


# Weekly checklists (每周清单), kept in their own module for size.
from hgq.access.checklists import (  # noqa: E402, F401  (part of this module's interface)
    access_checklist_owner,
    can_keep_checklist,
    can_oversee_checklists,
    can_review_checklist,
    can_view_checklist,
    select_team_officers,
)

# Points (积分考核), kept in their own module for size.
from hgq.access.points import (  # noqa: E402, F401  (part of this module's interface)
    access_points_person,
    can_see_points_of,
    can_see_rankings,
    is_assessor,
)

# Statistics (三率 and the dashboards' measures), kept in their own module for size.
from hgq.access.stats import (  # noqa: E402, F401  (part of this module's interface)
    can_view_stats,
    stats_filter_for,
)
