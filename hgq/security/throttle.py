"""登录失败处理: lock a username after repeated failures, slow a spray from one address.

Rules (settings in hgq.config):
- LOGIN_MAX_FAILURES failures of one username within LOGIN_FAILURE_WINDOW_MINUTES lock
  it for LOGIN_LOCK_MINUTES from the last failure; a success or an administrator's
  unlock starts the count afresh. While locked, a sign-in is refused before the
  password is even checked (so guessing on goes nowhere).
- LOGIN_IP_MAX_FAILURES failures from one address within the window refuse further
  attempts from it until the window has passed (429), whatever the username.
- Every refusal says the same for a wrong username, a wrong password and a disabled
  account; the lock message is given for any username, existing or not.

The web login and ``POST /api/v1/tokens`` both sign in through :func:`check_credentials`
and :func:`record_success`; a wrong two-factor code (:mod:`hgq.security.totp`) counts
as a failure of the username like a wrong password.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from hgq.accounts.models import User
from hgq.accounts.services import authenticate
from hgq.audit.services import record_audit
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.security.models import AttemptKind, LoginAttempt
from hgq.timeutil import to_local

BAD_CREDENTIALS = "用户名或密码错误，或账号已停用。"


class SignInRefused(DomainError):
    """Sign-in refused; ``status`` is 401 (credentials) or 429 (throttled)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _key(username: str) -> str:
    return (username or "").strip().lower()[:80]


def _minutes(name: str) -> timedelta:
    return timedelta(minutes=int(current_app.config[name]))


def _since_reset(username: str, since: datetime) -> sa.ColumnElement[bool]:
    """Attempts of ``username`` after ``since`` and after its last success or unlock."""
    last_reset = (
        sa.select(sa.func.max(LoginAttempt.at))
        .where(
            LoginAttempt.username == username,
            LoginAttempt.kind.in_([AttemptKind.SUCCESS, AttemptKind.UNLOCK]),
        )
        .scalar_subquery()
    )
    return sa.and_(
        LoginAttempt.username == username,
        LoginAttempt.at > since,
        sa.or_(last_reset.is_(None), LoginAttempt.at > last_reset),
    )


def locked_until(username: str, now: datetime) -> datetime | None:
    """When the lock on ``username`` ends, or None if it is not locked."""
    key = _key(username)
    count, last = db.session.execute(
        sa.select(sa.func.count(LoginAttempt.id), sa.func.max(LoginAttempt.at)).where(
            LoginAttempt.kind == AttemptKind.FAILURE,
            _since_reset(key, now - _minutes("LOGIN_FAILURE_WINDOW_MINUTES")),
        )
    ).one()
    if count < int(current_app.config["LOGIN_MAX_FAILURES"]) or last is None:
        return None
    until = last + _minutes("LOGIN_LOCK_MINUTES")
    return until if until > now else None


def _address_blocked(ip: str, now: datetime) -> bool:
    if not ip:
        return False
    count = db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(
            LoginAttempt.ip == ip,
            LoginAttempt.kind == AttemptKind.FAILURE,
            LoginAttempt.at > now - _minutes("LOGIN_FAILURE_WINDOW_MINUTES"),
        )
    )
    return (count or 0) >= int(current_app.config["LOGIN_IP_MAX_FAILURES"])


def _record(username: str, ip: str, kind: AttemptKind, now: datetime) -> None:
    db.session.add(LoginAttempt(username=_key(username), ip=ip[:45], kind=kind, at=now))
    db.session.flush()


def check_not_throttled(username: str, ip: str, now: datetime) -> None:
    """Refuse (SignInRefused 429, audited) while ``ip`` is blocked or ``username`` is
    locked; checked before any password or code, so guessing on goes nowhere."""
    if _address_blocked(ip, now):
        record_audit("auth.login_throttled", actor=None, target_type="ip", target_id=ip)
        raise SignInRefused("登录失败次数过多，请稍后再试。", 429)
    until = locked_until(username, now)
    if until is not None:
        record_audit(
            "auth.login_locked", actor=None, target_type="username", target_id=_key(username)[:40]
        )
        raise SignInRefused(
            f"登录失败次数过多，账号已暂时锁定，请于 {to_local(until):%H:%M} 后再试，"
            "或联系系统管理员解锁。",
            429,
        )


