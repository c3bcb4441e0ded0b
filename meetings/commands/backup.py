"""``flask --app wsgi backup PATH`` and ``restore PATH``: the whole database to one file and back."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from meetings.extensions import db
from meetings.services import backup as service

FILE = click.Path(dir_okay=False, path_type=Path)
VERBOSE = click.option("--verbose", "-v", is_flag=True, help="Also print what pg_restore / SQLite said.")


def _refused(exc: service.BackupError, verbose: bool) -> click.ClickException:
    """The plain message; the tool's own words only when asked for (they help an expert, and
    would bury the one line that says nothing was changed)."""
    if exc.detail and verbose:
        return click.ClickException(f"{exc}\n{exc.detail}")
    if exc.detail:
        return click.ClickException(f"{exc}\n（加 --verbose 查看详细输出 Add --verbose for the details）")
    return click.ClickException(str(exc))


@click.command("backup")
@click.argument("path", type=FILE)
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@VERBOSE
@with_appcontext
def backup_command(path: Path, force: bool, verbose: bool) -> None:
    """Copy the database to PATH (备份) while the site keeps running."""
    try:
        done = service.backup(db.engine, path, force=force)
    except service.BackupError as exc:
        raise _refused(exc, verbose) from exc
    click.echo(f"已备份 Backed up {_database(db.engine)} to {done.path} "
               f"({done.size} 字节 bytes, {done.kind})")


@click.command("restore")
@click.argument("path", type=FILE)
@click.option("--yes", is_flag=True, help="Really replace all data with the backup's.")
@VERBOSE
@with_appcontext
def restore_command(path: Path, yes: bool, verbose: bool) -> None:
    """Replace ALL data of the database with the backup at PATH (恢复)."""
    if not yes:
        click.echo(f"将用 {path} 替换 {_database(db.engine)} 的全部数据；确认请加 --yes "
                   f"This would replace all data of {_database(db.engine)} with {path}; "
                   "add --yes to do it.")
        raise SystemExit(1)
    # Our own session must not hold a connection (or, on PostgreSQL, locks) during the swap.
    db.session.remove()
    try:
        done = service.restore(db.engine, path)
    except service.BackupError as exc:
        raise _refused(exc, verbose) from exc
    click.echo(f"已恢复 Restored {_database(db.engine)} from {done.path} "
               f"({done.size} 字节 bytes, {done.kind})")


def _database(engine) -> str:
    """The database for the operator's eyes, without its password."""
    if engine.dialect.name == "sqlite":
        return engine.url.database
    return engine.url.render_as_string(hide_password=True)


COMMANDS = (backup_command, restore_command)
