"""The enterprise's own pages: 我的诉求 and submitting a new request."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("my", __name__, url_prefix="/my")