def count_failure(username: str, ip: str, now: datetime) -> None:
    """Count a failed attempt (a wrong password, or a wrong two-factor code) towards the
    lockout of ``username`` and the limit of ``ip``; audits ``auth.lockout`` when this
    failure locks the username. The caller audits the failure itself."""
    _record(username, ip, AttemptKind.FAILURE, now)
    if locked_until(username, now) is not None:
        record_audit(
            "auth.lockout", actor=None, target_type="username", target_id=_key(username)[:40]
        )


def check_credentials(username: str, password: str, ip: str, now: datetime) -> User:
    """The first factor: the user for these credentials, or SignInRefused (a failure is
    counted and audited). A success is *not* recorded yet: the caller finishes with
    :func:`record_success` once every factor is right (so a right password alone does
    not clear the failures of wrong two-factor codes). The caller commits either way."""
    check_not_throttled(username, ip, now)
    user = authenticate(username, password)
    if user is None:
        record_audit(
            "auth.login_failed", actor=None, target_type="username", target_id=_key(username)[:40]
        )
        count_failure(username, ip, now)
        raise SignInRefused(BAD_CREDENTIALS, 401)
    return user


def record_success(user: User, ip: str, now: datetime) -> None:
    """``user`` has signed in: his earlier failures no longer count; audited."""
    _record(user.username, ip, AttemptKind.SUCCESS, now)
    record_audit("auth.login", actor=user, target_type="user", target_id=user.id)


def sign_in(username: str, password: str, ip: str, now: datetime) -> User:
    """The user for these credentials, recording the attempt; SignInRefused otherwise.
    For a password-only sign-in (a two-factor user's goes through
    :func:`check_credentials`, then :mod:`hgq.security.totp`). The caller commits in
    both cases (a refusal's record must be kept)."""
    user = check_credentials(username, password, ip, now)
    record_success(user, ip, now)
    return user


def unlock(user: User, actor: User, now: datetime) -> None:
    """An administrator lifts the lock on ``user``'s username."""
    _record(user.username, "", AttemptKind.UNLOCK, now)
    record_audit("auth.unlock", actor=actor, target_type="user", target_id=user.id)


def locked_accounts(now: datetime) -> list[tuple[str, datetime, User | None]]:
    """Every username locked at ``now`` as (username, lock end, its account or None for
    a name that matches no account — a sign of guessing), soonest end last. One query:
    failures in the window after the username's last success or unlock, grouped."""
    window = now - _minutes("LOGIN_FAILURE_WINDOW_MINUTES")
    reset = sa.orm.aliased(LoginAttempt)
    last_reset = (
        sa.select(sa.func.max(reset.at))
        .where(
            reset.username == LoginAttempt.username,
            reset.kind.in_([AttemptKind.SUCCESS, AttemptKind.UNLOCK]),
        )
        .scalar_subquery()
    )
    failures = (
        sa.select(LoginAttempt.username, sa.func.max(LoginAttempt.at).label("last"))
        .where(
            LoginAttempt.kind == AttemptKind.FAILURE,
            LoginAttempt.at > window,
            sa.or_(last_reset.is_(None), LoginAttempt.at > last_reset),
        )
        .group_by(LoginAttempt.username)
        .having(sa.func.count(LoginAttempt.id) >= int(current_app.config["LOGIN_MAX_FAILURES"]))
        .subquery()
    )
    rows = db.session.execute(
        sa.select(failures.c.username, failures.c.last, User)
        .outerjoin(User, sa.func.lower(User.username) == failures.c.username)
        .order_by(failures.c.last.desc())
    ).all()
    lock = _minutes("LOGIN_LOCK_MINUTES")
    return [(name, last + lock, user) for name, last, user in rows if last + lock > now]
