"""``flask --app wsgi send-mail``: the outbox worker (one pass with ``--once``, else a loop)."""
import time

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from meetings.extensions import db
from meetings.models.base import utcnow
from meetings.services import mailer, responses

MAX_INTERVAL = 3600.0


@click.command("send-mail")
@click.option("--once", is_flag=True, help="Send what is due once, print the result and stop.")
@click.option("--interval", type=click.FloatRange(0.1, MAX_INTERVAL), default=10.0, show_default=True,
              help="Seconds between passes of the loop.")
@click.option("--batch", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Messages per pass at most (each is committed on its own).")
@with_appcontext
def command(once: bool, interval: float, batch: int) -> None:
    """Send queued email (发送待发邮件) with retries; several workers may run at once on PostgreSQL."""
    config, instance_path = current_app.config, current_app.instance_path
    transport = mailer.transport_from_config(config, instance_path)
    if isinstance(transport, mailer.SpoolTransport):
        click.echo(f"未设置 SMTP_URL，邮件写入 No SMTP_URL: mail is spooled to {transport.folder}")
    if once:
        report = _pass(transport, batch)
        _print(report)
        return
    click.echo(f"每 {interval:g} 秒检查一次，Ctrl-C 停止 Checking every {interval:g}s, Ctrl-C stops.")
    try:
        _loop(transport, interval, batch)
    except KeyboardInterrupt:
        click.echo("已停止 Stopped.")


def _loop(transport: mailer.Transport, interval: float, batch: int) -> None:
    """Pass after pass; a full batch means more is waiting, so the next pass starts at once."""
    while True:
        try:
            report = _pass(transport, batch)
        except sa.exc.OperationalError as exc:  # the database is away: keep the worker alive
            click.echo(f"数据库不可用 Database unavailable: {exc.orig or exc}", err=True)
            report = mailer.DeliveryReport()
        finally:
            db.session.remove()
        if report.handled:
            _print(report)
        if report.handled < batch:
            time.sleep(interval)


def _pass(transport: mailer.Transport, batch: int) -> mailer.DeliveryReport:
    """Queue the reminders that are due (committed on their own), then send what is due."""
    reminded = responses.queue_due_reminders(utcnow())
    db.session.commit()
    if reminded:
        click.echo(f"已生成 {reminded} 个会议的提醒 Queued reminders for {reminded} meeting(s).")
    return mailer.deliver_due(utcnow(), transport=transport, batch=batch)


def _print(report: mailer.DeliveryReport) -> None:
    for item in report.sent:
        click.echo(f"已发送 sent #{item.id} → {item.recipient}: {item.subject}")
    for item in report.retrying:
        when = item.next_attempt_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        click.echo(f"稍后重试 retrying #{item.id} → {item.recipient} (attempt {item.attempts}, "
                   f"next {when}): {item.error}")
    for item in report.failed:
        click.echo(f"放弃 failed #{item.id} → {item.recipient} after {item.attempts} attempts: {item.error}")
    click.echo(f"发送 {len(report.sent)}，重试 {len(report.retrying)}，失败 {len(report.failed)} "
               f"(sent {len(report.sent)}, retrying {len(report.retrying)}, failed {len(report.failed)})")
