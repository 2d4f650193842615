"""``flask --app app audit verify``: check the hash chains of the append-only tables.

Prints, per table, how many records were checked and the last one's id and hash (worth
writing down elsewhere: a chain alone cannot show that its newest records were cut
off), then "完整" when both chains are intact. Otherwise it names the first broken
record (table, id, what does not match) and exits with status 1.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from hgq.audit.chain import Report, verify_table
from hgq.audit.models import AuditRecord
from hgq.cases.models import CaseEvent
from hgq.extensions import db

audit_cli = AppGroup("audit", help="审计记录与案件流转记录的防篡改检查。")

LABELS = {"audit_records": "审计记录", "case_events": "案件流转记录"}


def verify_all() -> list[Report]:
    """Verify every chained table, in one read transaction."""
    with db.engine.connect() as connection:
        return [
            verify_table(connection, model.__table__)  # type: ignore[arg-type]
            for model in (AuditRecord, CaseEvent)
        ]


@audit_cli.command("verify")
def verify_command() -> None:
    """重新计算审计记录与案件流转记录的哈希链，检查是否被篡改。"""
    reports = verify_all()
    for report in reports:
        label = f"{LABELS[report.table]}（{report.table}）"
        if report.broken is None:
            last = f"最后一条 id={report.last_id}，hash={report.last_hash}" if report.count else ""
            click.echo(f"{label}：{report.count} 条，完整。{last}")
        else:
            click.echo(
                f"{label}：前 {report.count} 条完整；第一条异常记录 id={report.broken.id}："
                f"{report.broken.problem}"
            )
    if any(r.broken for r in reports):
        raise click.ClickException("哈希链被破坏：上述记录在写入后被改动、删除或插入。")
    click.echo("完整：两条哈希链均未发现篡改。")
