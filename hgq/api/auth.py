"""Bearer tokens: issuing, checking and revoking them, and the ``token_required``
decorator every API view but the token request and the spec carries.

A token is ``secrets.token_urlsafe(32)``; only its SHA-256 is stored. It expires after
``API_TOKEN_TTL_HOURS`` (default 30 days) and can be revoked. The API never reads the
session cookie: a signed-in browser without a token is refused like anyone else.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app, g, request

from hgq import access
from hgq.accounts.models import User
from hgq.api.errors import unauthorized
from hgq.api.models import ApiToken
from hgq.db import utcnow
from hgq.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_TTL_HOURS = 24 * 30
# last_used_at is refreshed at most this often, so reading does not write every time.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_ttl() -> timedelta:
    return timedelta(hours=float(current_app.config.get("API_TOKEN_TTL_HOURS", DEFAULT_TTL_HOURS)))


def issue_token(user: User) -> tuple[str, ApiToken]:
    """Create a token for ``user``; returns the secret (shown once) and the stored row."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        token_hash=hash_token(secret),
        created_at=now,
        expires_at=now + token_ttl(),
        session_version=user.session_version,
    )
    db.session.add(token)
    db.session.flush()
    return secret, token


def find_valid_token(secret: str) -> ApiToken | None:
    """The token with this secret if it is neither expired nor revoked, its user is
    still active, and the user's sessions have not been ended since (password reset,
    role change, deactivation); otherwise None."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.active or token.session_version != token.user.session_version:
        return None
    return token


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.flush()


def _record_use(token: ApiToken) -> None:
    # Bookkeeping in its own short transaction, so the request's own change (if any)
    # stays one atomic commit and a refused request still counts as a use.
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    token.last_used_at = now
    db.session.commit()


def _bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        return None
    return secret


def token_required(view: F) -> F:
    """Only with a valid bearer token; puts the user in ``g.api_user`` and the token in
    ``g.api_token``. Anything else answers 401 ``unauthorized``."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        secret = _bearer_secret()
        token = find_valid_token(secret) if secret else None
        if token is None:
            raise unauthorized()
        _record_use(token)
        g.api_token = token
        g.api_user = token.user
        return view(*args, **kwargs)

    setattr(wrapper, access.ACCESS_ATTR, "api_token")
    return wrapper  # type: ignore[return-value]
