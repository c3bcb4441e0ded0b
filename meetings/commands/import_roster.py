"""Placeholder while being written."""
import click


@click.command("import-roster")
def command():
    raise click.ClickException("not yet implemented")
