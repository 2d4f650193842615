"""audit chain

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28

防篡改审计链 (issue 7): ``audit_records`` and ``case_events`` get ``prev_hash`` and
``hash`` (hex SHA-256, NOT NULL, server default ""), each row's hash covering its
content and the previous row's hash (:mod:`hgq.audit.chain`). The existing rows are
chained here in id order, as the application would have chained them. Then both tables
become append-only in the database itself: triggers refuse UPDATE and DELETE
(:mod:`hgq.audit.triggers`, the same statements ``create_all`` installs).

Downgrade drops the triggers first, then the columns.

"""

import sqlalchemy as sa
from alembic import op

from hgq.audit import triggers
from hgq.audit.chain import GENESIS, HASHED_COLUMNS, row_hash

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLES = ("audit_records", "case_events")
BATCH = 1000

# The hashed columns as they stand at this revision, typed so that values read back
# as the application's models read them (JSON as dicts, times as datetimes).
_TYPES = {
    "at": sa.DateTime(timezone=True),
    "actor_id": sa.Integer(),
    "ip": sa.String(),
    "action": sa.String(),
    "target_type": sa.String(),
    "target_id": sa.String(),
    "before": sa.JSON(),
    "after": sa.JSON(),
    "case_id": sa.Integer(),
    "from_status": sa.String(),
    "to_status": sa.String(),
    "from_level": sa.Integer(),
    "to_level": sa.Integer(),
    "note": sa.Text(),
    "visible_to_enterprise": sa.Boolean(),
    "data": sa.JSON(),
}


def _chain_existing(name: str) -> None:
    """Fill ``prev_hash`` and ``hash`` of the table's rows, in id order."""
    table = sa.table(
        name,
        sa.column("id", sa.Integer()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
        *(sa.column(c, _TYPES[c]) for c in HASHED_COLUMNS[name]),
    )
    update = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values(prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash"))
    )
    bind = op.get_bind()
    prev, last_id = GENESIS, 0
    while True:
        rows = bind.execute(
            sa.select(table).where(table.c.id > last_id).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        changes = []
        for row in rows:
            digest = row_hash(name, row._mapping, prev)
            changes.append({"row_id": row.id, "new_prev": prev, "new_hash": digest})
            prev, last_id = digest, row.id
        bind.execute(update, changes)


def upgrade():
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("prev_hash", sa.String(length=64), server_default="", nullable=False)
            )
            batch_op.add_column(
                sa.Column("hash", sa.String(length=64), server_default="", nullable=False)
            )
    for name in TABLES:
        _chain_existing(name)
        triggers.install(op.get_bind(), name)


def downgrade():
    bind = op.get_bind()
    for name in reversed(TABLES):
        triggers.uninstall(bind, name)
    if bind.dialect.name == "postgresql":
        op.execute(triggers.DROP_PG_FUNCTION)

    for name in reversed(TABLES):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column("hash")
            batch_op.drop_column("prev_hash")
