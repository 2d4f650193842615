"""Cases, their append-only events (办理记录), categories and attachments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgq.accounts.models import User
from hgq.audit.chain import Chained
from hgq.audit.triggers import append_only
from hgq.db import Base, TimestampMixin, UTCDateTime, enum_type, utcnow
from hgq.enterprises.models import Enterprise, Project

if TYPE_CHECKING:
    from hgq.visits.models import Visit


class CaseStatus(StrEnum):
    """Where a case stands (DESIGN §3). ``level`` is kept apart from the status."""

    SUBMITTED = "submitted"  # 待受理: logged, nobody has accepted or answered it yet
    ACCEPTED = "accepted"  # 已受理: the handler took it on
    IN_PROGRESS = "in_progress"  # 办理中: the handler acted after accepting, or it reopened
    RESOLVED = "resolved"  # 已办结: result and reply recorded, awaiting the enterprise
    CLOSED = "closed"  # 已归档: rated, or closed without a rating
    REJECTED = "rejected"  # 不予受理: refused, with a reply the enterprise sees
    WITHDRAWN = "withdrawn"  # 已撤回: the enterprise took it back before resolution

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    CaseStatus.SUBMITTED: "待受理",
    CaseStatus.ACCEPTED: "已受理",
    CaseStatus.IN_PROGRESS: "办理中",
    CaseStatus.RESOLVED: "已办结",
    CaseStatus.CLOSED: "已归档",
    CaseStatus.REJECTED: "不予受理",
    CaseStatus.WITHDRAWN: "已撤回",
}
OPEN_STATUSES = frozenset({CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS})
LEVEL_LABELS = {1: "一级 · 包保责任人", 2: "二级 · 包保领导会商", 3: "三级 · 工委管委集中研究"}


class Channel(StrEnum):
    """How the request reached the zone."""

    ONSITE = "onsite"  # 上门走访
    PHONE = "phone"  # 电话
    SELF_REPORTED = "self_reported"  # 企业自报
    MEETING = "meeting"  # 会议
    HOTLINE_12345 = "hotline_12345"  # 12345转办
    OTHER = "other"  # 其他

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.ONSITE: "上门走访",
    Channel.PHONE: "电话",
    Channel.SELF_REPORTED: "企业自报",
    Channel.MEETING: "会议",
    Channel.HOTLINE_12345: "12345转办",
    Channel.OTHER: "其他",
}


class Urgency(StrEnum):
    NORMAL = "normal"  # 一般
    URGENT = "urgent"  # 紧急
    CRITICAL = "critical"  # 特急: production stopped, safety at stake

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self]


URGENCY_LABELS = {Urgency.NORMAL: "一般", Urgency.URGENT: "紧急", Urgency.CRITICAL: "特急"}


class ResolutionType(StrEnum):
    """What the handler says the resolution is; only the enterprise's rating decides
    whether the case counts as solved in the measures."""

    SOLVED = "solved"  # 已解决
    EXPLAINED = "explained"  # 解释说明: cannot be solved, explained with the policy basis
    PARTLY_SOLVED = "partly_solved"  # 部分解决

    @property
    def label(self) -> str:
        return RESOLUTION_LABELS[self]


RESOLUTION_LABELS = {
    ResolutionType.SOLVED: "已解决",
    ResolutionType.EXPLAINED: "解释说明",
    ResolutionType.PARTLY_SOLVED: "部分解决",
}


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意: reopens the case at the level it was resolved

    @property
    def label(self) -> str:
        return SATISFACTION_LABELS[self]


SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: "满意",
    Satisfaction.BASICALLY_SATISFIED: "基本满意",
    Satisfaction.DISSATISFIED: "不满意",
}


class Category(Base):
    """An admin-editable case category (用地, 融资, …); the API refers to it by ``code``."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(30), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name


class CaseCounter(Base):
    """The last case number handed out in a year (codes are HGQ-<year>-<number>)."""

    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(default=0)


