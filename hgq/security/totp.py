"""两步验证 (TOTP, RFC 6238): an optional second factor at sign-in, which a setting
(``security.totp_required``) makes compulsory for the accounts of REQUIRED_ROLES (the
system, security and audit admins and the committee).

The life of a user's second factor, on ``User``:

- not in use: ``totp_secret`` and ``totp_enabled_at`` are null;
- enrolling: :func:`pending_secret` stores a new secret (``totp_enabled_at`` still
  null); the user scans it, and :func:`enable` turns it on with a code it gives;
- in use: ``totp_enabled_at`` is set; sign-in asks for a code after the password
  (:func:`sign_in_with_code`, for the web and the API alike);
- :func:`disable` (the user, with a code; refused while the setting requires it of
  him) and :func:`reset` (an administrator, for a lost phone) clear all three columns.

A code is accepted for the current 30-second step and one step either side (clock
drift). Each accepted step is stored in ``totp_last_step`` by a conditional UPDATE, so
a code (or an older one) is accepted once only, even by two requests at the same time.
A wrong code at sign-in counts as a failed sign-in of the username in
:mod:`hgq.security.throttle` (so the lockout applies) and is audited as
``auth.totp_failed``; enabling, disabling and resetting are audited as ``totp.*``.

The TOTP columns change by plain UPDATEs: they are not profile edits, and must not make
an administrator's open edit form of the user stale (as :func:`record_login`).
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime
from typing import Any

import pyotp
import segno
import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm.attributes import set_committed_value

from hgq.accounts.models import Role, User, UserRole
from hgq.audit.services import record_audit
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.security.throttle import (
    SignInRefused,
    check_not_throttled,
    count_failure,
    record_success,
)
from hgq.settings.services import get_setting, save_setting

REQUIRED_KEY = "security.totp_required"
# The accounts the setting makes use a second factor, those that can change the system
# or read all of it: admin and committee, and the security and audit admins (三员分立).
REQUIRED_ROLES = frozenset({Role.ADMIN, Role.COMMITTEE, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
ISSUER = "hgq 包保服务"
STEP_SECONDS = 30
WINDOW = 1  # steps accepted either side of the current one
# How long the second step of a web sign-in waits for its code after the password.
PENDING_LOGIN_SECONDS = 5 * 60

BAD_CODE = "验证码不正确或已使用，请输入验证器应用上显示的最新6位数字。"
_CODE = re.compile(r"[0-9]{6}")


# -- the setting ----------------------------------------------------------------
def totp_required() -> bool:
    """True when the accounts of REQUIRED_ROLES must use two-factor sign-in."""
    return bool(get_setting(REQUIRED_KEY, False))


def set_required(on: bool, actor: User, expected_version: int | None = None) -> None:
    """Require two-factor sign-in of the accounts of REQUIRED_ROLES, or stop requiring
    it (audited as a setting change; the caller commits). VersionConflict when someone
    changed it meanwhile. Accounts without a second factor are held on the enrolment
    page from their next request (:mod:`hgq.security.sessions`)."""
    save_setting(REQUIRED_KEY, bool(on), actor, expected_version)


# -- state ----------------------------------------------------------------------
def is_enabled(user: User) -> bool:
    """True when ``user`` signs in with a code after the password."""
    return user.totp_enabled_at is not None and bool(user.totp_secret)


def required_for(user: User) -> bool:
    """True when the setting makes ``user`` use two-factor sign-in."""
    return user.has_role(*REQUIRED_ROLES) and totp_required()


def must_enrol(user: User) -> bool:
    """True when ``user`` must set up two-factor sign-in before anything else (the
    setting requires it of him and he has none). Reads the setting only for the accounts
    it concerns, so other users' requests cost no query."""
    return user.has_role(*REQUIRED_ROLES) and not is_enabled(user) and totp_required()


def select_overview() -> sa.Select[tuple[User]]:
    """Active users who use a second factor or whom the setting concerns, by username:
    the list on the security admin's two-factor page."""
    concerned = sa.exists().where(UserRole.user_id == User.id, UserRole.role.in_(REQUIRED_ROLES))
    return (
        sa.select(User)
        .where(User.active.is_(True), sa.or_(User.totp_enabled_at.is_not(None), concerned))
        .order_by(User.username)
    )


def _set(user: User, **values: Any) -> None:
    db.session.execute(
        sa.update(User).where(User.id == user.id).values(**values),
        execution_options={"synchronize_session": False},
    )
    for name, value in values.items():
        set_committed_value(user, name, value)


