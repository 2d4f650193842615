"""Admin pages for enterprises, projects, tags and assignments (联点包保)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin_enterprises", __name__, url_prefix="/admin")
