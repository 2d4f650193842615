"""The tamper-evident trail: audit records and case events are hash-chained, the
database refuses UPDATE and DELETE on them, and ``audit verify`` finds a record changed
behind the triggers' back. Runs on the test run's database (SQLite or PostgreSQL)."""

from __future__ import annotations

import importlib.util
import itertools
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.orm import Session

from hgq.audit import triggers
from hgq.audit.chain import GENESIS, HASHED_COLUMNS, row_hash
from hgq.audit.models import AuditRecord
from hgq.audit.services import record_audit
from hgq.cases.models import CaseEvent
from hgq.extensions import db
from tests import factories

AUDIT: sa.Table = AuditRecord.__table__  # type: ignore[assignment]
EVENTS: sa.Table = CaseEvent.__table__  # type: ignore[assignment]
MIGRATION = Path(__file__).parents[2] / "hgq" / "migrations" / "versions" / "0013_audit_chain.py"


def _hashes(model: type[AuditRecord] | type[CaseEvent]) -> list[tuple[int, str, str]]:
    stmt = sa.select(model.id, model.prev_hash, model.hash).order_by(model.id)
    return [tuple(row) for row in db.session.execute(stmt)]  # type: ignore[misc]


def _write_some(zone) -> None:  # type: ignore[no-untyped-def]
    """Case events (one case, then a second) and audit records, a few per flush."""
    factories.make_case(zone.ent_a, zone.officer1, title="第一件")
    record_audit("settings.update", actor=None, before={"b": 1, "a": "旧"}, after={"a": "新"})
    # Several in one flush, one of them at a non-UTC time on a whole second.
    shanghai = datetime(2026, 11, 3, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    db.session.add_all(
        [
            AuditRecord(action="user.login", ip="10.0.0.1"),
            AuditRecord(action="user.logout", at=shanghai, target_type="user", target_id="7"),
            AuditRecord(action="export", after={"rows": 3, "nested": {"z": [1, 2.5, None]}}),
        ]
    )
    db.session.commit()
    factories.make_case(zone.ent_b, zone.officer2, title="第二件")


def test_records_chain_in_id_order(app, zone):
    with app.app_context():
        _write_some(zone)
        for model in (AuditRecord, CaseEvent):
            rows = _hashes(model)
            assert len(rows) >= 2
            assert rows[0][1] == GENESIS
            for (_, _, earlier), (_, prev, digest) in itertools.pairwise(rows):
                assert prev == earlier  # n+1 carries n's hash
                assert len(digest) == 64 and digest != prev
        # The hash is over the stored content: recomputed from the row read back.
        table = AuditRecord.__table__
        last = db.session.execute(sa.select(table).order_by(table.c.id.desc())).first()
        assert last is not None
        assert row_hash("audit_records", last._mapping, last.prev_hash) == last.hash


def test_hashed_columns_cover_every_business_column():
    """A new column must be placed in or out of the chain deliberately (hgq.audit.chain)."""
    for model in (AuditRecord, CaseEvent):
        table = model.__table__
        business = {c.name for c in table.columns} - {"id", "prev_hash", "hash"}
        assert business == set(HASHED_COLUMNS[table.name]), table.name


def test_verify_intact(app, zone, runner):
    with app.app_context():
        _write_some(zone)
        events = db.session.scalar(sa.select(sa.func.count(CaseEvent.id)))
        records = db.session.scalar(sa.select(sa.func.count(AuditRecord.id)))  # zone's too
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"审计记录（audit_records）：{records} 条，完整" in result.output
    assert f"案件流转记录（case_events）：{events} 条，完整" in result.output
    assert "完整：两条哈希链均未发现篡改" in result.output


def test_verify_empty(app, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "0 条，完整" in result.output


@pytest.mark.parametrize("model", [AuditRecord, CaseEvent])
def test_update_and_delete_are_refused(app, zone, model):
    table = model.__table__
    with app.app_context():
        _write_some(zone)
        for statement in (
            sa.update(table).where(table.c.id == 1).values(action="forged"),
            sa.update(table).values(hash=GENESIS),
            sa.delete(table).where(table.c.id == 1),
            sa.delete(table),
        ):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                db.session.execute(statement)
            db.session.rollback()
        # ORM changes are refused alike.
        row = db.session.get(model, 1)
        row.action = "forged"  # type: ignore[union-attr]
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(model, 1))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(model, 1).action != "forged"  # type: ignore[union-attr]


def _behind_the_triggers(statement: sa.Update | sa.Delete) -> None:
    """What someone with the database's owner rights could do: drop the triggers,
    change a row, put the triggers back."""
    table = statement.table.name  # type: ignore[attr-defined]
    with db.engine.begin() as conn:
        triggers.uninstall(conn, table)
        conn.execute(statement)
        triggers.install(conn, table)


def test_altered_record_is_named_by_verify(app, zone, runner):
    with app.app_context():
        _write_some(zone)
        _behind_the_triggers(sa.update(AUDIT).where(AUDIT.c.id == 3).values(ip="6.6.6.6"))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert "审计记录（audit_records）：前 2 条完整；第一条异常记录 id=3" in result.output
    assert "内容与 hash 不符" in result.output
    assert "哈希链被破坏" in result.output
    assert "完整：两条" not in result.output


def test_deleted_record_is_named_by_verify(app, zone, runner):
    with app.app_context():
        _write_some(zone)
        _behind_the_triggers(sa.delete(EVENTS).where(EVENTS.c.id == 1))
        records = db.session.scalar(sa.select(sa.func.count(AuditRecord.id)))  # zone's too
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert f"审计记录（audit_records）：{records} 条，完整" in result.output
    assert "第一条异常记录 id=2：prev_hash 与上一条记录的 hash 不衔接" in result.output


def test_rehashed_record_is_still_detected(app, zone, runner):
    """Changing a row and recomputing its own hash breaks the link to the next row."""
    with app.app_context():
        _write_some(zone)
        row = db.session.execute(sa.select(AuditRecord.__table__).where(AuditRecord.id == 2)).one()
        forged = dict(row._mapping, action="nothing.happened")
        digest = row_hash("audit_records", forged, row.prev_hash)
        db.session.remove()
        _behind_the_triggers(
            sa.update(AUDIT).where(AUDIT.c.id == 2).values(action=forged["action"], hash=digest)
        )
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "第一条异常记录 id=3：prev_hash" in result.output


def test_two_writers_keep_one_chain(app):
    """A second writer waits for the first one's transaction before reading the last
    hash (advisory lock on PostgreSQL, the write lock on SQLite)."""
    with app.app_context():
        engine = db.engine
    first = Session(engine)
    first.add(AuditRecord(action="first"))
    first.flush()  # holds the table's chain lock until commit
    errors: list[BaseException] = []

    def second_writer() -> None:
        try:
            with Session(engine) as second:
                second.add(AuditRecord(action="second"))
                second.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive()  # waiting for the first writer
    first.commit()
    first.close()
    thread.join(10)
    assert not thread.is_alive() and not errors, errors
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditRecord.action, AuditRecord.prev_hash, AuditRecord.hash).order_by(
                AuditRecord.id
            )
        ).all()
        assert [r.action for r in rows] == ["first", "second"]
        assert rows[1].prev_hash == rows[0].hash


