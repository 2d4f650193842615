"""Append-only in the database itself: triggers refusing UPDATE and DELETE.

:func:`append_only` attaches them to a table so that ``metadata.create_all`` (the
tests) installs them right after the table; the migration calls :func:`install` and
:func:`uninstall` with the same statements. SQLite gets two ``RAISE(ABORT)`` triggers
per table; PostgreSQL one row trigger per table calling a shared plpgsql function
that raises (SQLSTATE 55000, object_not_in_prerequisite_state).

Dropping a whole table (a restore with ``pg_restore --clean``, or SQLite's backup API
replacing the file) is not a row change and is not blocked; neither is TRUNCATE.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.schema import DDL

MESSAGE = "append-only table: UPDATE and DELETE are refused"
PG_FUNCTION = "hgq_refuse_change"


def _sqlite_create(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table}: {MESSAGE}'); END"
        for verb in ("UPDATE", "DELETE")
    ]


def _sqlite_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in ("update", "delete")]


_PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%: {MESSAGE}', TG_TABLE_NAME USING ERRCODE = '55000';
END
$$
"""


def _pg_create(table: str) -> list[str]:
    return [
        _PG_FUNCTION_SQL,
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()",
    ]


def _pg_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]


def create_statements(dialect: str, table: str) -> list[str]:
    """The statements that make ``table`` append-only on ``dialect``."""
    return {"sqlite": _sqlite_create, "postgresql": _pg_create}[dialect](table)


def drop_statements(dialect: str, table: str) -> list[str]:
    """The statements that undo :func:`create_statements` (the shared PostgreSQL
    function stays; drop it with :data:`DROP_PG_FUNCTION` after the last table)."""
    return {"sqlite": _sqlite_drop, "postgresql": _pg_drop}[dialect](table)


DROP_PG_FUNCTION = f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()"


def install(connection: sa.Connection, table: str) -> None:
    """Make ``table`` append-only (for migrations and tests)."""
    for statement in create_statements(connection.dialect.name, table):
        connection.execute(sa.text(statement))


def uninstall(connection: sa.Connection, table: str) -> None:
    """Remove ``table``'s append-only triggers (the PostgreSQL function stays)."""
    for statement in drop_statements(connection.dialect.name, table):
        connection.execute(sa.text(statement))


def append_only(table: sa.Table) -> None:
    """Have ``create_all`` install the triggers right after creating ``table``."""
    for dialect in ("sqlite", "postgresql"):
        for statement in create_statements(dialect, table.name):
            # DDL formats its text with %: escape the percent signs of plpgsql.
            ddl = DDL(statement.replace("%", "%%")).execute_if(dialect=dialect)
            sa.event.listen(table, "after_create", ddl)
