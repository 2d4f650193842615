"""Imports every domain's models, so the mapper and Alembic see the whole schema."""

from hgq.accounts.models import Department, Role, User, UserRole
from hgq.api.models import ApiToken
from hgq.cases.models import Attachment, Case, CaseCounter, CaseEvent, Category
from hgq.deadlines.models import CalendarDay, CalendarYear
from hgq.enterprises.models import Assignment, Enterprise, Project, ProjectStage, Tag
from hgq.notifications.models import Notification

__all__ = [
    "ApiToken",
    "Assignment",
    "Attachment",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "Category",
    "Department",
    "Enterprise",
    "Notification",
    "Project",
    "ProjectStage",
    "Role",
    "Tag",
    "User",
    "UserRole",
]
