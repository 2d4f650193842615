"""Imports every domain's models, so the mapper and Alembic see the whole schema."""

from hgq.accounts.models import Department, Role, User, UserRole
from hgq.api.models import ApiToken
from hgq.audit.models import AuditRecord
from hgq.cases.models import Attachment, Case, CaseCounter, CaseEvent, Category
from hgq.checklists.models import ChecklistItem, WeeklyChecklist
from hgq.deadlines.models import (
    CalendarDay,
    CalendarYear,
    CaseDeadline,
    DeadlineNotice,
    SlaPolicy,
)
from hgq.enterprises.models import Assignment, Cover, Enterprise, Project, ProjectStage, Tag
from hgq.notifications.models import Notification
from hgq.points.models import Appeal, PointEntry, PointRule
from hgq.security.models import LoginAttempt
from hgq.settings.models import Setting
from hgq.stats.models import CaseStat, CaseStatAwaiting, CaseStatDays, CaseStatZoneDays
from hgq.visits.models import Visit, VisitMethod

__all__ = [
    "ApiToken",
    "Appeal",
    "Assignment",
    "Attachment",
    "AuditRecord",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseCounter",
    "CaseDeadline",
    "CaseEvent",
    "CaseStat",
    "CaseStatAwaiting",
    "CaseStatDays",
    "CaseStatZoneDays",
    "Category",
    "ChecklistItem",
    "Cover",
    "DeadlineNotice",
    "Department",
    "Enterprise",
    "LoginAttempt",
    "Notification",
    "PointEntry",
    "PointRule",
    "Project",
    "ProjectStage",
    "Role",
    "Setting",
    "SlaPolicy",
    "Tag",
    "User",
    "UserRole",
    "Visit",
    "VisitMethod",
    "WeeklyChecklist",
]
