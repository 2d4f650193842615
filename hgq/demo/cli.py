"""``flask --app app demo``: create the demo zone."""

from __future__ import annotations

import click


@click.command("demo")
@click.option("--password", default="hgq-demo-2026", show_default=True)
def demo_command(password: str) -> None:
    """创建演示园区（仅供评估使用）。"""
    raise click.ClickException("demo zone not yet built")
