"""三员分立 (separation of duties, 等保 level 3, optional): the system admin runs the
zone's registry, the security admin (安全管理员) the security settings and lockouts,
the audit admin (审计管理员) reads the audit trail and changes nothing.

The security and audit admin roles exist whatever the setting says, and are always held
alone. The setting decides whether the system admin *also* does their parts: off (the
default, for a small zone with one administrator) he does; on, he does not, and the
audit trail is read by nobody who can change the system.

Turning the setting on is refused unless an active security admin and an active audit
admin exist, and while it is on the last of either cannot be deactivated or lose the
role (see ``hgq.accounts.services``) — otherwise nobody could turn it off again. Who
may do what under the setting is decided in :mod:`hgq.access.security`.
"""

from __future__ import annotations

import sqlalchemy as sa

from hgq.accounts.models import Role, User, UserRole
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.settings.services import get_setting, save_setting

SEPARATION_KEY = "security.separation_of_duties"


def separation_of_duties() -> bool:
    """True when 三员分立 is on."""
    return bool(get_setting(SEPARATION_KEY, False))


def active_holders(role: Role) -> int:
    """How many active users hold ``role``."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .join(UserRole)
            .where(UserRole.role == role, User.active.is_(True))
        )
        or 0
    )


def set_separation(on: bool, actor: User, expected_version: int | None = None) -> None:
    """Turn 三员分立 on or off (audited as a setting change; the caller commits).

    NotAllowed when turning it on without an active security admin and audit admin;
    VersionConflict when someone changed it meanwhile."""
    if on:
        missing = [
            r.label for r in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN) if not active_holders(r)
        ]
        if missing:
            raise NotAllowed(
                f"启用三员分立前，请先为{'、'.join(missing)}各建立至少一个在用账号", "enabled"
            )
    save_setting(SEPARATION_KEY, on, actor, expected_version)
