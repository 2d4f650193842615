"""``flask --app app sweep``: apply the deadline effects that are due (run it every
minute from cron or a systemd timer; running it twice, or twice at once, is safe)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hgq.deadlines.sweep import run_sweep


@click.command("sweep")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help="每批读取的候选案件数（默认取配置 SWEEP_BATCH_SIZE，即 500）。",
)
@with_appcontext
def sweep_command(batch_size: int | None) -> None:
    """期限巡检：超期自动升级、三级超期自动督办、即将到期和超期提醒、逾期未评价自动归档。

    每项效果只发生一次：重复运行或同时运行多个巡检都不会重复升级或重复提醒。
    """
    result = run_sweep(batch_size=batch_size)
    click.echo(result.summary())
    if result.errors:
        raise click.ClickException(f"{result.errors} 件案件处理出错，详见日志。")
