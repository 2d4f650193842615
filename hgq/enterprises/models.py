"""Enterprises, tags, key projects (重点项目) and assignments (联点包保)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgq.accounts.models import User
from hgq.db import Base, TimestampMixin, enum_type

enterprise_tags = sa.Table(
    "enterprise_tags",
    Base.metadata,
    sa.Column(
        "enterprise_id",
        sa.ForeignKey("enterprises.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Base):
    """A label for enterprises, e.g. 规上企业, 高新技术企业, 专精特新"小巨人"."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(30), unique=True)
    # 定期联络: enterprises with this tag are contacted at least every N days (None: the
    # CONTACT_INTERVAL_DAYS default); with several such tags the shortest wins.
    contact_interval_days: Mapped[int | None]

    def __str__(self) -> str:
        return self.name


class Enterprise(TimestampMixin, Base):
    """A covered enterprise (企业) of the zone."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    # 统一社会信用代码, validated by hgq.enterprises.credit_code.
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    industry: Mapped[str] = mapped_column(sa.String(50), default="", index=True)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(50), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    # An enterprise that left the zone stays on record but is no longer covered.
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    version: Mapped[int] = mapped_column(default=1)

    tags: Mapped[list[Tag]] = relationship(
        secondary=enterprise_tags, lazy="selectin", order_by=Tag.id
    )
    projects: Mapped[list[Project]] = relationship(
        back_populates="enterprise", order_by="Project.id", cascade="all, delete-orphan"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="enterprise", order_by="Assignment.start_date.desc(), Assignment.id.desc()"
    )
    accounts: Mapped[list[User]] = relationship(back_populates="enterprise")
    # The one assignment with no end date, if any (read-only: change it via services).
    current_assignment: Mapped[Assignment | None] = relationship(
        primaryjoin=(
            "and_(Assignment.enterprise_id == Enterprise.id, Assignment.end_date.is_(None))"
        ),
        viewonly=True,
        uselist=False,
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def __str__(self) -> str:
        return self.name


class ProjectStage(StrEnum):
    """How far a key project has come."""

    SIGNED = "signed"  # 签约
    REGISTERED = "registered"  # 注册
    STARTED = "started"  # 开工
    IN_PRODUCTION = "in_production"  # 投产

    @property
    def label(self) -> str:
        return PROJECT_STAGE_LABELS[self]


PROJECT_STAGE_LABELS = {
    ProjectStage.SIGNED: "签约",
    ProjectStage.REGISTERED: "注册",
    ProjectStage.STARTED: "开工",
    ProjectStage.IN_PRODUCTION: "投产",
}


class Project(TimestampMixin, Base):
    """A key project (重点项目) of an enterprise."""

    __tablename__ = "projects"
    __table_args__ = (
        sa.UniqueConstraint("enterprise_id", "name", name="uq_projects_enterprise_name"),
        sa.CheckConstraint("investment >= 0", name="investment_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # 计划总投资, in 万元 (ten-thousand yuan), as Chinese project tables state it.
    investment: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), default=Decimal(0))
    stage: Mapped[ProjectStage] = mapped_column(
        enum_type(ProjectStage, "project_stage"), default=ProjectStage.SIGNED, index=True
    )
    version: Mapped[int] = mapped_column(default=1)

    enterprise: Mapped[Enterprise] = relationship(back_populates="projects")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def __str__(self) -> str:
        return self.name


class Assignment(TimestampMixin, Base):
    """联点包保: who covers an enterprise, from ``start_date`` until ``end_date``.

    The period is half-open, [start_date, end_date); ``end_date`` is None while the
    assignment is current. At most one assignment per enterprise is current (a partial
    unique index guards it); ended ones are history and are never deleted.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="end_not_before_start"
        ),
        sa.Index(
            "uq_assignments_current_enterprise",
            "enterprise_id",
            unique=True,
            sqlite_where=sa.text("end_date IS NULL"),
            postgresql_where=sa.text("end_date IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    leader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    enterprise: Mapped[Enterprise] = relationship(back_populates="assignments")
    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
    leader: Mapped[User] = relationship(foreign_keys=[leader_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Cover(TimestampMixin, Base):
    """顶岗: ``officer`` stands in for ``colleague`` (away on leave, training, …) from
    ``start_date`` to ``end_date``, both inclusive. While it runs he may see and keep
    in contact with the colleague's enterprises as if he covered them himself."""

    __tablename__ = "covers"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="end_not_before_start"),
        sa.CheckConstraint("officer_id <> colleague_id", name="not_self"),
        sa.Index("ix_covers_officer_period", "officer_id", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    colleague_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
    colleague: Mapped[User] = relationship(foreign_keys=[colleague_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def runs_on(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date
