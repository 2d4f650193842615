"""Points shown outside their table: where each entry came from (a label and a link,
for the pages), and a ranking as an .xlsx workbook (名次, 姓名, 积分).

Everything an entry refers to (case codes, visited enterprises, checklist weeks, the
adjusters' names) is read with one small query per kind of source, never one per
entry. Nothing here changes the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import sqlalchemy as sa
from flask import url_for

from hgq.accounts.models import User
from hgq.cases.models import Case
from hgq.checklists.models import WeeklyChecklist
from hgq.checklists.weeks import Week
from hgq.enterprises.models import Enterprise
from hgq.extensions import db
from hgq.points.models import PointEntry, SourceType
from hgq.visits.models import Visit

HEADERS = ("名次", "姓名", "积分")
WIDTHS = (8, 20, 10)


@dataclass(frozen=True)
class Source:
    """What an entry scored for, as the page shows it: a kind (诉求, 走访…), a text and
    a link (None where there is nothing to open)."""

    kind: str
    text: str
    url: str | None = None


def _by_id(stmt: sa.Select[Any], id_column: Any, ids: set[int]) -> dict[int, Any]:
    """The rows of ``stmt`` whose ``id_column`` is in ``ids``, by that id (no query for
    no ids)."""
    if not ids:
        return {}
    return {row[0]: row for row in db.session.execute(stmt.where(id_column.in_(ids)))}


@dataclass(frozen=True)
class _Related:
    """What a batch of entries refers to, one query per kind of source."""

    cases: dict[int, Any]
    visits: dict[int, Any]
    checklists: dict[int, Any]
    adjusters: dict[int, Any]

    @classmethod
    def load(cls, entries: Sequence[PointEntry]) -> _Related:
        def ids(kind: SourceType) -> set[int]:
            return {e.source_id for e in entries if e.source_type is kind}

        adjusters = {e.created_by_id for e in entries if e.source_type is SourceType.MANUAL}
        return cls(
            cases=_by_id(sa.select(Case.id, Case.code, Case.title), Case.id, ids(SourceType.CASE)),
            visits=_by_id(
                sa.select(Visit.id, Visit.enterprise_id, Visit.visited_on, Enterprise.name).join(
                    Enterprise, Enterprise.id == Visit.enterprise_id
                ),
                Visit.id,
                ids(SourceType.VISIT),
            ),
            checklists=_by_id(
                sa.select(WeeklyChecklist.id, WeeklyChecklist.user_id, WeeklyChecklist.week_start),
                WeeklyChecklist.id,
                ids(SourceType.CHECKLIST),
            ),
            adjusters=_by_id(
                sa.select(User.id, User.name), User.id, {i for i in adjusters if i is not None}
            ),
        )

    def case(self, entry: PointEntry, viewer_id: int) -> Source | None:
        row = self.cases.get(entry.source_id)
        if row is None:
            return None
        url = url_for("cases.detail", case_id=row.id)
        return Source(entry.source_type.label, f"{row.code} {row.title}", url)

    def visit(self, entry: PointEntry, viewer_id: int) -> Source | None:
        row = self.visits.get(entry.source_id)
        if row is None:
            return None
        url = url_for("enterprises.detail", enterprise_id=row.enterprise_id)
        return Source(entry.source_type.label, f"{row.visited_on:%m-%d} {row.name}", url)

    def checklist(self, entry: PointEntry, viewer_id: int) -> Source | None:
        row = self.checklists.get(entry.source_id)
        if row is None:
            return None
        week = Week(row.week_start)
        owner = {} if row.user_id == viewer_id else {"user_id": row.user_id}
        url = url_for("checklists.detail", week=str(week), **owner)
        return Source(entry.source_type.label, week.label, url)

    def manual(self, entry: PointEntry, viewer_id: int) -> Source | None:
        row = self.adjusters.get(entry.created_by_id or 0)
        text = f"{row.name}调整：{entry.note}" if row else entry.note
        return Source(entry.source_type.label, text)


def describe_sources(entries: Iterable[PointEntry], viewer_id: int) -> dict[int, Source]:
    """entry id → :class:`Source`. Cases link to the case, visits to the enterprise's
    page, checklists to the officer's week (``user_id`` only when it is not the
    viewer's own); manual adjustments show who made them and why. Four queries at
    most, whatever the number of entries."""
    entries = list(entries)
    related = _Related.load(entries)
    describers = {
        SourceType.CASE: related.case,
        SourceType.VISIT: related.visit,
        SourceType.CHECKLIST: related.checklist,
        SourceType.MANUAL: related.manual,
    }
    described = {}
    for entry in entries:
        source = describers[entry.source_type](entry, viewer_id)
        # A source that is gone (it should not be) still says what it was.
        described[entry.id] = source or Source(entry.source_type.label, f"#{entry.source_id}")
    return described


# -- the ranking workbook ------------------------------------------------------------------
def workbook_bytes(title: str, rows: Sequence[Any]) -> bytes:
    """The .xlsx of a ranking: a title line, then 名次, 姓名, 积分 per row (RankRow)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    sheet = book.create_sheet("积分排名")
    book.properties.creator = "包保服务平台"
    book.properties.title = title
    sheet.cell(row=1, column=1, value=title).font = Font(size=14, bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=2, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE5F0")
        cell.alignment = Alignment(horizontal="center")
    for offset, row in enumerate(rows, start=3):
        sheet.cell(row=offset, column=1, value=row.rank)
        name = sheet.cell(row=offset, column=2, value=row.name)
        name.data_type = "s"  # a name is text, never a formula
        sheet.cell(row=offset, column=3, value=row.total)
    if not rows:
        sheet.cell(row=3, column=1, value="该期间没有积分记录")
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A3"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
