"""Password policy (口令策略): length, complexity, maximum age and no reuse, as a
run-time setting an administrator changes (等保 asks for complexity and periodic
change; ASVS 5.0 advises against forced rotation, so the maximum age is off unless set).

A new account and an administrator's reset must be changed at the next sign-in
(``User.must_change_password``); accounts made by ``flask --app app demo`` are exempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from hgq.accounts.models import User
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.security.models import PasswordHistory
from hgq.settings.services import get_setting

POLICY_KEY = "security.password_policy"
MAX_LENGTH = 128


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 8
    complexity: bool = True  # at least three of: lower case, upper case, digits, symbols
    max_age_days: int = 0  # 0: no forced change
    history: int = 5  # refuse the last N passwords (0: no check)

    def describe(self) -> str:
        parts = [f"至少{self.min_length}位"]
        if self.complexity:
            parts.append("包含小写字母、大写字母、数字、符号中的至少三类")
        if self.history:
            parts.append(f"不能与最近{self.history}次使用过的密码相同")
        return "，".join(parts) + "。"


def current_policy() -> PasswordPolicy:
    stored: dict[str, Any] = get_setting(POLICY_KEY, {})
    known = {k: v for k, v in stored.items() if k in PasswordPolicy.__dataclass_fields__}
    return PasswordPolicy(**known)


def _classes(password: str) -> int:
    return sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )


def check_password(password: str, user: User | None = None, field: str = "password") -> None:
    """Raise NotAllowed (naming ``field``) if ``password`` breaks the policy, for
    ``user`` when given (then also his recent passwords)."""
    policy = current_policy()
    if len(password) < policy.min_length:
        raise NotAllowed(f"密码至少需要{policy.min_length}位", field)
    if len(password) > MAX_LENGTH:
        raise NotAllowed(f"密码不能超过{MAX_LENGTH}位", field)
    if policy.complexity and _classes(password) < 3:
        raise NotAllowed("密码须包含小写字母、大写字母、数字、符号中的至少三类", field)
    if user is not None and policy.history:
        recent = [user.password_hash, *_recent_hashes(user, policy.history)]
        if any(check_password_hash(h, password) for h in recent[: policy.history]):
            raise NotAllowed(f"不能使用最近{policy.history}次用过的密码", field)


def _recent_hashes(user: User, count: int) -> list[str]:
    if user.id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(PasswordHistory.password_hash)
            .where(PasswordHistory.user_id == user.id)
            .order_by(PasswordHistory.id.desc())
            .limit(count)
        )
    )


def remember_old_hash(user: User) -> None:
    """Keep the hash being replaced, for the no-reuse rule."""
    if user.id is not None and user.password_hash:
        db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))


def change_required(user: User, now: datetime) -> str | None:
    """Why ``user`` must change his password before anything else, or None."""
    if user.must_change_password:
        return "首次登录或密码已被重置，请先设置您自己的新密码。"
    days = current_policy().max_age_days
    changed = user.password_changed_at
    if days and changed is not None and now - changed > timedelta(days=days):
        return f"密码已超过{days}天未修改，请设置新密码。"
    return None
