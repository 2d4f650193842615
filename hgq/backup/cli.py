"""``flask --app app backup`` and ``flask --app app restore``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from hgq.backup.services import BackupError, read_manifest, restore_backup, write_backup


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="备份文件存放目录（默认 instance/backups）",
)
@with_appcontext
def backup_command(output: Path | None) -> None:
    """备份数据库与附件，写成一个 .tar.gz 文件。"""
    folder = output or Path(current_app.instance_path, "backups")
    try:
        archive = write_backup(folder)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已备份到 {archive}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="不再询问，直接恢复")
@with_appcontext
def restore_command(archive: Path, yes: bool) -> None:
    """用备份文件恢复数据库与附件（先停止服务进程）。"""
    try:
        manifest = read_manifest(archive)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"备份时间 {manifest.created_at}，数据库 {manifest.dialect}，结构版本 {manifest.revision}"
    )
    if not yes:
        click.confirm("恢复将用备份内容替换当前数据库的全部数据，确定继续吗？", abort=True)
    try:
        moved = restore_backup(archive)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("已恢复。" + (f"原附件目录已移到 {moved}。" if moved else ""))
