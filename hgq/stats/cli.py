"""``flask --app app stats rebuild``: recompute the statistics rollup from the cases.

Needed once after upgrading a database that already has cases (migration 0011 creates
the rollup empty), and whenever the rollup is in doubt (cases changed outside the case
services, e.g. by hand in SQL). Safe at any time: it runs in one transaction, and on
PostgreSQL case changes made meanwhile wait for it and are counted after.
"""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from hgq.extensions import db
from hgq.stats.rollup import rebuild

stats_cli = AppGroup("stats", help="统计数据（三率等）的维护命令。")


@stats_cli.command("rebuild")
def rebuild_command() -> None:
    """按全部诉求案件重新计算统计汇总表（升级数据库后运行一次；随时运行都安全）。"""
    started = time.perf_counter()
    try:
        counted = rebuild()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    seconds = time.perf_counter() - started
    click.echo(f"统计汇总已重建：共统计诉求 {counted} 件，用时 {seconds:.1f} 秒。")
