"""Weekly checklists (每周清单) as an .xlsx workbook, and as the rows of the print page.

:func:`build_sheets` turns ``(officer, week, checklist or None)`` entries into plain
:class:`Sheet` values holding everything both outputs show, so the workbook and the
print page cannot disagree. What the items refer to (case codes, enterprise names, the
progress of the items carried from, reviewers' names) is read with one small query
each, never one per item, whatever the caller eager-loaded. :func:`workbook_bytes`
writes the sheets as a workbook, one worksheet per officer. Nothing here changes the
database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from hgq.accounts.models import User
from hgq.cases.models import Case
from hgq.checklists import services
from hgq.checklists.models import OUTCOME_LABELS, ChecklistItem, ItemKind, WeeklyChecklist
from hgq.checklists.weeks import Week
from hgq.enterprises.models import Enterprise
from hgq.extensions import db
from hgq.timeutil import to_local

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

HEADERS = ("序号", "类型", "事项", "关联", "完成时限", "进展", "是否完成", "上周进展")
WIDTHS = (6, 10, 40, 18, 17, 48, 9, 40)  # in Excel's character units
SUMMARY_LABELS = ("状态", "截止时间", "提交时间", "提交情况", "领导点评")
NO_CHECKLIST = "本周无清单"
NO_ITEMS = "本周清单没有事项"
NO_OFFICERS = "没有可导出的清单"
NOT_SUBMITTED = "未提交"
BLANK = "—"
TIME_FORMAT = "%Y-%m-%d %H:%M"
EXCEL_TIME_FORMAT = "yyyy-mm-dd hh:mm"

HEADER_ROW = 4  # title, summary, review, then the table's header
SHEET_TITLE_MAX = 31
# Not allowed in a worksheet's name; "History" is reserved by Excel.
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
RESERVED_SHEET_TITLES = frozenset({"history"})
# Characters XML (hence .xlsx) cannot hold: control characters except tab and newlines.
ILLEGAL_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Row:
    """One item of a checklist, as both outputs show it. ``due`` is local time."""

    number: int
    kind: str
    title: str
    ref: str
    due: datetime | None
    progress: str
    done: bool
    previous: str

    @property
    def due_text(self) -> str:
        return self.due.strftime(TIME_FORMAT) if self.due else ""

    @property
    def done_label(self) -> str:
        return "是" if self.done else "否"


@dataclass(frozen=True)
class Sheet:
    """One officer's week: a title, the summary (label, value) pairs in the order of
    SUMMARY_LABELS, and the item rows (none when he has no checklist that week)."""

    officer: User
    week: Week
    title: str
    summary: tuple[tuple[str, str], ...]
    rows: tuple[Row, ...]
    has_checklist: bool

    @property
    def empty_text(self) -> str:
        """What stands in place of the rows when there are none."""
        return NO_ITEMS if self.has_checklist else NO_CHECKLIST


Entry = tuple[User, Week, WeeklyChecklist | None]


# -- the content ------------------------------------------------------------------------
def _by_id(column: InstrumentedAttribute[str], ids: Iterable[int | None]) -> dict[int, str]:
    """``column`` (e.g. ``Case.code``) of the rows with these ids, in one query (none
    for no ids); only the two columns are read, not the rows and what they load."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    id_column = column.class_.id
    rows = db.session.execute(sa.select(id_column, column).where(id_column.in_(wanted)))
    return {row_id: value for row_id, value in rows}


def _local(value: datetime | None) -> str:
    local = to_local(value)
    return local.strftime(TIME_FORMAT) if local else BLANK


@dataclass(frozen=True)
class _Related:
    """What the items and their checklists refer to, by id: case codes, enterprise
    names, the progress of the items carried from, the reviewers' names."""

    case_codes: dict[int, str]
    enterprise_names: dict[int, str]
    previous_progress: dict[int, str]
    reviewer_names: dict[int, str]

    @classmethod
    def load(cls, checklists: Sequence[WeeklyChecklist]) -> _Related:
        items = [item for checklist in checklists for item in checklist.items]
        return cls(
            case_codes=_by_id(Case.code, (item.case_id for item in items)),
            enterprise_names=_by_id(Enterprise.name, (item.enterprise_id for item in items)),
            previous_progress=_by_id(
                ChecklistItem.progress, (item.carried_from_id for item in items)
            ),
            reviewer_names=_by_id(User.name, (c.reviewed_by_id for c in checklists)),
        )

    def ref(self, item: ChecklistItem) -> str:
        """关联: the case's code for case items, the enterprise's name for contact items
        (carried items keep their origin); nothing for the officer's own items."""
        if item.origin is ItemKind.CASE and item.case_id is not None:
            return self.case_codes.get(item.case_id, "")
        if item.origin is ItemKind.CONTACT and item.enterprise_id is not None:
            return self.enterprise_names.get(item.enterprise_id, "")
        return ""

    def previous(self, item: ChecklistItem) -> str:
        """上周进展: what was written on the item it was carried from."""
        if item.kind is not ItemKind.CARRIED or item.carried_from_id is None:
            return ""
        return self.previous_progress.get(item.carried_from_id, "")

    def review(self, checklist: WeeklyChecklist) -> str:
        """领导点评: the comment, with who wrote it and when."""
        if not checklist.review_comment:
            return BLANK
        parts = [self.reviewer_names.get(checklist.reviewed_by_id or 0, "")]
        if checklist.reviewed_at is not None:
            parts.append(_local(checklist.reviewed_at))
        by = "，".join(part for part in parts if part)
        return f"{checklist.review_comment}（{by}）" if by else checklist.review_comment


