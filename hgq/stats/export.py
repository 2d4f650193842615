"""The dashboard's tables as .xlsx workbooks, with the page's filters and Chinese
headers; rates are written as fractions formatted as percentages (Excel shows 95.0%,
and sums or charts built on them stay correct). Nothing here touches the database:
the view hands in the rows it read with the same filters as the page."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from hgq.cases.models import LEVEL_LABELS, STATUS_LABELS, CaseStatus
from hgq.stats.composite import composite_score
from hgq.stats.dashboard import KEY_LABELS, TAB_LABELS

RATE_TABLES = ("officer", "leader", "department", "category", "month")
COUNT_TABLES = {"status": "按办理状态", "level": "按办理级别"}
TABLES = (*RATE_TABLES, *COUNT_TABLES)
# (header, attribute of a row, kind) — kind: text, count, rate, score
RATE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("诉求数", "cases", "count"),
    ("应响应", "due_for_response", "count"),
    ("按时响应", "responded_on_time", "count"),
    ("响应率", "response_rate", "rate"),
    ("已评价", "rated", "count"),
    ("已解决", "solved", "count"),
    ("解决率", "resolution_rate", "rate"),
    ("满意及基本满意", "satisfied", "count"),
    ("满意率", "satisfaction_rate", "rate"),
    ("升级", "escalated", "count"),
    ("升级率", "escalation_rate", "rate"),
)
SCORE_HEADER = "综合得分"
PERCENT_FORMAT = "0.0%"
SCORE_FORMAT = "0.0"
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
ILLEGAL_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Sheet:
    """One exported table: a title, lines describing the filters, headers, kinds of
    the columns (text, count, rate, score) and the rows of values."""

    title: str
    notes: list[str]
    headers: list[str]
    kinds: list[str]
    rows: list[list[Any]]


def table_title(table: str) -> str:
    return TAB_LABELS.get(table) or COUNT_TABLES[table]


def rate_sheet(
    table: str,
    rows: Iterable[Any],
    rule: dict[str, Any],
    *,
    title: str,
    notes: list[str],
    labels: Sequence[str] | None = None,
) -> Sheet:
    """A breakdown (officer, leader, department, category or month) with the three
    rates, the escalation rate and the composite score per row. ``labels`` replace the
    rows' own labels (the month table names its months itself)."""
    values = []
    for i, row in enumerate(rows):
        label = labels[i] if labels is not None else row.label
        line: list[Any] = [label]
        line += [getattr(row, attr) if row is not None else None for _, attr, _ in RATE_COLUMNS]
        line.append(composite_score(row, rule) if row is not None else None)
        values.append(line)
    return Sheet(
        title=title,
        notes=notes,
        headers=[KEY_LABELS[table], *(h for h, _, _ in RATE_COLUMNS), SCORE_HEADER],
        kinds=["text", *(k for _, _, k in RATE_COLUMNS), "score"],
        rows=values,
    )


def count_sheet(table: str, counts: dict[Any, int], *, title: str, notes: list[str]) -> Sheet:
    """Cases by status or by level (every status or level listed, zeros included)."""
    if table == "status":
        labels = [(STATUS_LABELS[s], counts.get(s.value, counts.get(s, 0))) for s in CaseStatus]
        key = "办理状态"
    else:
        labels = [(LEVEL_LABELS[level], counts.get(level, 0)) for level in sorted(LEVEL_LABELS)]
        key = "办理级别"
    total = sum(n for _, n in labels)
    rows: list[list[Any]] = [[name, n, n / total if total else None] for name, n in labels]
    return Sheet(
        title=title,
        notes=notes,
        headers=[key, "诉求数", "占比"],
        kinds=["text", "count", "rate"],
        rows=rows,
    )


def _clean(value: Any) -> Any:
    return ILLEGAL_XML_CHARS.sub("", value) if isinstance(value, str) else value


def workbook_bytes(sheet: Sheet, formulas: dict[str, str], exported_at: datetime) -> bytes:
    """The sheet as an .xlsx file: title, filter notes, header, rows, then the formulas."""
    book = Workbook()
    ws = book.worksheets[0]
    ws.title = "统计"
    width = len(sheet.headers)
    ws.append([_clean(sheet.title)])
    ws["A1"].font = Font(bold=True, size=14)
    for note in [*sheet.notes, f"导出时间：{exported_at:%Y-%m-%d %H:%M}"]:
        ws.append([_clean(note)])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append(sheet.headers)
    for col in range(1, width + 1):
        cell = ws.cell(row=header_row, column=col)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in sheet.rows:
        ws.append([_clean(v) for v in row])
        r = ws.max_row
        for col, kind in enumerate(sheet.kinds, start=1):
            cell = ws.cell(row=r, column=col)
            if cell.value is None and kind in ("rate", "score"):
                cell.value = "—"
                cell.alignment = Alignment(horizontal="right")
            elif kind == "rate":
                cell.number_format = PERCENT_FORMAT
            elif kind == "score":
                cell.number_format = SCORE_FORMAT
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    ws.append([])
    ws.append(["口径"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for text in formulas.values():
        ws.append([_clean(text)])
    ws.column_dimensions["A"].width = 24
    for col in range(2, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 11
    out = BytesIO()
    book.save(out)
    return out.getvalue()
