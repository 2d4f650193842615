"""Chart specs for static/js/charts.js: small JSON documents the page embeds as data
blocks (``<script type="application/json">``), drawn with the vendored ECharts.

A spec is ``{"kind": "combo"|"bar"|"hbar"|"pie", "categories": [...], "series":
[{"name", "data", "type", "axis"}]}``; rates are percentages rounded to 0.1, None
where there is no denominator. Each chart's numbers are also in a table on the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from hgq.cases.models import STATUS_LABELS, CaseStatus
from hgq.stats.tables import month_label

LEVEL_SHORT = {1: "一级", 2: "二级", 3: "三级"}
RATE_SERIES = (
    ("响应率", "response_rate"),
    ("解决率", "resolution_rate"),
    ("满意率", "satisfaction_rate"),
)


def percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def trend(months: Sequence[tuple[date, Any]]) -> dict[str, Any]:
    """Cases per month (bars) and the three rates (lines, right axis)."""
    several_years = len({m.year for m, _ in months}) > 1
    series: list[dict[str, Any]] = [
        {
            "name": "诉求数",
            "type": "bar",
            "axis": "count",
            "data": [row.cases if row is not None else 0 for _, row in months],
        }
    ]
    for name, attr in RATE_SERIES:
        series.append(
            {
                "name": name,
                "type": "line",
                "axis": "rate",
                "data": [
                    percent(getattr(row, attr)) if row is not None else None for _, row in months
                ],
            }
        )
    return {
        "kind": "combo",
        "categories": [month_label(m, several_years) for m, _ in months],
        "series": series,
    }


def status_counts(by_status: Mapping[Any, int]) -> list[tuple[str, str, int]]:
    """(value, label, count) for every status, in the workflow's order."""
    return [
        (s.value, STATUS_LABELS[s], int(by_status.get(s.value, by_status.get(s, 0)) or 0))
        for s in CaseStatus
    ]


def status_pie(by_status: Mapping[Any, int]) -> dict[str, Any]:
    data = [{"name": label, "value": n} for _, label, n in status_counts(by_status) if n]
    return {"kind": "pie", "categories": [], "series": [{"name": "诉求数", "data": data}]}


def level_counts(by_level: Mapping[Any, int]) -> list[tuple[int, str, int]]:
    return [
        (level, label, int(by_level.get(level, by_level.get(str(level), 0)) or 0))
        for level, label in LEVEL_SHORT.items()
    ]


def level_bar(by_level: Mapping[Any, int]) -> dict[str, Any]:
    counts = level_counts(by_level)
    return {
        "kind": "bar",
        "categories": [label for _, label, _ in counts],
        "series": [
            {"name": "诉求数", "type": "bar", "axis": "count", "data": [n for *_, n in counts]}
        ],
    }


def category_bar(rows: Sequence[Any]) -> dict[str, Any]:
    """Cases per category, largest first (horizontal bars: long names stay readable)."""
    ordered = sorted(rows, key=lambda r: (-r.cases, r.label))
    return {
        "kind": "hbar",
        "categories": [r.label for r in ordered],
        "series": [
            {"name": "诉求数", "type": "bar", "axis": "count", "data": [r.cases for r in ordered]}
        ],
    }
