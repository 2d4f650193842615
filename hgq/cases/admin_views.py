"""Admin pages for case categories."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin_cases", __name__, url_prefix="/admin")
