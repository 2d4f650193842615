"""``flask --app app demo``: bring the schema up to date and create the demo zone."""

from __future__ import annotations

from collections import Counter

import click
from flask.cli import with_appcontext

from hgq.accounts.models import Role
from hgq.demo import data
from hgq.demo.services import DemoAccount, build_demo_zone, demo_accounts, migrate_database
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.stats.rollup import rebuild as rebuild_stats

# What the summary counts, in the order it names them.
KINDS = (
    ("departments", "部门", "个"),
    ("enterprises", "企业", "家"),
    ("projects", "重点项目", "个"),
    ("users", "账号", "个"),
    ("assignments", "包保关系", "条"),
    ("cases", "诉求案件", "件"),
    ("history_cases", "历史诉求", "件"),
    ("tags", "企业标签", "个"),
    ("visits", "走访记录", "条"),
    ("checklists", "每周清单", "份"),
    ("covers", "顶岗安排", "条"),
)
ROLE_ORDER = (
    Role.ADMIN,
    Role.SECURITY_ADMIN,
    Role.AUDIT_ADMIN,
    Role.COMMITTEE,
    Role.LEADER,
    Role.OFFICER,
    Role.DEPARTMENT,
    Role.ENTERPRISE,
)


@click.command("demo")
@click.option(
    "--password",
    default=data.DEFAULT_PASSWORD,
    show_default=True,
    help="新建演示账号的统一密码（已存在的账号保留原密码）。",
)
@with_appcontext
def demo_command(password: str) -> None:
    """创建演示园区：部门、企业、重点项目、账号和包保关系（仅供演示评估使用）。

    先执行数据库迁移；可重复运行，只补建缺少的数据，不修改已有数据和密码。
    """
    if migrate_database():
        click.echo("数据库结构已是最新版本。")
    else:
        click.echo("数据库不受迁移管理（无 alembic_version 表），跳过迁移。")
    try:
        created = build_demo_zone(password)
        rebuild_stats()  # the statistics rollup, also for cases made before it existed
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(f"演示数据未能创建：{exc}") from exc
    _print_summary(created, password, demo_accounts())


def _print_summary(created: Counter[str], password: str, accounts: list[DemoAccount]) -> None:
    made = "、".join(f"{label} {created[k]} {unit}" for k, label, unit in KINDS if created[k])
    click.echo(
        f"演示园区已就绪（本次新建：{made}）。" if made else "演示数据已存在，本次未做修改。"
    )
    click.echo("")
    click.echo(f"访问地址：{data.URL_HINT} （运行 flask --app app run 后在浏览器打开）")
    click.echo(f"演示账号密码：{password}（运行前已存在的账号保留原密码）")
    for role in ROLE_ORDER:
        group = [a for a in accounts if a.role is role]
        if not group:
            continue
        click.echo("")
        click.echo(f"【{role.label}】{len(group)} 个")
        for account in group:
            name = account.name.ljust(4, "\u3000")  # CJK names line up with full-width spaces
            line = f"  {account.username:<12}{name}  {account.role.label}  {account.enterprise}"
            click.echo(line.rstrip())
    click.echo("")
    click.echo(data.DISCLAIMER)