def _run_migration_backfill() -> None:
    spec = importlib.util.spec_from_file_location("migration_0013", MIGRATION)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    with db.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        for table in module.TABLES:
            triggers.uninstall(conn, table)
            blank = sa.table(table, sa.column("hash"), sa.column("prev_hash"))
            conn.execute(blank.update().values(prev_hash="", hash=""))
            module._chain_existing(table)
            triggers.install(conn, table)


def test_migration_chains_existing_rows_as_the_app_does(app, zone):
    with app.app_context():
        _write_some(zone)
        written = {m: _hashes(m) for m in (AuditRecord, CaseEvent)}
        db.session.remove()
        _run_migration_backfill()
        assert {m: _hashes(m) for m in (AuditRecord, CaseEvent)} == written


def test_chain_survives_backup_and_restore(app, zone, runner, tmp_path):
    with app.app_context():
        _write_some(zone)
        records = db.session.scalar(sa.select(sa.func.count(AuditRecord.id)))  # zone's too
    result = runner.invoke(args=["backup", "--output", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    (archive,) = (tmp_path / "backups").glob("hgq-backup-*.tar.gz")
    with app.app_context():
        record_audit("after.backup", actor=None)
        db.session.commit()
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"审计记录（audit_records）：{records} 条，完整" in result.output
    with app.app_context(), pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM audit_records"))
