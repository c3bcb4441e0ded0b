"""``flask --app wsgi create-token LOGIN``: a personal access token for a script, printed last."""
from datetime import timedelta

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from meetings.extensions import db
from meetings.models import Person, utcnow
from meetings.services import api_tokens


@click.command("create-token")
@click.argument("login")
@click.option("--name", default="命令行创建 created on the command line", show_default=True,
              help="What the token is for (shown on the person's token page).")
@click.option("--read-write", is_flag=True, help="Allow writes too (default: read-only).")
@click.option("--days", type=click.IntRange(1, api_tokens.MAX_DAYS), default=None,
              help="Expire after N days (default: never).")
@with_appcontext
def command(login: str, name: str, read_write: bool, days: int | None) -> None:
    """Issue an API token acting as LOGIN; the token is the LAST line of the output."""
    person = db.session.scalar(sa.select(Person).where(Person.login == login))
    if person is None or not person.may_sign_in:
        raise click.ClickException(f"no account {login!r} that may sign in")
    now = utcnow()
    expires_at = now + timedelta(days=days) if days else None
    try:
        token, plaintext = api_tokens.issue(None, person, name, read_only=not read_write,
                                            expires_at=expires_at, now=now)
    except api_tokens.TokenError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    until = expires_at.date().isoformat() if expires_at else "never"
    click.echo(f"令牌 token {token.id} for {person.login} ({person.name}): "
               f"{'read-write' if read_write else 'read-only'}, expires {until}. "
               "It is shown only now; keep it secret.")
    click.echo(plaintext)
