"""The composite score (综合得分) of the three rates (DESIGN §5).

Cities score differently, so the rule is a setting (``stats.composite``), in one of
two modes, both out of 100 points:

- ``weighted`` (加权): score = Σ weight × rate, the weights of 响应率, 解决率 and
  满意率 in points summing to 100 (default 30/35/35);
- ``threshold`` (分档): each rate earns the points of the highest step whose minimum
  it reaches (e.g. 响应率 ≥ 95% → 30, ≥ 90% → 25 …), nothing below the lowest step;
  the three top steps sum to 100.

Settings are plain JSON: ``{"mode": "weighted", "weights": {"response": 30, …},
"thresholds": {"response": [{"min": 95, "points": 30}, …], …}}`` with minimums in
percent. :func:`check_settings` is the domain's validation (Chinese messages, naming
the form field they concern); :func:`composite_score` never raises on a stored value.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from hgq.errors import DomainError
from hgq.settings.services import get_setting

SETTING_KEY = "stats.composite"
MODES = {"weighted": "加权计分", "threshold": "分档计分"}
# key → (label, attribute of a Rates row)
RATES = {
    "response": ("响应率", "response_rate"),
    "resolution": ("解决率", "resolution_rate"),
    "satisfaction": ("满意率", "satisfaction_rate"),
}
FULL_MARKS = 100
MAX_STEPS = 8
DEFAULT: dict[str, Any] = {
    "mode": "weighted",
    "weights": {"response": 30, "resolution": 35, "satisfaction": 35},
    "thresholds": {
        "response": [
            {"min": 95, "points": 30},
            {"min": 90, "points": 25},
            {"min": 80, "points": 20},
            {"min": 60, "points": 10},
        ],
        "resolution": [
            {"min": 90, "points": 35},
            {"min": 80, "points": 30},
            {"min": 70, "points": 20},
            {"min": 60, "points": 10},
        ],
        "satisfaction": [
            {"min": 95, "points": 35},
            {"min": 90, "points": 30},
            {"min": 80, "points": 20},
            {"min": 60, "points": 10},
        ],
    },
}
# A rate reaches a step when rate × 100 ≥ minimum, up to float noise (0.95 × 100).
EPSILON = 1e-9


class HasRates(Protocol):
    """Anything carrying the three rates as fractions 0..1 (None: no denominator)."""

    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None


@dataclass(frozen=True)
class Step:
    minimum: float  # percent
    points: float


def default_settings() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT)


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    return float(value)


def steps_of(settings: Mapping[str, Any], key: str) -> list[Step]:
    """The threshold steps of one rate, highest minimum first."""
    raw = settings.get("thresholds", {}).get(key, [])
    steps = [Step(_number(s["min"]), _number(s["points"])) for s in raw]
    return sorted(steps, key=lambda s: s.minimum, reverse=True)


def weight_of(settings: Mapping[str, Any], key: str) -> float:
    return _number(settings.get("weights", {}).get(key, 0))


def step_points(rate: float, steps: list[Step]) -> float:
    """Points of the highest step ``rate`` (a fraction) reaches; 0 below them all."""
    for step in steps:  # highest minimum first
        if rate * 100 + EPSILON >= step.minimum:
            return step.points
    return 0.0


def needed_rates(settings: Mapping[str, Any]) -> list[str]:
    """The rates the score depends on (weight above 0, or some threshold step)."""
    if settings.get("mode") == "threshold":
        return [key for key in RATES if steps_of(settings, key)]
    return [key for key in RATES if weight_of(settings, key) > 0]


def composite_score(rates: HasRates, settings: Mapping[str, Any]) -> float | None:
    """The composite score out of 100, or None when a rate it needs is None (no
    denominator: nothing to score)."""
    values: dict[str, float] = {}
    for key in needed_rates(settings):
        value = getattr(rates, RATES[key][1])
        if value is None:
            return None
        values[key] = float(value)
    if settings.get("mode") == "threshold":
        return sum(step_points(values[key], steps_of(settings, key)) for key in values)
    return sum(weight_of(settings, key) * values[key] for key in values)


def _check_weights(settings: Mapping[str, Any]) -> None:
    total = 0.0
    for key, (label, _) in RATES.items():
        weight = weight_of(settings, key)
        if not 0 <= weight <= FULL_MARKS:
            raise DomainError(f"{label}权重应在0至100之间", field=f"weight_{key}")
        total += weight
    if abs(total - FULL_MARKS) > EPSILON:
        raise DomainError(
            f"三项权重之和应为100（当前为{total:g}）", field=f"weight_{next(iter(RATES))}"
        )


def _check_steps(label: str, steps: list[Step], field: str) -> None:
    if len(steps) > MAX_STEPS:
        raise DomainError(f"{label}最多设{MAX_STEPS}档", field=field)
    minimums = [s.minimum for s in steps]
    if len(set(minimums)) != len(minimums):
        raise DomainError(f"{label}各档的最低比率不能重复", field=field)
    if any(not 0 <= s.minimum <= FULL_MARKS or not 0 <= s.points <= FULL_MARKS for s in steps):
        raise DomainError(f"{label}各档的比率和分值应在0至100之间", field=field)
    points = [s.points for s in steps]  # highest minimum first
    if points != sorted(points, reverse=True):
        raise DomainError(f"{label}比率越高的档，分值不能越低", field=field)


def check_settings(settings: Mapping[str, Any]) -> None:
    """Refuse settings that cannot score sensibly (DomainError naming the field)."""
    mode = settings.get("mode")
    if mode not in MODES:
        raise DomainError("请选择计分方式", field="mode")
    if mode == "weighted":
        _check_weights(settings)
        return
    first = f"steps_{next(iter(RATES))}"
    top = 0.0
    for key, (label, _) in RATES.items():
        steps = steps_of(settings, key)
        _check_steps(label, steps, f"steps_{key}")
        top += steps[0].points if steps else 0
    if not any(steps_of(settings, key) for key in RATES):
        raise DomainError("请至少为一项比率设置分档", field=first)
    if abs(top - FULL_MARKS) > EPSILON:
        raise DomainError(f"三项最高档分值之和应为100（当前为{top:g}）", field=first)


def load_settings(stored: object) -> dict[str, Any]:
    """The stored settings if they are valid, else the defaults (a damaged value must
    not break the dashboard; the admin page shows and replaces it)."""
    if not isinstance(stored, Mapping):
        return default_settings()
    try:
        check_settings(stored)
    except (DomainError, TypeError, KeyError, AttributeError, ValueError):
        return default_settings()
    return {**default_settings(), **copy.deepcopy(dict(stored))}


def current_rule() -> dict[str, Any]:
    """The rule in force: the stored setting, or the defaults until an admin saves one."""
    return load_settings(get_setting(SETTING_KEY, None))


def _pct(value: float) -> str:
    return f"{value:g}%"


def describe(settings: Mapping[str, Any]) -> list[str]:
    """The rule in words, one line per part, for the dashboard and the admin page."""
    if settings.get("mode") == "threshold":
        lines = ["分档计分：每项比率按达到的最高一档得分，低于最低档得0分，三项相加（满分100分）。"]
        for key, (label, _) in RATES.items():
            steps = steps_of(settings, key)
            if not steps:
                lines.append(f"{label}：不计分")
                continue
            parts = "，".join(f"≥{_pct(s.minimum)}得{s.points:g}分" for s in steps)
            lines.append(f"{label}：{parts}")
        return lines
    parts = " + ".join(f"{label}×{weight_of(settings, key):g}" for key, (label, _) in RATES.items())
    return [f"加权计分：综合得分 = {parts}（比率按小数计，满分100分）。"]
