"""Flask-Login wiring: who is signed in, and when their session stops being valid."""
import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy.orm import joinedload, selectinload

from meetings.extensions import db
from meetings.models import Person, RoleAssignment


def load_person(user_id: str) -> Person | None:
    """Resolve a session id to a person who may still sign in, roles loaded in one go.

    Branch and party group come in the same statement as the person: every page reads them,
    and each page has a budget of 20 statements (DESIGN §7)."""
    person_id, _, fingerprint = user_id.partition(":")
    if not person_id.isdigit():
        return None
    person = db.session.scalar(
        sa.select(Person)
        .where(Person.id == int(person_id))
        .options(
            selectinload(Person.roles).selectinload(RoleAssignment.organization),
            joinedload(Person.branch),
            joinedload(Person.party_group),
        )
    )
    if person is None or not person.may_sign_in:
        return None
    if person.get_id() != user_id:
        return None
    return person


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("请先登录。")
    manager.login_message_category = "info"
    manager.user_loader(load_person)
