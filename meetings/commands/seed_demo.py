"""Placeholder while being written."""
import click


@click.command("seed-demo")
def command():
    raise click.ClickException("not yet implemented")
