"""The hash chain of the append-only tables (audit records, case events).

Every row of a chained table carries ``prev_hash`` (the ``hash`` of the row before it
in id order, :data:`GENESIS` for the first) and ``hash`` = SHA-256 over a canonical
serialization of its business columns and ``prev_hash`` (:func:`row_hash`). Changing
a stored row, or deleting or inserting one in the middle, breaks the chain at that
row; :func:`verify_table` finds the first break.

The hashes are computed here and only here, in a ``before_insert`` hook on every
chained model (registered once, on import), so the code that adds rows needs no change.
Within the hook writers are serialized per table until their transaction ends: on
PostgreSQL by ``pg_advisory_xact_lock``, on SQLite by taking the database's write lock
(a no-op UPDATE) before the last hash is read. Rows written past the ORM (a Core
``INSERT``) get no hash; verify reports them.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session

GENESIS = "0" * 64
# The columns each row's hash covers, in the tables' own names. Fixed here, not taken
# from the models, so that adding a column later leaves existing hashes valid; a test
# fails until a new column is placed in or out of its table's list (putting it in
# needs a migration that re-chains the table).
HASHED_COLUMNS: dict[str, tuple[str, ...]] = {
    "audit_records": (
        "at",
        "actor_id",
        "ip",
        "action",
        "target_type",
        "target_id",
        "before",
        "after",
    ),
    "case_events": (
        "case_id",
        "actor_id",
        "at",
        "action",
        "from_status",
        "to_status",
        "from_level",
        "to_level",
        "note",
        "visible_to_enterprise",
        "data",
    ),
}


class Chained:
    """Mixin for an append-only, hash-chained model (see the module docstring)."""

    prev_hash: Mapped[str] = mapped_column(sa.String(64), server_default="")
    hash: Mapped[str] = mapped_column(sa.String(64), server_default="")


def _lock_key(table_name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a table."""
    digest = hashlib.sha256(f"hgq.audit.chain:{table_name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _canonical_value(value: Any) -> Any:
    """A column value as JSON, the same whether it comes from a new object or from a
    row read back from SQLite or PostgreSQL."""
    if isinstance(value, datetime):
        if value.tzinfo is None:  # SQLite keeps no offset: stored values are UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict | list | tuple):
        return json.loads(json.dumps(value))  # as a JSON column reads it back
    return value


def row_hash(table_name: str, values: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of a row's canonical form: compact sorted-key JSON of
    ``{"prev_hash": …, "row": {column: value}}`` over :data:`HASHED_COLUMNS`, UTF-8
    encoded, with times as UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` and enums as values."""
    row = {name: _canonical_value(values.get(name)) for name in HASHED_COLUMNS[table_name]}
    document = {"row": row, "prev_hash": prev_hash}
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lock_and_last_hash(connection: sa.Connection, table: sa.Table) -> str:
    """Serialize this transaction's writes to ``table`` against other writers (until it
    ends), then answer the hash of the table's last row (:data:`GENESIS` when empty)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key(table.name))))
    elif connection.dialect.name == "sqlite":
        # Takes SQLite's write lock (no row matches, so no trigger fires): no other
        # writer can append between the read below and this flush's INSERT.
        connection.execute(sa.update(table).where(sa.false()).values(id=table.c.id))
    last = connection.scalar(sa.select(table.c.hash).order_by(table.c.id.desc()).limit(1))
    return last if last is not None else GENESIS


def _fill_defaults(obj: Chained, table: sa.Table) -> dict[str, Any]:
    """Set every hashed column the object leaves unset to its Python-side default (as
    the INSERT would), so the hash covers exactly the values written."""
    state = sa.inspect(obj)
    values: dict[str, Any] = {}
    for name in HASHED_COLUMNS[table.name]:
        column = table.c[name]
        key = state.mapper.get_property_by_column(column).key
        if key not in state.dict and column.default is not None:
            default = column.default
            value = default.arg(None) if default.is_callable else default.arg  # type: ignore[attr-defined]
            setattr(obj, key, value)
        values[name] = getattr(obj, key)
    return values


_TAIL = "hgq.audit.chain.tail"


@event.listens_for(Session, "before_flush")
@event.listens_for(Session, "after_flush")
def _forget_tails(session: Session, flush_context: object, *args: object) -> None:
    """Each flush reads the tails afresh (a failed flush may have left them behind)."""
    session.info.pop(_TAIL, None)


@event.listens_for(Chained, "before_insert", propagate=True)
def _chain_row(mapper: sa.orm.Mapper[Any], connection: sa.Connection, target: Chained) -> None:
    """Give a new row its ``prev_hash`` and ``hash``. The flush calls this for its rows
    in insert (hence id) order, after foreign keys from relationships are set and before
    the INSERTs; the table's tail hash is carried across them in the session."""
    table = mapper.local_table
    session = object_session(target)
    tails: dict[str, str] = session.info.setdefault(_TAIL, {}) if session else {}
    prev = tails.get(table.name)  # type: ignore[union-attr]
    if prev is None:
        prev = lock_and_last_hash(connection, table)  # type: ignore[arg-type]
    values = _fill_defaults(target, table)  # type: ignore[arg-type]
    target.prev_hash = prev
    target.hash = tails[table.name] = row_hash(table.name, values, prev)  # type: ignore[arg-type, union-attr]


@dataclass(frozen=True)
class Break:
    """The first row at which a chain is broken."""

    table: str
    id: int
    problem: str


@dataclass(frozen=True)
class Report:
    """The outcome of verifying one table's chain."""

    table: str
    count: int
    last_id: int | None
    last_hash: str
    broken: Break | None


def _problem(table_name: str, values: Mapping[str, Any], prev: str) -> str | None:
    """What is wrong with a stored row that should follow the hash ``prev``, if anything."""
    if values["prev_hash"] != prev:
        return "prev_hash 与上一条记录的 hash 不衔接（其前有记录被删除、插入或改动）"
    if values["hash"] != row_hash(table_name, values, prev):
        return "内容与 hash 不符（该记录在写入后被改动）"
    return None


def verify_table(connection: sa.Connection, table: sa.Table) -> Report:
    """Recompute ``table``'s chain in id order; stop at the first broken row."""
    prev = GENESIS
    count = 0
    last_id: int | None = None
    stmt = sa.select(table).order_by(table.c.id).execution_options(yield_per=1000)
    with connection.execute(stmt) as result:  # closes the server-side cursor on return
        for row in result:
            values = row._mapping
            problem = _problem(table.name, values, prev)
            if problem:
                broken = Break(table.name, values["id"], problem)
                return Report(table.name, count, last_id, prev, broken)
            count += 1
            last_id = values["id"]
            prev = values["hash"]
    return Report(table.name, count, last_id, prev, None)
