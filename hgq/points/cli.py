"""``flask --app app points recompute [--month 2026-11]``: derive the points of a month
from the record (the deadline sweep already does so for the current and previous
month every minute; this is for an earlier month, or after a rule change)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hgq.db import utcnow
from hgq.extensions import db
from hgq.points.engine import RecomputeResult, recompute, recompute_recent
from hgq.points.rules import ensure_default_rules
from hgq.points.scoring import Month


@click.group("points")
def points_cli() -> None:
    """积分考核：按办理记录计算积分。"""


def _summary(what: str, result: RecomputeResult) -> str:
    return (
        f"{what}积分重算完成：新增 {result.added} 条，更正 {result.corrected} 条，"
        f"无需变动 {result.skipped} 条。"
    )


@points_cli.command("recompute")
@click.option("--month", default=None, help="要重算的月份，如 2026-11（默认：本月和上月）。")
@with_appcontext
def recompute_command(month: str | None) -> None:
    """重算积分：补记缺少的积分，按现行规则更正有出入的积分（只追加记录，不修改、不删除）。

    可重复运行：再次运行不会产生新的记录。
    """
    now = utcnow()
    if month is None:
        click.echo(_summary("本月和上月", recompute_recent(now)))
        return
    try:
        Month.parse(month)
    except ValueError:
        raise click.BadParameter("月份格式应为 YYYY-MM，如 2026-11", param_hint="--month") from None
    ensure_default_rules()
    result = recompute(month, now)
    db.session.commit()
    click.echo(_summary(f"{month} ", result))
