"""Case pages: lists and queues for staff, the case page with its timeline and actions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cases", __name__)
