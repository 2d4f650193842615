"""Small helpers shared by the views of every domain."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import Pagination

from hgq.errors import DomainError
from hgq.extensions import db
from hgq.forms import BaseForm, show_refusal


def refuse(form: BaseForm, exc: DomainError) -> None:
    """A service refused the change: undo whatever it began and show its message on
    the form (at the field it names), so the page re-renders with the user's input."""
    db.session.rollback()
    show_refusal(form, exc)


def per_page() -> int:
    """Rows per page of every list (the ITEMS_PER_PAGE setting)."""
    return int(current_app.config["ITEMS_PER_PAGE"])


def paginate(stmt: sa.Select[Any]) -> Pagination:
    """One page of ``stmt`` (LIMIT/OFFSET in SQL) for the ``page`` query argument;
    a page past the end is empty rather than a 404."""
    return db.paginate(stmt, per_page=per_page(), error_out=False)
