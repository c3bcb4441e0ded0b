"""``flask --app wsgi sweep-uploads``: remove stored attachment files that no attachment uses."""
import click
from flask.cli import with_appcontext

from meetings.services import attachments


@click.command("sweep-uploads")
@with_appcontext
def command() -> None:
    """Remove unused attachment files (清理无用附件文件) untouched for an hour; run it daily (cron)."""
    removed = attachments.sweep_unused()
    click.echo(f"已清理 {removed} 个文件 (removed {removed} unused files)")
