"""two-factor

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28

两步验证 (TOTP, hgq.security.totp): on ``users`` the secret (``totp_secret``, set while
enrolling and kept once enabled), when it was enabled (``totp_enabled_at``; null: not
in use) and the last time step accepted (``totp_last_step``, so a code is accepted only
once). All nullable: existing accounts start without a second factor.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_enabled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_secret")
