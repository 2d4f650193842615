"""Backup and restore: back up, change data and files, restore, compare. Runs on the
database of the test run (SQLite, or PostgreSQL with pg_dump/pg_restore in CI)."""

from __future__ import annotations

import tarfile
from pathlib import Path

import sqlalchemy as sa

from hgq.backup.services import uploads_dir
from hgq.cases.models import Case
from hgq.extensions import db
from tests import factories


def _case_titles(app) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return list(db.session.scalars(sa.select(Case.title).order_by(Case.id)))


def test_backup_change_restore_compare(app, zone, runner, tmp_path):
    with app.app_context():
        factories.make_case(zone.ent_a, zone.officer1, title="备份前的诉求")
        uploads = uploads_dir()
    (uploads / "2026" / "11").mkdir(parents=True)
    (uploads / "2026" / "11" / "kept-file").write_bytes(b"%PDF-1.4 before")
    before = _case_titles(app)

    result = runner.invoke(args=["backup", "--output", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    (archive,) = (tmp_path / "backups").glob("hgq-backup-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "uploads/2026/11/kept-file" in names
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    # Changes after the backup: a new case, a file gone, a file added.
    with app.app_context():
        factories.make_case(zone.ent_a, zone.officer1, title="备份后的诉求")
    (uploads / "2026" / "11" / "kept-file").unlink()
    (uploads / "later-file").write_bytes(b"added later")
    assert _case_titles(app) != before

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert _case_titles(app) == before
    assert (uploads / "2026" / "11" / "kept-file").read_bytes() == b"%PDF-1.4 before"
    assert not (uploads / "later-file").exists()
    # Nothing is lost: the replaced uploads folder was moved aside.
    (moved,) = Path(uploads).parent.glob("uploads.replaced-*")
    assert (moved / "later-file").read_bytes() == b"added later"


def test_restore_refuses_what_is_not_a_backup(app, runner, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0 and "无法读取备份文件" in result.output


def test_restore_asks_before_replacing(app, zone, runner, tmp_path):
    runner.invoke(args=["backup", "--output", str(tmp_path)])
    (archive,) = tmp_path.glob("hgq-backup-*.tar.gz")
    result = runner.invoke(args=["restore", str(archive)], input="n\n")
    assert result.exit_code != 0 and "确定继续吗" in result.output
