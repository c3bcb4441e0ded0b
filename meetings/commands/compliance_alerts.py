"""``flask --app wsgi compliance-alerts``: mail secretaries what is at risk or overdue (run daily)."""
import click

from meetings.extensions import db
from meetings.models import utcnow
from meetings.services.compliance import alerts as compliance_alerts


@click.command("compliance-alerts")
def command() -> None:
    """Queue 临期 and 专项行动逾期 alerts in the outbox, once per branch and subject."""
    result = compliance_alerts.run(utcnow())
    db.session.commit()
    click.echo(f"已提醒 {result.branches} 个党支部，排队 {result.messages} 封邮件 "
               f"Alerted {result.branches} branches, queued {result.messages} messages.")
    for name in result.without_address:
        click.echo(f"无书记邮箱，未能提醒 No secretary address: {name}")
