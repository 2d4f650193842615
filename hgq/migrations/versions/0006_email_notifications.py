"""email notifications

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

Notifications by email: each user's address, mode (off / each / daily, default off)
and the time of his last daily digest; on each notification, the state of its email
copy (none / pending / sent / failed), the number of attempts and when it went out.
Columns only, added in place (no table rebuild on SQLite); existing rows get the
server defaults, so nobody receives mail until he asks for it.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_status", sa.String(length=10), server_default="none", nullable=False)
        )
        batch_op.add_column(
            sa.Column("email_attempts", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_notifications_email_status"), ["email_status"], unique=False
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email", sa.String(length=254), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("email_mode", sa.String(length=10), server_default="off", nullable=False)
        )
        batch_op.add_column(sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("last_digest_at")
        batch_op.drop_column("email_mode")
        batch_op.drop_column("email")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_email_status"))
        batch_op.drop_column("emailed_at")
        batch_op.drop_column("email_attempts")
        batch_op.drop_column("email_status")
