"""Flask CLI commands: ``flask --app wsgi <command>``."""
import click
import sqlalchemy as sa
from flask import Flask

from meetings.domain.terms import OrgKind, Role
from meetings.extensions import db
from meetings.models import Organization
from meetings.services import accounts, orgs, roster


@click.command("create-user")
@click.option("--login", required=True, help="Login name.")
@click.option("--name", required=True, help="Full name (姓名).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin-of", type=int, default=None, help="Organization id to administer (default: the root).")
def create_user_command(login: str, name: str, password: str, admin_of: int | None) -> None:
    """Create a committee administrator (and the root 机关工委 if the tree is empty)."""
    if roster.login_taken(login):
        raise click.ClickException(f"login {login!r} is taken")
    org = _admin_scope(admin_of)
    try:
        person = accounts.create_officer(None, name=name, login=login, password=password)
    except accounts.PasswordRefused as refused:
        raise click.ClickException(str(refused.message)) from None
    roster.assign_role(None, person, org, Role.ADMIN)
    db.session.commit()
    click.echo(f"created {login} as admin of {org.name} (id {org.id})")


def _admin_scope(org_id: int | None) -> Organization:
    if org_id is not None:
        org = db.session.get(Organization, org_id)
        if org is None:
            raise click.ClickException(f"no organization with id {org_id}")
        return org
    root = db.session.scalar(sa.select(Organization).where(Organization.parent_id.is_(None)))
    return root or orgs.create(None, name="机关工委", kind=OrgKind.COMMITTEE, parent=None)


def init_app(app: Flask) -> None:
    """Register every command on the app."""
    from meetings.commands import (
        backup,
        compliance_alerts,
        create_token,
        import_roster,
        mail_queue,
        receive_mail,
        seed_demo,
        seed_scale,
        send_mail,
        sweep_uploads,
        verify_minutes,
    )

    for command in (create_user_command, seed_demo.command, seed_scale.command, import_roster.command,
                    send_mail.command, mail_queue.command, verify_minutes.command, compliance_alerts.command,
                    sweep_uploads.command, *backup.COMMANDS, *receive_mail.COMMANDS):
        app.cli.add_command(command)
    app.cli.add_command(create_token.command)
