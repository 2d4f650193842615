"""The rate tables of the dashboard, formatted once in Python (a long table then costs
the page little): each row a label, its cases, and 响应率, 解决率, 满意率, 升级率 and
综合得分 cells with the counts behind them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hgq.stats import composite


@dataclass(frozen=True)
class Cell:
    """A rate or score as a table shows it: ``sort`` (empty without a value, so it sorts
    last), the text, and the counts behind it ("3/4")."""

    sort: str
    text: str
    detail: str = ""

    @property
    def missing(self) -> bool:
        return self.sort == ""


@dataclass(frozen=True)
class TableRow:
    """One line of a rate table: label, cases, then 响应率, 解决率, 满意率, 升级率 and
    综合得分 cells."""

    label: str
    cases: int
    cells: tuple[Cell, ...]


MISSING = Cell("", "—")


def rate_cell(rate: float | None, numerator: int, denominator: int) -> Cell:
    if rate is None:
        return Cell("", "—", f"{numerator}/{denominator}")
    return Cell(repr(rate), f"{rate * 100:.1f}%", f"{numerator}/{denominator}")


def table_row(label: str, row: Any, rule: dict[str, Any]) -> TableRow:
    """``row`` is a Rates row (None: a month without cases)."""
    if row is None:
        return TableRow(label, 0, (MISSING,) * 5)
    score = composite.composite_score(row, rule)
    return TableRow(
        label,
        row.cases,
        (
            rate_cell(row.response_rate, row.responded_on_time, row.due_for_response),
            rate_cell(row.resolution_rate, row.solved, row.rated),
            rate_cell(row.satisfaction_rate, row.satisfied, row.rated),
            rate_cell(row.escalation_rate, row.escalated, row.cases),
            MISSING if score is None else Cell(repr(score), f"{score:.1f}"),
        ),
    )


def month_label(month: date, several_years: bool) -> str:
    return f"{month.year}年{month.month}月" if several_years else f"{month.month}月"
