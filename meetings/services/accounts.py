"""Passwords and sign-in checks."""
import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from meetings.extensions import db
from meetings.models import Person, utcnow
from meetings.services import audit

# Verifying against this keeps a wrong login as slow as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password", method="scrypt")


def hash_password(password: str) -> str:
    """scrypt, as werkzeug does it (salted, self-describing)."""
    return generate_password_hash(password, method="scrypt")


def authenticate(login: str, password: str) -> Person | None:
    """The person with this login and password who may sign in, else None."""
    person = db.session.scalar(sa.select(Person).where(Person.login == login.strip()))
    if person is None or not person.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(person.password_hash, password):
        return None
    if not person.may_sign_in:
        return None
    person.last_login_at = utcnow()
    return person


def change_password(person: Person, current: str, new: str) -> bool:
    """Set a new password if ``current`` is right; False (nothing changed) otherwise."""
    if not person.password_hash or not check_password_hash(person.password_hash, current):
        return False
    person.password_hash = hash_password(new)
    audit.record(person, "password.change", person)
    return True


def set_password(actor: Person | None, person: Person, password: str) -> None:
    """An administrator's (or the CLI's) reset of someone's password."""
    person.password_hash = hash_password(password)
    audit.record(actor, "password.set", person)


def create_officer(actor: Person | None, *, name: str, login: str, password: str,
                   email: str | None = None, phone: str | None = None) -> Person:
    """An account for committee staff (工委 officers, liaisons) who belong to no branch here."""
    person = Person(name=name.strip(), login=login, email=email, phone=phone)
    db.session.add(person)
    db.session.flush()
    person.password_hash = hash_password(password)
    audit.record(actor, "person.create_officer", person, after={"name": person.name, "login": login})
    return person