def _status(checklist: WeeklyChecklist | None, now: datetime) -> str:
    if checklist is None:
        return NO_CHECKLIST
    if checklist.is_submitted:
        return checklist.status.label
    return "已截止" if services.is_frozen(checklist, now) else checklist.status.label


def _summary(
    week: Week, checklist: WeeklyChecklist | None, related: _Related, now: datetime
) -> tuple[tuple[str, str], ...]:
    outcome = services.outcome_at(checklist, week, now)
    values = (
        _status(checklist, now),
        _local(checklist.due_at if checklist else services.due_at(week)),
        _local(checklist.submitted_at if checklist else None),
        OUTCOME_LABELS[outcome] if outcome else NOT_SUBMITTED,
        related.review(checklist) if checklist else BLANK,
    )
    return tuple(zip(SUMMARY_LABELS, values, strict=True))


def _rows(checklist: WeeklyChecklist | None, related: _Related) -> tuple[Row, ...]:
    if checklist is None:
        return ()
    return tuple(
        Row(
            number=n,
            kind=item.kind.label,
            title=item.title,
            ref=related.ref(item),
            due=to_local(item.due_at),
            progress=item.progress,
            done=item.done,
            previous=related.previous(item),
        )
        for n, item in enumerate(checklist.items, start=1)
    )


def sheet_heading(officer: User, week: Week) -> str:
    """每周清单 2026年第48周（11月23日—11月29日） 干部一"""
    return f"每周清单 {week.label} {officer.name}"


def build_sheets(entries: Sequence[Entry], now: datetime) -> list[Sheet]:
    """One :class:`Sheet` per entry, in order, judged at ``now`` (status, outcome).
    Checklists should come with their items loaded (services.get_checklist and
    queries.team_week do); everything the items refer to is loaded here in bulk."""
    related = _Related.load([c for _, _, c in entries if c is not None])
    return [
        Sheet(
            officer=officer,
            week=week,
            title=sheet_heading(officer, week),
            summary=_summary(week, checklist, related, now),
            rows=_rows(checklist, related),
            has_checklist=checklist is not None,
        )
        for officer, week, checklist in entries
    ]


# -- the workbook -------------------------------------------------------------------------
def sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet name for ``name``: at most 31 characters, none of ``[]:*?/\\``, not
    starting or ending with an apostrophe, and unique (case-insensitively, as Excel
    compares) among ``taken`` — which it joins (casefolded)."""
    base = INVALID_SHEET_CHARS.sub("_", name).strip()[:SHEET_TITLE_MAX].strip("'").strip()
    base = base or "清单"
    title, n = base, 1
    while title.casefold() in taken | RESERVED_SHEET_TITLES:
        n += 1
        suffix = f"（{n}）"
        title = base[: SHEET_TITLE_MAX - len(suffix)].rstrip("'") + suffix
    taken.add(title.casefold())
    return title


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write a cell; text always stays text (a leading "=" is no formula, "#N/A" no
    error) and loses the control characters XML cannot hold."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_XML_CHARS.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _display_width(text: str) -> int:
    """Width in Excel character units: a Chinese character takes two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _merged_line(
    sheet: Worksheet, row: int, text: str, *, size: int = 11, bold: bool = False
) -> None:
    """A line across the table's width; merged cells do not grow with their text in
    Excel, so the row's height is set from an estimate of the wrapped lines."""
    from openpyxl.styles import Alignment, Font

    cell = _put(sheet, row, 1, text)
    cell.font = Font(size=size, bold=bold)
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
    width = sum(WIDTHS)
    lines = sum(max(1, -(-_display_width(part) // width)) for part in text.split("\n"))
    sheet.row_dimensions[row].height = max(1, lines) * (size + 6)


def _write_table(sheet: Worksheet, data: Sheet) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, header in enumerate(HEADERS, start=1):
        cell = _put(sheet, HEADER_ROW, column, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE5F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    centred = {1, 2, 5, 7}
    for offset, row in enumerate(data.rows, start=1):
        values = (row.number, row.kind, row.title, row.ref, None, row.progress)
        values += (row.done_label, row.previous)
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, HEADER_ROW + offset, column, value)
            cell.alignment = Alignment(
                wrap_text=True,
                vertical="top",
                horizontal="center" if column in centred else "left",
            )
            cell.border = border
        if row.due is not None:
            due = _put(sheet, HEADER_ROW + offset, 5, row.due.replace(tzinfo=None))
            due.number_format = EXCEL_TIME_FORMAT
    if not data.rows:
        _merged_line(sheet, HEADER_ROW + 1, data.empty_text)


def _write_sheet(sheet: Worksheet, data: Sheet) -> None:
    _merged_line(sheet, 1, data.title, size=14, bold=True)
    *facts, (review_label, review) = data.summary
    _merged_line(sheet, 2, "　　".join(f"{label}：{value}" for label, value in facts))
    _merged_line(sheet, 3, f"{review_label}：{review}")
    _write_table(sheet, data)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx file of ``sheets``: one worksheet per sheet, named after its officer
    (see :func:`sheet_title`), in order; a single note sheet when there are none."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    book.properties.creator = "包保服务平台"
    book.properties.title = sheets[0].title if len(sheets) == 1 else "每周清单"
    taken: set[str] = set()
    for data in sheets:
        _write_sheet(book.create_sheet(sheet_title(data.officer.name, taken)), data)
    if not sheets:
        note = book.create_sheet("每周清单")
        _put(note, 1, 1, NO_OFFICERS)
        note.column_dimensions["A"].width = 30
    out = BytesIO()
    book.save(out)
    return out.getvalue()
