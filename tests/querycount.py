"""Counting the SQL statements a block runs (bounded query counts, no query per row)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask

from hgq.extensions import db


@contextmanager
def counting_queries(app: Flask) -> Iterator[list[str]]:
    """Yield a list that fills with every statement the app's engine executes."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
