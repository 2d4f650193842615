"""Departments, users and their roles (DESIGN §1)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgq.db import Base, TimestampMixin, UTCDateTime, enum_type

if TYPE_CHECKING:
    from hgq.enterprises.models import Enterprise


class Role(StrEnum):
    """What a user may do; a user holds one or several."""

    OFFICER = "officer"  # 包保责任人: visits assigned enterprises, handles level 1
    LEADER = "leader"  # 包保领导: oversees enterprises and officers, handles level 2
    COMMITTEE = "committee"  # 工委、管委: level 3, sees everything
    DEPARTMENT = "department"  # 行业部门/承办部门: indicators, cases handed to the department
    ENTERPRISE = "enterprise"  # 企业: its own requests and cases only
    ADMIN = "admin"  # 系统管理员: users, departments, enterprises, assignments
    # 三员分立 (等保): the security and audit administrators hold their role alone.
    SECURITY_ADMIN = "secadmin"  # 安全管理员: password policy, two-factor, lockouts
    AUDIT_ADMIN = "auditadmin"  # 审计管理员: reads the audit trail, changes nothing

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.OFFICER: "包保责任人",
    Role.LEADER: "包保领导",
    Role.COMMITTEE: "工委管委",
    Role.DEPARTMENT: "行业部门",
    Role.ENTERPRISE: "企业用户",
    Role.ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDIT_ADMIN: "审计管理员",
}

# Roles held alone: they oversee the system and act in none of the zone's work.
SOLE_ROLES = frozenset({Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Staff roles act for the zone; an enterprise user acts only for its enterprise.
STAFF_ROLES = frozenset(Role) - {Role.ENTERPRISE} - SOLE_ROLES


class Department(TimestampMixin, Base):
    """A department (部门) of the zone's administration."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    # 行业部门 answer for indicators and take cases handed to them (交办).
    is_industry: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    users: Mapped[list[User]] = relationship(back_populates="department")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def __str__(self) -> str:
        return self.name


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="role_links")


class EmailMode(StrEnum):
    """Whether and how a user's notifications are also sent by email."""

    OFF = "off"  # 不发送邮件 (the default)
    EACH = "each"  # 每条消息发送一封邮件
    DAILY = "daily"  # 每天汇总发送一封

    @property
    def label(self) -> str:
        return EMAIL_MODE_LABELS[self]


EMAIL_MODE_LABELS: dict[EmailMode, str] = {
    EmailMode.OFF: "不发送邮件",
    EmailMode.EACH: "每条消息发送一封邮件",
    EmailMode.DAILY: "每天汇总发送一封",
}


class User(UserMixin, TimestampMixin, Base):
    """A person who signs in: staff of the zone, or an account of one enterprise."""

    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("username = lower(username)", name="username_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    # Notifications by email (hgq.notifications.mail): "" means no address; the mode is
    # an EmailMode value, checked by hgq.notifications.services (no CHECK: adding one to
    # SQLite would rebuild this table, which every other table refers to).
    email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    email_mode: Mapped[str] = mapped_column(
        sa.String(10), default=EmailMode.OFF.value, server_default=EmailMode.OFF.value
    )
    # When the last daily digest was claimed for this user (once per local day).
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    # Set for enterprise accounts only; several accounts may share one enterprise.
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True, index=True)
    # Bumped to end every open session of this user (deactivation, password reset).
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Password policy (hgq.security.passwords): a new account or an administrator's
    # reset must be changed at the next sign-in; the age counts from the last change.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in (hgq.security.totp): the base32 TOTP secret (pending until
    # ``totp_enabled_at`` is set), and the last time step accepted, so a code is
    # never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    department: Mapped[Department | None] = relationship(back_populates="users")
    enterprise: Mapped[Enterprise | None] = relationship(back_populates="accounts")
    role_links: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    # -- roles -----------------------------------------------------------------
    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(link.role for link in self.role_links)

    def has_role(self, *roles: Role) -> bool:
        """True if the user holds any of ``roles``."""
        return not self.roles.isdisjoint(roles)

    @property
    def is_staff(self) -> bool:
        return not self.roles.isdisjoint(STAFF_ROLES)

    @property
    def role_labels(self) -> list[str]:
        return [role.label for role in Role if role in self.roles]

    # -- Flask-Login -----------------------------------------------------------
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        # The session version travels in the cookie, so bumping it logs the user out.
        return f"{self.id}:{self.session_version}"

    def __str__(self) -> str:
        return self.name
