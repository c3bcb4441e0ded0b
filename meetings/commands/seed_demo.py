"""``flask --app wsgi seed-demo``: the demo organization and its accounts (safe to run again)."""
import unicodedata

import click
from flask import current_app

from meetings.domain.terms import PersonCategory, PersonStatus
from meetings.extensions import db
from meetings.models import utcnow
from meetings.seeding import demo
from meetings.seeding.demo.data import DEFAULT_PASSWORD
from meetings.services.mail import delivery, transports


@click.command("seed-demo")
@click.option("--password", default=DEFAULT_PASSWORD, show_default=True,
              help="Password of every demo account.")
def command(password: str) -> None:
    """Seed the demo 机关工委 tree, ~150 members and the demo accounts (does nothing if present)."""
    try:
        report = demo.seed_demo(password=password)
    except demo.DemoError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    for line in summary_lines(report) + account_lines(report, password):
        click.echo(line)
    if report.meetings:
        click.echo(f"已安排演示会议 Scheduled demo meetings: {report.meetings}")
        _spool_demo_mail()


def _spool_demo_mail() -> None:
    """Without SMTP_URL, write the demo invites to the spool now so they can be opened at once;
    with a relay configured nothing is sent from here (the worker decides)."""
    transport = transports.transport_from_config(current_app.config, current_app.instance_path)
    if not isinstance(transport, transports.SpoolTransport):
        click.echo("邀请邮件已进入发件箱，由 send-mail 发送 Invites are queued for `send-mail`.")
        return
    sent = 0
    while (report := delivery.deliver_due(utcnow(), transport=transport, batch=500)).handled:
        sent += len(report.sent)
    click.echo(f"演示邀请邮件 {sent} 封已写入 {transport.folder} (demo invites spooled)")


def summary_lines(report: demo.DemoReport) -> list[str]:
    """What was built (or found), in Chinese and English."""
    if report.created:
        head = f"已创建演示组织 Created the demo organization: {report.root_name}"
    else:
        head = f"演示组织已存在，未做改动 The demo organization already exists, nothing changed: " \
               f"{report.root_name}"
    cat, status = report.by_category, report.by_status
    return [
        head,
        f"  机关党委 party committees {report.party_committees} · 党总支 general branches "
        f"{report.general_branches} · 党支部 branches {report.branches} · 党小组 party groups "
        f"{report.groups}",
        f"  在册人员 people on rosters {report.members}: 正式党员 full {cat.get(PersonCategory.FULL, 0)}"
        f" · 预备党员 probationary {cat.get(PersonCategory.PROBATIONARY, 0)}"
        f" · 非党员 staff {cat.get(PersonCategory.STAFF, 0)}",
        f"  流动党员 away {status.get(PersonStatus.AWAY, 0)} · 年老体弱免于参加 exempt "
        f"{status.get(PersonStatus.EXEMPT, 0)} · 设支委的支部 branches with a committee "
        f"{report.committees}",
    ]


def account_lines(report: demo.DemoReport, password: str) -> list[str]:
    """The demo accounts as a table, and their password when it still works."""
    rows = [("登录名 login", "姓名 name", "角色 role", "单位 unit")]
    rows += [(a.login, a.name, f"{a.role} {a.role_label}", a.unit) for a in report.accounts]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    lines = ["", "演示账号 Demo accounts:"]
    lines += ["  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=False)) + row[3]
              for row in rows]
    if report.password_works:
        lines.append(f"密码 Password (all accounts): {password}")
    else:
        lines.append("密码已被修改，不是所给的密码 The demo password was changed since seeding; "
                     "it is not the one given.")
    return lines


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text) + 2)
