"""Case codes (HGQ-2026-00042): unique, readable, safe under concurrent creation."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hgq.cases.models import CaseCounter
from hgq.extensions import db
from hgq.timeutil import local_today

PREFIX = "HGQ"


def next_case_code() -> str:
    """Take the next number of the zone's current year in one atomic upsert.

    ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` increments the year's counter under
    the row lock (PostgreSQL) or the write lock (SQLite), so two requests creating
    cases at once never get the same number.
    """
    year = local_today().year
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(CaseCounter)
        .values(year=year, value=1)
        .on_conflict_do_update(
            index_elements=[CaseCounter.year], set_={"value": CaseCounter.value + 1}
        )
        .returning(CaseCounter.value)
    )
    number = db.session.execute(stmt).scalar_one()
    return f"{PREFIX}-{year}-{number:05d}"


def current_count(year: int) -> int:
    return db.session.scalar(sa.select(CaseCounter.value).where(CaseCounter.year == year)) or 0
