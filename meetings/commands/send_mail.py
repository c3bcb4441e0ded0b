"""``flask --app wsgi send-mail``: the outbox worker (one pass with ``--once``, else a loop).

SIGTERM and SIGINT stop it cleanly: the message in hand is finished and recorded, no new
one is taken, and the loop ends (a service manager's stop loses and doubles nothing).
"""
import signal
import threading

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from meetings.extensions import db
from meetings.models.base import utcnow
from meetings.services import responses
from meetings.services.mail import delivery, transports

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
    transport = transports.transport_from_config(config, instance_path)
    if isinstance(transport, transports.SpoolTransport):
        click.echo(f"未设置 SMTP_URL，邮件写入 No SMTP_URL: mail is spooled to {transport.folder}")
    stopping = stop_flag()
    _stop_on_signals(stopping)
    with delivery.Worker() as worker:
        if once:
            _print(_pass(transport, batch, worker, stopping))
            return
        click.echo(f"每 {interval:g} 秒检查一次，Ctrl-C 停止 Checking every {interval:g}s, Ctrl-C stops.")
        _loop(transport, interval, batch, worker, stopping)
    click.echo("已停止 Stopped.")


def stop_flag() -> threading.Event:
    """Set by SIGTERM or SIGINT; the loop checks it between messages and while it waits."""
    return threading.Event()


def _stop_on_signals(stopping: threading.Event) -> None:
    def stop(signum, frame):
        stopping.set()
    if threading.current_thread() is not threading.main_thread():
        return  # signals reach the main thread only (a test may run the command elsewhere)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)


def _loop(transport, interval: float, batch: int, worker: delivery.Worker, stopping: threading.Event) -> None:
    """Pass after pass; a full batch means more is waiting, so the next pass starts at once."""
    while not stopping.is_set():
        try:
            report = _pass(transport, batch, worker, stopping)
        except sa.exc.OperationalError as exc:  # the database is away: keep the worker alive
            click.echo(f"数据库不可用 Database unavailable: {exc.orig or exc}", err=True)
            report = delivery.DeliveryReport()
        finally:
            db.session.remove()
        if report.handled or report.recovered:
            _print(report)
        if report.handled < batch:
            stopping.wait(interval)


def _pass(transport, batch: int, worker: delivery.Worker,
          stopping: threading.Event) -> delivery.DeliveryReport:
    """Queue the reminders that are due (committed on their own), then send what is due."""
    reminded = responses.queue_due_reminders(utcnow())
    db.session.commit()
    if reminded:
        click.echo(f"已生成 {reminded} 个会议的提醒 Queued reminders for {reminded} meeting(s).")
    return delivery.deliver_due(utcnow(), transport=transport, batch=batch, worker=worker,
                                stop=stopping.is_set, clock=utcnow)


def _print(report: delivery.DeliveryReport) -> None:
    for item in report.recovered:
        click.echo(f"中断后重发 recovered #{item.id} → {item.recipient}: interrupted mid-send, "
                   f"{'superseded' if item.status == 'superseded' else 'queued again'}")
    for item in report.sent:
        click.echo(f"已发送 sent #{item.id} → {item.recipient}: {item.subject}")
    for item in report.retrying:
        when = item.next_attempt_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        click.echo(f"稍后重试 retrying #{item.id} → {item.recipient} (attempt {item.attempts}, "
                   f"next {when}): {item.error}")
    for item in report.failed:
        click.echo(f"放弃 failed #{item.id} → {item.recipient} after {item.attempts} attempts: {item.error}")
    for item in report.superseded:
        click.echo(f"已被更新取代 superseded #{item.id} → {item.recipient}: a newer message replaces it")
    click.echo(f"发送 {len(report.sent)}，重试 {len(report.retrying)}，失败 {len(report.failed)}，"
               f"取代 {len(report.superseded)} (sent {len(report.sent)}, retrying {len(report.retrying)}, "
               f"failed {len(report.failed)}, superseded {len(report.superseded)})")
