"""Imports every domain's models, so the mapper and Alembic see the whole schema."""

from hgq.accounts.models import Department, Role, User, UserRole
from hgq.enterprises.models import Assignment, Enterprise, Project, ProjectStage, Tag

__all__ = [
    "Assignment",
    "Department",
    "Enterprise",
    "Project",
    "ProjectStage",
    "Role",
    "Tag",
    "User",
    "UserRole",
]
