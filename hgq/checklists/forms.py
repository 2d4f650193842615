"""Weekly checklist forms: shape checks only; :mod:`hgq.checklists.services` decides.

The progress form is dynamic (one progress box and one done box per item), so its
fields are read by item id from the request; the form itself carries the CSRF token
and the version the page was loaded at.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hgq.checklists.services import PROGRESS_MAX, REVIEW_MAX, TITLE_MAX, Progress
from hgq.forms import VersionedForm


class ProgressForm(VersionedForm):
    """保存进展 / 提交: per item ``progress-<id>`` (text) and ``done-<id>`` (checkbox)."""

    def updates(self, data: Mapping[str, str], item_ids: Iterable[int]) -> dict[int, Progress]:
        """What the officer wrote for each item on the page."""
        return {
            item_id: Progress(
                text=data.get(f"progress-{item_id}", ""),
                done=data.get(f"done-{item_id}") is not None,
            )
            for item_id in item_ids
            if f"progress-{item_id}" in data
        }

    def too_long(self, data: Mapping[str, str]) -> str | None:
        """The first progress text over the limit, as a message (checked here too, so
        the page says which item before anything is saved)."""
        for key, value in data.items():
            if key.startswith("progress-") and len(value.strip()) > PROGRESS_MAX:
                return f"进展不能超过{PROGRESS_MAX}字"
        return None


class OwnItemForm(VersionedForm):
    """添加自定事项."""

    title = StringField(
        "事项",
        validators=[
            DataRequired(message="请填写事项"),
            Length(max=TITLE_MAX, message=f"事项不能超过{TITLE_MAX}字"),
        ],
        render_kw={"placeholder": "例如：整理本月走访台账", "autocomplete": "off"},
    )
    due_on = DateField("完成时限", validators=[Optional()])


class ReviewForm(VersionedForm):
    """领导点评."""

    comment = TextAreaField(
        "点评意见",
        validators=[
            DataRequired(message="请填写点评意见"),
            Length(max=REVIEW_MAX, message=f"点评意见不能超过{REVIEW_MAX}字"),
        ],
        render_kw={"rows": 3},
    )
