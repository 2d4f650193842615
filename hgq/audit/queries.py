"""Reading the audit trail: the page's filters as one SELECT, and the .xlsx export.

Nothing here writes; the export view records its own "audit.export" record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.orm import aliased, selectinload

from hgq.accounts.models import User
from hgq.audit.models import AuditRecord
from hgq.extensions import db
from hgq.timeutil import to_local, zone

EXPORT_LIMIT = 50_000
HEADERS = ("时间", "操作人", "用户名", "地址", "操作", "对象类型", "对象", "变更前", "变更后")
WIDTHS = (20, 12, 14, 16, 24, 14, 12, 50, 50)


@dataclass(frozen=True)
class AuditFilter:
    """The page's filters: a person (username or name, substring), an action (exact),
    and local dates from/to (both inclusive). Empty means no filter."""

    person: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AuditFilter:
        """Read the filters from query arguments; a malformed date is ignored."""
        return cls(
            person=args.get("person", "").strip()[:50],
            action=args.get("action", "").strip()[:50],
            start=_parse_date(args.get("start", "")),
            end=_parse_date(args.get("end", "")),
        )

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments (for links and the audit of an export)."""
        return {
            "person": self.person,
            "action": self.action,
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
        }


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone())


def select_records(f: AuditFilter) -> sa.Select[tuple[AuditRecord]]:
    """The records matching ``f``, newest first, with their actors loaded."""
    stmt = sa.select(AuditRecord).options(selectinload(AuditRecord.actor))
    if f.person:
        actor = aliased(User)
        pattern = f"%{f.person}%"
        stmt = stmt.join(actor, actor.id == AuditRecord.actor_id).where(
            sa.or_(actor.username.ilike(pattern), actor.name.ilike(pattern))
        )
    if f.action:
        stmt = stmt.where(AuditRecord.action == f.action)
    if f.start:
        stmt = stmt.where(AuditRecord.at >= _local_midnight(f.start))
    if f.end:
        stmt = stmt.where(AuditRecord.at < _local_midnight(f.end + timedelta(days=1)))
    return stmt.order_by(AuditRecord.id.desc())


def actions() -> list[str]:
    """Every action that occurs in the trail, for the filter's choices."""
    stmt = sa.select(AuditRecord.action).distinct().order_by(AuditRecord.action)
    return list(db.session.scalars(stmt))


def _json(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _text(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    """A cell that stays text: a leading "=" is no formula; XML-illegal characters go."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def export_xlsx(f: AuditFilter) -> tuple[bytes, int]:
    """The records matching ``f`` (at most :data:`EXPORT_LIMIT`, newest first) as an
    .xlsx workbook; answers the bytes and the number of rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计记录")
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append(list(HEADERS))
    count = 0
    stmt = select_records(f).limit(EXPORT_LIMIT).execution_options(yield_per=1000)
    for record in db.session.scalars(stmt):
        local = to_local(record.at)
        actor = record.actor
        values = [
            local.strftime("%Y-%m-%d %H:%M:%S") if local else "",
            actor.name if actor else "系统",
            actor.username if actor else "",
            record.ip,
            record.action,
            record.target_type,
            record.target_id,
            _json(record.before),
            _json(record.after),
        ]
        sheet.append([_text(sheet, v) for v in values])
        count += 1
    out = BytesIO()
    book.save(out)
    return out.getvalue(), count
