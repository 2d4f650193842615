"""Reads of weekly checklists: whose, which weeks, and a leader's side-by-side view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hgq import access
from hgq.accounts.models import User
from hgq.checklists.models import ChecklistItem, ChecklistStatus, Outcome, WeeklyChecklist
from hgq.checklists.services import current_week, due_at, is_frozen, outcome_at
from hgq.checklists.weeks import Week
from hgq.extensions import db


@dataclass(frozen=True)
class TeamRow:
    """One officer's week on a leader's side-by-side view (``checklist`` is None until
    the officer first opens the week)."""

    officer: User
    checklist: WeeklyChecklist | None
    outcome: Outcome | None
    frozen: bool

    @property
    def items(self) -> list[ChecklistItem]:
        return self.checklist.items if self.checklist else []

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def submitted(self) -> bool:
        return self.checklist is not None and self.checklist.is_submitted


def team_week(user: User, week: Week, now: datetime) -> list[TeamRow]:
    """The week of every officer ``user`` oversees, by name (two queries)."""
    officers = db.session.scalars(access.select_team_officers(user).order_by(User.name)).all()
    checklists = {
        c.user_id: c
        for c in db.session.scalars(
            sa.select(WeeklyChecklist)
            .where(
                WeeklyChecklist.week_start == week.monday,
                WeeklyChecklist.user_id.in_([o.id for o in officers]),
            )
            .options(
                selectinload(WeeklyChecklist.items).selectinload(ChecklistItem.case),
                selectinload(WeeklyChecklist.reviewed_by),
            )
        )
    }
    rows = []
    for officer in officers:
        checklist = checklists.get(officer.id)
        rows.append(
            TeamRow(
                officer=officer,
                checklist=checklist,
                outcome=outcome_at(checklist, week, now),
                frozen=checklist is not None and is_frozen(checklist, now),
            )
        )
    return rows


def recent_weeks(officer: User, limit: int = 8) -> list[WeeklyChecklist]:
    """An officer's latest checklists, newest first (his history)."""
    return list(
        db.session.scalars(
            sa.select(WeeklyChecklist)
            .where(WeeklyChecklist.user_id == officer.id)
            .order_by(WeeklyChecklist.week_start.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class WeekSummary:
    """The home page's line about this week's checklists: the user's own (officer)
    and his team's submissions (those who oversee officers)."""

    week: Week
    due_at: datetime
    own: WeeklyChecklist | None
    own_items: int
    own_done: int
    keeps: bool
    team_size: int | None
    team_submitted: int | None


def week_summary(user: User, now: datetime) -> WeekSummary:
    """Counts only (no checklist is made here): three small queries at most."""
    week = current_week(now)
    own, items, done = None, 0, 0
    keeps = access.can_keep_checklist(user)
    if keeps:
        own = db.session.scalar(
            sa.select(WeeklyChecklist).where(
                WeeklyChecklist.user_id == user.id, WeeklyChecklist.week_start == week.monday
            )
        )
        if own is not None:
            items, done = db.session.execute(
                sa.select(
                    sa.func.count(ChecklistItem.id),
                    sa.func.count(ChecklistItem.id).filter(ChecklistItem.done),
                ).where(ChecklistItem.checklist_id == own.id)
            ).one()
    team_size = team_submitted = None
    if access.can_oversee_checklists(user):
        team = access.select_team_officers(user).with_only_columns(User.id).subquery()
        team_size = db.session.scalar(sa.select(sa.func.count()).select_from(team)) or 0
        team_submitted = (
            db.session.scalar(
                sa.select(sa.func.count(WeeklyChecklist.id)).where(
                    WeeklyChecklist.week_start == week.monday,
                    WeeklyChecklist.status == ChecklistStatus.SUBMITTED,
                    WeeklyChecklist.user_id.in_(sa.select(team.c.id)),
                )
            )
            or 0
        )
    return WeekSummary(
        week=week,
        due_at=own.due_at if own else due_at(week),
        own=own,
        own_items=items,
        own_done=done,
        keeps=keeps,
        team_size=team_size,
        team_submitted=team_submitted,
    )
