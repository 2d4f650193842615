"""What templates need to show deadlines: the traffic light of a case (computed from
the columns already loaded, no query per row) and the Chinese words for lights and
deadline history rows."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, has_app_context

from hgq.cases.models import Case
from hgq.db import utcnow
from hgq.deadlines.services import Light, light

LIGHT_LABELS = {Light.GREEN: "正常", Light.YELLOW: "即将到期", Light.RED: "已超期"}
# Bootstrap colour of each light.
LIGHT_COLOURS = {Light.GREEN: "success", Light.YELLOW: "warning", Light.RED: "danger"}
DEADLINE_KINDS = {"response": "回应期限", "resolution": "办结期限"}
DEADLINE_REASONS = {
    "created": "登记时设定",
    "escalated": "升级后重新起算",
    "extended": "批准延期顺延",
    "resumed": "恢复办理后顺延",
    "reopened": "重办后重新起算",
}
PROVISIONAL_TITLE = (
    "工作日历尚未录入该年度的法定节假日和调休安排，期限暂按周一至周五计算，"
    "日历更新后以实际工作日为准"
)


def page_now() -> datetime:
    """One "now" for the whole page, so every light on it is judged at the same time."""
    if not has_app_context():
        return utcnow()
    if "hgq_page_now" not in g:
        g.hgq_page_now = utcnow()
    return g.hgq_page_now  # type: ignore[no-any-return]


def case_light(case: Case) -> str | None:
    """The light of an open case whose clock runs ("green", "yellow", "red"); None otherwise
    (finished, or paused)."""
    if not case.is_open:
        return None
    return light(case, page_now())


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        case_light=case_light,
        LIGHT_LABELS=LIGHT_LABELS,
        LIGHT_COLOURS=LIGHT_COLOURS,
        DEADLINE_KINDS=DEADLINE_KINDS,
        DEADLINE_REASONS=DEADLINE_REASONS,
        PROVISIONAL_TITLE=PROVISIONAL_TITLE,
    )
