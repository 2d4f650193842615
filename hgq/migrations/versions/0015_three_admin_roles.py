"""three admin roles

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28

三员分立: the roles ``secadmin`` (安全管理员) and ``auditadmin`` (审计管理员) join the
CHECK constraint on ``user_roles.role`` (the column is long enough already). SQLite
rebuilds the table in batch mode; PostgreSQL swaps the constraint.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OLD = ("officer", "leader", "committee", "department", "enterprise", "admin")
NEW = (*OLD, "secadmin", "auditadmin")


def _role_type(values):
    return sa.Enum(*values, name="role", native_enum=False, create_constraint=True)


def _swap(old, new):
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.alter_column(
            "role", existing_type=_role_type(old), type_=_role_type(new), existing_nullable=False
        )


def upgrade():
    _swap(OLD, NEW)


def downgrade():
    op.execute("DELETE FROM user_roles WHERE role IN ('secadmin', 'auditadmin')")
    _swap(NEW, OLD)
