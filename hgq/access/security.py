"""Who runs security and who reads the audit trail (三员分立); part of :mod:`hgq.access`,
which re-exports everything here.

- the security admin (安全管理员) manages the password policy, two-factor sign-in,
  lockouts and the separation switch; the audit admin (审计管理员) reads the audit
  trail and its export, and nothing else;
- the system admin does both as well unless separation of duties is on
  (:func:`hgq.security.duties.separation_of_duties`).
"""

from __future__ import annotations

from hgq.accounts.models import Role, User
from hgq.security.duties import separation_of_duties


def can_manage_security(user: User) -> bool:
    """Password policy, two-factor requirement and resets, unlocking accounts, 三员分立."""
    if user.has_role(Role.SECURITY_ADMIN):
        return True
    return user.has_role(Role.ADMIN) and not separation_of_duties()


def can_read_audit(user: User) -> bool:
    """The audit page and its export."""
    if user.has_role(Role.AUDIT_ADMIN):
        return True
    return user.has_role(Role.ADMIN) and not separation_of_duties()
