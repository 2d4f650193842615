"""Reading and changing run-time settings. Every change is audited; the caller
commits once."""

from __future__ import annotations

from typing import Any

from hgq.accounts.models import User
from hgq.audit.services import record_audit
from hgq.errors import VersionConflict
from hgq.extensions import db
from hgq.settings.models import Setting


def get_setting(key: str, default: Any) -> Any:
    """The stored value of ``key``, or ``default`` when it was never set."""
    row = db.session.get(Setting, key)
    return default if row is None else row.value


def setting_version(key: str) -> int:
    """The version a form editing ``key`` carries (0 while never set)."""
    row = db.session.get(Setting, key)
    return 0 if row is None else row.version


def save_setting(key: str, value: Any, actor: User, expected_version: int | None = None) -> None:
    """Store ``value`` under ``key`` (already checked by the caller's domain), with an
    audit record of before and after. VersionConflict if someone saved meanwhile."""
    row = db.session.get(Setting, key)
    if expected_version is not None and expected_version != (row.version if row else 0):
        raise VersionConflict("设置已被他人修改，请刷新页面后重新保存。")
    before = None if row is None else {"value": row.value}
    if row is None:
        row = Setting(key=key, value=value, updated_by_id=actor.id)
        db.session.add(row)
    else:
        row.value = value
        row.updated_by_id = actor.id
    db.session.flush()
    record_audit(
        "setting.update",
        actor=actor,
        target_type="setting",
        target_id=key,
        before=before,
        after={"value": value},
    )
