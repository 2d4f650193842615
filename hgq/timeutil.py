"""The zone's local time (Asia/Shanghai), whatever the server's time zone is."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from hgq.db import utcnow

DEFAULT_ZONE = "Asia/Shanghai"


def zone() -> ZoneInfo:
    name = current_app.config["TIME_ZONE"] if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def local_now() -> datetime:
    return utcnow().astimezone(zone())


def local_today() -> date:
    """Today's date in the zone (what a date field's default and "current" mean)."""
    return local_now().date()


def to_local(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(zone())
