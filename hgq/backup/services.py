"""Writing and restoring backups.

A backup is one ``.tar.gz`` holding ``manifest.json`` (when, which schema revision,
which database kind), the database — ``database.sqlite`` taken with SQLite's online
backup API (consistent while the app keeps running), or ``database.pgdump`` from
``pg_dump --format=custom`` for PostgreSQL — and the ``uploads/`` folder.

Restoring replaces the database's content with the snapshot's and puts the snapshot's
uploads in place; the uploads folder it replaces is moved aside, never deleted. Stop
the server processes (and the scheduler) before restoring.
"""

from __future__ import annotations

import json
import shutil
import sqlite3

# subprocess runs pg_dump / pg_restore only, with arguments built here.
import subprocess  # nosec B404
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from hgq.db import utcnow
from hgq.extensions import db

FORMAT = 1
SQLITE_NAME = "database.sqlite"
PG_NAME = "database.pgdump"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why (in Chinese)."""


@dataclass(frozen=True)
class Manifest:
    format: int
    created_at: str
    dialect: str
    revision: str | None


def uploads_dir() -> Path:
    return Path(current_app.instance_path, "uploads")


def _revision() -> str | None:
    try:
        return db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    except sa.exc.DBAPIError:
        db.session.rollback()
        return None


def _libpq_url() -> str:
    url = db.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(args: list[str]) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(
            f"未找到 {args[0]}：PostgreSQL 的备份与恢复需要安装 postgresql-client，"
            "或按 README 用 pg_dump / pg_restore 手工进行。"
        )
    # A fixed tool found on PATH, arguments built here, no shell: hence the noqa/nosec.
    done = subprocess.run(  # noqa: S603  # nosec B603
        [tool, *args[1:]], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{args[0]} 失败：{done.stderr.strip()[:500]}")


def _dump_database(target: Path) -> str:
    """Write the database into ``target`` (a folder); return the file name used."""
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        snapshot = sqlite3.connect(target / SQLITE_NAME)
        raw = db.engine.raw_connection()
        try:
            raw.driver_connection.backup(snapshot)  # type: ignore[union-attr]
        finally:
            raw.close()
            snapshot.close()
        return SQLITE_NAME
    if dialect == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target / PG_NAME}", _libpq_url()]
        )
        return PG_NAME
    raise BackupError(f"不支持的数据库类型：{dialect}")


def write_backup(folder: Path, now: datetime | None = None) -> Path:
    """Write a backup archive into ``folder``; return its path."""
    now = now or utcnow()
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / f"hgq-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    manifest = Manifest(FORMAT, now.isoformat(), db.engine.dialect.name, _revision())
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        name = _dump_database(staging)
        (staging / "manifest.json").write_text(
            json.dumps(manifest.__dict__, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(staging / "manifest.json", arcname="manifest.json")
            tar.add(staging / name, arcname=name)
            if uploads_dir().is_dir():
                tar.add(uploads_dir(), arcname="uploads")
    archive.chmod(0o600)  # the database holds personal data
    return archive


def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            data = json.loads(member.read().decode("utf-8")) if member else None
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"无法读取备份文件：{exc}") from exc
    if not data or data.get("format") != FORMAT:
        raise BackupError("不是本系统的备份文件，或格式版本不符。")
    return Manifest(**{k: data.get(k) for k in Manifest.__dataclass_fields__})


def restore_backup(archive: Path) -> Path | None:
    """Restore ``archive``; return where the replaced uploads folder was moved (if any)."""
    manifest = read_manifest(archive)
    dialect = db.engine.dialect.name
    if manifest.dialect != dialect:
        raise BackupError(f"备份来自 {manifest.dialect} 数据库，不能恢复到 {dialect} 数据库。")
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")
        db.session.remove()
        if dialect == "sqlite":
            snapshot = sqlite3.connect(staging / SQLITE_NAME)
            raw = db.engine.raw_connection()
            try:
                snapshot.backup(raw.driver_connection)  # type: ignore[arg-type]
            finally:
                raw.close()
                snapshot.close()
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    f"--dbname={_libpq_url()}",
                    str(staging / PG_NAME),
                ]
            )
        db.engine.dispose()
        return _swap_uploads(staging / "uploads")


def _swap_uploads(restored: Path) -> Path | None:
    current = uploads_dir()
    moved = None
    if current.exists():
        moved = current.with_name(f"uploads.replaced-{utcnow():%Y%m%d-%H%M%S}")
        current.rename(moved)
    if restored.is_dir():
        shutil.copytree(restored, current)
    return moved
