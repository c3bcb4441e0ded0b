"""``flask --app wsgi mail-queue``: list undelivered mail with its error, and queue it again."""
import click
from flask.cli import with_appcontext

from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models.base import utcnow
from meetings.services.mail import queue


@click.command("mail-queue")
@click.option("--failed", "only_failed", is_flag=True, help="Only messages given up (failed).")
@click.option("--requeue", "ids", type=int, multiple=True, metavar="ID",
              help="Queue this message again (repeatable).")
@click.option("--requeue-all", is_flag=True,
              help="Queue every failed message again and retry the waiting ones now.")
@with_appcontext
def command(only_failed: bool, ids: tuple[int, ...], requeue_all: bool) -> None:
    """Undelivered mail (未送达邮件): failed, retrying or cut off mid-send; re-queue it."""
    now = utcnow()
    if ids or requeue_all:
        count = queue.requeue(None, now, list(ids) if ids else None)
        db.session.commit()
        click.echo(f"已重新排队 {count} 封 Queued again: {count}")
        return
    rows = queue.listing(now, status=OutboxStatus.FAILED if only_failed else None, limit=1000)
    for row in rows:
        click.echo(f"#{row.id}\t{row.status}\t{row.attempts}次/attempts\t{row.recipient}\t{row.subject}\n"
                   f"\t{row.last_error or ''}")
    click.echo(f"未送达 {len(rows)} 封 Undelivered: {len(rows)}")