# -- codes ----------------------------------------------------------------------
def normalise_code(code: str) -> str | None:
    """The six digits of ``code`` as typed (spaces and a hyphen allowed), or None."""
    digits = re.sub(r"[\s-]", "", code or "")
    return digits if _CODE.fullmatch(digits) else None


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (within the window around ``now``) whose code is ``code``."""
    digits = normalise_code(code)
    if digits is None:
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Store ``step`` as the last accepted one unless it (or a later one) already was:
    False for a replayed code. One conditional UPDATE, so of two requests with the same
    code only one wins."""
    result = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def verify_code(user: User, code: str, now: datetime) -> bool:
    """True if ``code`` is right for ``user``'s secret at ``now`` (±1 step) and was not
    accepted before; the step is then used up. False for no secret, a wrong code, or a
    replay. Audits nothing (the callers do)."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code, now)
    return step is not None and _claim_step(user, step)


def _audit_failure(user: User, stage: str) -> None:
    record_audit(
        "auth.totp_failed",
        actor=user,
        target_type="user",
        target_id=user.id,
        after={"stage": stage},
    )


# -- enrolment --------------------------------------------------------------------
def pending_secret(user: User) -> str:
    """The secret ``user`` is enrolling with, created (and flushed) on first call; the
    same until he enables it, so reloading the page keeps the QR code. NotAllowed when
    two-factor sign-in is already in use."""
    if is_enabled(user):
        raise NotAllowed("您已启用两步验证。")
    if not user.totp_secret:
        _set(user, totp_secret=pyotp.random_base32(), totp_last_step=None)
    return user.totp_secret  # type: ignore[return-value]


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=user.username, issuer_name=ISSUER
    )


def qr_svg(uri: str) -> Markup:
    """``uri`` as a QR code in inline SVG markup (no script, no image request: the page's
    Content-Security-Policy allows it)."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, omitsize=True, svgclass="hgq-qr w-100 h-auto", title="两步验证二维码"
    )
    # segno's own markup, the URI only encoded in its drawing: hence the noqa/nosec.
    return Markup(svg)  # noqa: S704  # nosec B704


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enable(user: User, code: str, now: datetime) -> None:
    """Turn two-factor sign-in on with a code from the pending secret (audited
    ``totp.enable``). A wrong code is audited (``auth.totp_failed``) and refused with
    NotAllowed on field ``code``; the caller commits in both cases."""
    if is_enabled(user):
        raise NotAllowed("您已启用两步验证。")
    if not user.totp_secret:
        raise NotAllowed("请先扫描二维码获取密钥。", "code")
    if not verify_code(user, code, now):
        _audit_failure(user, "enable")
        raise NotAllowed(BAD_CODE, "code")
    _set(user, totp_enabled_at=now)
    record_audit("totp.enable", actor=user, target_type="user", target_id=user.id)


def disable(user: User, code: str, ip: str, now: datetime) -> None:
    """The user turns two-factor sign-in off, proving it with a current code (audited
    ``totp.disable``). Refused (NotAllowed) when it is not on, or while the setting
    requires it of him; refused (SignInRefused 429) while his username is locked. A
    wrong code counts as a failed sign-in and is audited; the caller commits in every
    case."""
    if not is_enabled(user):
        raise NotAllowed("您尚未启用两步验证。")
    if required_for(user):
        raise NotAllowed("系统要求您的账号使用两步验证，不能关闭。如更换手机，请联系管理员重置。")
    check_not_throttled(user.username, ip, now)
    if not verify_code(user, code, now):
        _audit_failure(user, "disable")
        count_failure(user.username, ip, now)
        raise NotAllowed(BAD_CODE, "code")
    _clear(user)
    record_audit("totp.disable", actor=user, target_type="user", target_id=user.id)


def reset(user: User, actor: User) -> None:
    """An administrator clears ``user``'s second factor (a lost or replaced phone;
    audited ``totp.reset``): he signs in with his password alone, or, if the setting
    requires it of him, sets up a new one at his next sign-in. NotAllowed when there is
    nothing to reset."""
    if not user.totp_secret and user.totp_enabled_at is None:
        raise NotAllowed(f"用户“{user.name}”未设置两步验证，无需重置。")
    was_enabled = is_enabled(user)
    _clear(user)
    record_audit(
        "totp.reset",
        actor=actor,
        target_type="user",
        target_id=user.id,
        before={"enabled": was_enabled},
    )


def _clear(user: User) -> None:
    _set(user, totp_secret=None, totp_enabled_at=None, totp_last_step=None)


# -- sign-in ----------------------------------------------------------------------
def sign_in_with_code(user: User, code: str, ip: str, now: datetime) -> None:
    """The second step of ``user``'s sign-in, after his password was right
    (:func:`hgq.security.throttle.check_credentials`): the sign-in succeeds (recorded
    as by :func:`~hgq.security.throttle.record_success`) or SignInRefused — 429 while
    the address or the username is throttled, 401 for a wrong or replayed code, which
    counts towards the lockout and is audited ``auth.totp_failed``. The caller commits
    in both cases."""
    check_not_throttled(user.username, ip, now)
    if not verify_code(user, code, now):
        _audit_failure(user, "sign_in")
        count_failure(user.username, ip, now)
        raise SignInRefused(BAD_CODE, 401)
    record_success(user, ip, now)