class Case(TimestampMixin, Base):
    """One enterprise request or problem (诉求/问题/件).

    Status, level and handler change only through :mod:`hgq.cases.workflow`, which
    also appends a :class:`CaseEvent` for every action. ``version`` implements
    optimistic locking: every action increments it, and an action sent against an
    older version is refused.
    """

    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint("level BETWEEN 1 AND 3", name="level_range"),
        sa.Index("ix_cases_status_level", "status", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"), index=True)
    urgency: Mapped[Urgency] = mapped_column(enum_type(Urgency, "urgency"), default=Urgency.NORMAL)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # 首问(首办)责任人: set once at creation, never changed (None: nobody covered it).
    first_owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # For the statistics (hgq.stats), fixed at submission: the enterprise's 包保领导 and
    # the first owner's department then. Plain ids, no foreign keys: adding one would
    # have rebuilt this table on SQLite.
    leader_id: Mapped[int | None] = mapped_column(index=True)
    department_id: Mapped[int | None] = mapped_column(index=True)
    # 承办人: who must act now; None means a queue (leaders' at levels 1-2, committee's at 3).
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    level: Mapped[int] = mapped_column(default=1, index=True)
    status: Mapped[CaseStatus] = mapped_column(
        enum_type(CaseStatus, "case_status"), default=CaseStatus.SUBMITTED, index=True
    )
    version: Mapped[int] = mapped_column(default=1)

    # When the current level began (creation, or the last escalation).
    level_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Deadlines (hgq.deadlines): the response limit from submission, the current
    # level's resolution limit, and ``due_at``, the one that matters now (response
    # until answered, then resolution). ``due_soon_at`` is when the light turns yellow.
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    due_soon_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # A deadline fell in a year the work calendar does not cover (weekdays only).
    deadline_provisional: Mapped[bool] = mapped_column(default=False)
    # 挂起: the clock stands still while waiting on the enterprise.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 督办: supervised by a superior (or flagged by the sweep at level 3).
    urged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    urge_count: Mapped[int] = mapped_column(default=0)
    # 延期: working days the handler asked for, awaiting the level above.
    extension_pending_days: Mapped[int | None]

    resolution_type: Mapped[ResolutionType | None] = mapped_column(
        enum_type(ResolutionType, "resolution_type")
    )
    resolution_reply: Mapped[str | None] = mapped_column(sa.Text)
    resolved_level: Mapped[int | None]

    rating_solved: Mapped[bool | None]
    rating_satisfaction: Mapped[Satisfaction | None] = mapped_column(
        enum_type(Satisfaction, "satisfaction")
    )
    rating_comment: Mapped[str | None] = mapped_column(sa.String(500))
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Closed without the enterprise's rating (by staff, or automatically after 7 days).
    closed_unrated: Mapped[bool] = mapped_column(default=False)
    reopen_count: Mapped[int] = mapped_column(default=0)
    # The visit (定期联络) during which the problem was found, if any.
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"), index=True)

    enterprise: Mapped[Enterprise] = relationship()
    project: Mapped[Project | None] = relationship()
    visit: Mapped[Visit | None] = relationship(back_populates="cases")
    category: Mapped[Category] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    first_owner: Mapped[User | None] = relationship(foreign_keys=[first_owner_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", passive_deletes="all"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="case", order_by="Attachment.id"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def is_urged(self) -> bool:
        return self.urged_at is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CaseEvent(Chained, Base):
    """One entry of a case's timeline. Append-only: never updated, never deleted (the
    database refuses both); hash-chained like the audit records (hgq.audit.chain)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(sa.String(30), index=True)
    from_status: Mapped[CaseStatus | None] = mapped_column(
        enum_type(CaseStatus, "event_from_status")
    )
    to_status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus, "event_to_status"))
    from_level: Mapped[int | None]
    to_level: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    visible_to_enterprise: Mapped[bool] = mapped_column(default=False)
    # Structured details of the action (resolution type, rating, new handler, …).
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


append_only(CaseEvent.__table__)  # type: ignore[arg-type]


class Attachment(Base):
    """A file attached to a case; stored under instance/uploads with a random name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_events.id"))
    filename: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Visible to the enterprise unless staff marked it internal.
    internal: Mapped[bool] = mapped_column(default=False)

    case: Mapped[Case] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User] = relationship()
