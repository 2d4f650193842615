"""Weekly checklists (每周清单) and their items."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgq.accounts.models import User
from hgq.cases.models import Case
from hgq.checklists.weeks import Week
from hgq.db import Base, UTCDateTime, enum_type, utcnow
from hgq.enterprises.models import Enterprise


class ChecklistStatus(StrEnum):
    OPEN = "open"  # 填报中: items may change
    SUBMITTED = "submitted"  # 已提交: frozen

    @property
    def label(self) -> str:
        return {ChecklistStatus.OPEN: "填报中", ChecklistStatus.SUBMITTED: "已提交"}[self]


class Outcome(StrEnum):
    """How the week's submission counts (积分考核 reads it)."""

    ON_TIME = "on_time"  # 按时: submitted by the deadline
    LATE = "late"  # 逾期: submitted after the deadline, before the week was closed
    MISSING = "missing"  # 未交: not submitted when the week was closed

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {Outcome.ON_TIME: "按时提交", Outcome.LATE: "逾期提交", Outcome.MISSING: "未提交"}


class ItemKind(StrEnum):
    CASE = "case"  # an open case he received first (首问) or handles
    CONTACT = "contact"  # an enterprise due for contact this week
    CARRIED = "carried"  # unfinished last week, carried over
    OWN = "own"  # added by the officer himself

    @property
    def label(self) -> str:
        return ITEM_KIND_LABELS[self]


ITEM_KIND_LABELS = {
    ItemKind.CASE: "诉求办理",
    ItemKind.CONTACT: "定期联络",
    ItemKind.CARRIED: "上周结转",
    ItemKind.OWN: "自定事项",
}


class WeeklyChecklist(Base):
    """One officer's checklist for one ISO week (``week_start`` is its Monday).

    ``due_at`` is the submission deadline, fixed from the work calendar when the
    checklist is made (and refreshed while it is open). ``outcome`` is set on
    submission (on time or late) or when the week is closed unsubmitted (missing).
    """

    __tablename__ = "weekly_checklists"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "week_start", name="uq_weekly_checklists_user_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    week_start: Mapped[date] = mapped_column(index=True)
    status: Mapped[ChecklistStatus] = mapped_column(
        enum_type(ChecklistStatus, "checklist_status"), default=ChecklistStatus.OPEN
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[Outcome | None] = mapped_column(
        enum_type(Outcome, "checklist_outcome"), index=True
    )
    # The leader's review (点评) of a submitted week.
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    items: Mapped[list[ChecklistItem]] = relationship(
        back_populates="checklist",
        order_by="(ChecklistItem.position, ChecklistItem.id)",
        cascade="all, delete-orphan",
    )

    # Optimistic locking: the services raise ``version`` by one on every change a
    # person makes (progress, items, submission, review), and the UPDATE only applies
    # where the version is still the one read — so two saves cannot silently overwrite
    # each other. Items live in their own table, hence the explicit bump.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012

    @property
    def week(self) -> Week:
        return Week(self.week_start)

    @property
    def is_submitted(self) -> bool:
        return self.status is ChecklistStatus.SUBMITTED


class ChecklistItem(Base):
    """One line of a checklist. ``origin`` is what the item is about (case, contact or
    own); ``kind`` is the same, except ``carried`` for an item brought over from last
    week (``carried_from_id``), whose origin is kept."""

    __tablename__ = "checklist_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(
        sa.ForeignKey("weekly_checklists.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind, "checklist_item_kind"))
    origin: Mapped[ItemKind] = mapped_column(enum_type(ItemKind, "checklist_item_origin"))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    carried_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("checklist_items.id"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    progress: Mapped[str] = mapped_column(sa.Text, default="")
    done: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    checklist: Mapped[WeeklyChecklist] = relationship(back_populates="items")
    case: Mapped[Case | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()
    carried_from: Mapped[ChecklistItem | None] = relationship(remote_side=[id])

    @property
    def ref_id(self) -> int | None:
        """The case (case items) or enterprise (contact items) the item is about."""
        return self.case_id if self.origin is ItemKind.CASE else self.enterprise_id
