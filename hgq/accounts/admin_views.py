"""Admin pages for users and departments."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin_accounts", __name__, url_prefix="/admin")
