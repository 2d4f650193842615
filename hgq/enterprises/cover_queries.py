"""Reads of covers (顶岗): the clause the access rules build on, and the admin list."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from hgq.enterprises.models import Assignment, Cover
from hgq.extensions import db
from hgq.timeutil import local_today


def covering_where(officer_id: Any, enterprise_id: Any, today: date | None = None) -> sa.Exists:
    """True where ``officer_id`` stands in on ``today`` (default: the local date) for
    the officer who currently covers the enterprise ``enterprise_id`` (a column of the
    outer query, or a value). One EXISTS over covers joined to current assignments; the
    assignment is aliased, so it never correlates with an Assignment the outer query
    joins itself. It does not chain: covering for someone who is himself standing in
    for a third officer gives nothing of the third officer's."""
    day = local_today() if today is None else today
    held = aliased(Assignment)
    return sa.exists().where(
        Cover.officer_id == officer_id,
        Cover.start_date <= day,
        Cover.end_date >= day,
        held.officer_id == Cover.colleague_id,
        held.enterprise_id == enterprise_id,
        held.end_date.is_(None),
    )


def select_covers(today: date) -> sa.Select[tuple[Cover]]:
    """Every cover for the admin list: running and upcoming ones first (by start date),
    then past ones (latest ended first); people loaded with them."""
    past = Cover.end_date < today
    return (
        sa.select(Cover)
        .order_by(
            sa.case((past, 1), else_=0),
            sa.case((past, None), else_=Cover.start_date),
            Cover.end_date.desc(),
            Cover.id.desc(),
        )
        .options(
            selectinload(Cover.officer),
            selectinload(Cover.colleague),
            selectinload(Cover.created_by),
        )
    )


def find_overlapping(
    officer_id: int, colleague_id: int, start_date: date, end_date: date
) -> Cover | None:
    """The earliest cover of ``officer_id`` for ``colleague_id`` sharing at least one day
    with [start_date, end_date] (both inclusive), if any."""
    stmt = sa.select(Cover).where(
        Cover.officer_id == officer_id,
        Cover.colleague_id == colleague_id,
        Cover.start_date <= end_date,
        Cover.end_date >= start_date,
    )
    return db.session.scalars(stmt.order_by(Cover.start_date).limit(1)).first()
