"""Visits (定期联络 / 走访): a staff member's contact with a covered enterprise."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgq.accounts.models import User
from hgq.db import Base, UTCDateTime, enum_type, utcnow
from hgq.enterprises.models import Enterprise

if TYPE_CHECKING:
    from hgq.cases.models import Case


class VisitMethod(StrEnum):
    """How the contact took place."""

    ONSITE = "onsite"  # 上门: at the enterprise's premises
    PHONE = "phone"  # 电话
    VIDEO = "video"  # 视频
    MEETING = "meeting"  # 座谈: a meeting with the enterprise (e.g. a symposium)

    @property
    def label(self) -> str:
        return METHOD_LABELS[self]


METHOD_LABELS = {
    VisitMethod.ONSITE: "上门",
    VisitMethod.PHONE: "电话",
    VisitMethod.VIDEO: "视频",
    VisitMethod.MEETING: "座谈",
}


class Visit(Base):
    """One contact with an enterprise. Cases raised during it point back through
    ``Case.visit_id``."""

    __tablename__ = "visits"
    __table_args__ = (sa.Index("ix_visits_enterprise_visited_on", "enterprise_id", "visited_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    visitor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The local date of the contact (never in the future).
    visited_on: Mapped[date] = mapped_column(index=True)
    method: Mapped[VisitMethod] = mapped_column(enum_type(VisitMethod, "visit_method"))
    people_met: Mapped[str] = mapped_column(sa.String(200), default="")
    summary: Mapped[str] = mapped_column(sa.Text)
    problems: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    visitor: Mapped[User] = relationship()
    cases: Mapped[list[Case]] = relationship(back_populates="visit", order_by="Case.id")
