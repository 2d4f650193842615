"""Uploading files to a case and downloading them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("attachments", __name__)
