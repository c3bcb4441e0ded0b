"""Passwords and sign-in checks.

Setting a password (one's own or an officer's reset) withdraws everything the old one let
anybody obtain: the person's other sessions end and their API tokens are revoked.
"""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from meetings.domain.passwords import MAX_LENGTH, MIN_LENGTH, Weakness, weakness
from meetings.extensions import db
from meetings.models import Person, utcnow
from meetings.services import api_tokens, audit, sign_ins

WEAKNESS_MESSAGES = {
    Weakness.TOO_SHORT: _l("密码至少需要 %(n)s 个字符（可以用一句好记的话）。", n=MIN_LENGTH),
    Weakness.TOO_LONG: _l("密码不能超过 %(n)s 个字符。", n=MAX_LENGTH),
    Weakness.COMMON: _l("这个密码太常见或太有规律（如 123456、qwerty、password），很容易被猜中，请换一个。"),
    Weakness.MONOTONOUS: _l("密码不能只由一两个字符反复组成，请换一个。"),
    Weakness.PERSONAL: _l("密码不能包含用户名、姓名或邮箱，请换一个。"),
}


class PasswordRefused(ValueError):
    """A new password the rules refuse; the message says why, in the person's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def check_strength(password: str, *, login: str | None, name: str | None, email: str | None = None) -> None:
    """Raise ``PasswordRefused`` for a password that ASVS 2.1 would not let anybody choose."""
    found = weakness(password, personal=(login, name, email))
    if found is not None:
        raise PasswordRefused(WEAKNESS_MESSAGES[found])

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


def still_the_password(person_id: int, checked_hash: str | None) -> bool:
    """Whether the person's password is still the one just checked, read under a row lock: a
    sign-in that raced a password change (or an officer's reset) must not survive it. Called
    after the sign-in's row is written, so a change committed after this ends it too."""
    query = sa.select(Person.password_hash).where(Person.id == person_id).with_for_update()
    current = db.session.scalar(query)
    return current is not None and current == checked_hash


def password_is(person: Person, password: str) -> bool:
    """Whether ``password`` is the person's (asked again before anything a password guards)."""
    return bool(person.password_hash) and check_password_hash(person.password_hash, password)


def change_password(person: Person, current: str, new: str, *, now: datetime | None = None,
                    keep_sign_in: int | None = None) -> bool:
    """Set a new password if ``current`` is right; False (nothing changed) otherwise.

    Raises ``PasswordRefused`` for a weak new password or the current one again. The
    person's other sessions end (``keep_sign_in``, the one asking, stays) and their tokens
    are revoked: whoever learnt the old password keeps nothing it gave them."""
    if not person.password_hash or not check_password_hash(person.password_hash, current):
        return False
    if check_password_hash(person.password_hash, new):
        raise PasswordRefused(_l("新密码不能与当前密码相同。"))
    check_strength(new, login=person.login, name=person.name, email=person.email)
    person.password_hash = hash_password(new)
    audit.record(person, "password.change", person)
    _withdraw_old_trust(person, person, now or utcnow(), keep_sign_in)
    return True


def set_password(actor: Person | None, person: Person, password: str, *, now: datetime | None = None,
                 check: bool = True) -> None:
    """An administrator's (or the CLI's) reset of someone's password: audited, and every
    session and token of the person ends. ``check=False`` only for the demo's known password."""
    if check:
        if person.password_hash and check_password_hash(person.password_hash, password):
            raise PasswordRefused(_l("新密码不能与当前密码相同。"))
        check_strength(password, login=person.login, name=person.name, email=person.email)
    person.password_hash = hash_password(password)
    audit.record(actor, "password.set", person)
    _withdraw_old_trust(actor, person, now or utcnow(), None)


def _withdraw_old_trust(actor: Person | None, person: Person, now: datetime, keep: int | None) -> None:
    if person.id is None:
        return  # a new person has no sessions or tokens yet
    sign_ins.end_all(person.id, now, keep=keep)
    api_tokens.revoke_all(actor, person, now)


def create_officer(actor: Person | None, *, name: str, login: str, password: str,
                   email: str | None = None, phone: str | None = None, check: bool = True) -> Person:
    """An account for committee staff (工委 officers, liaisons) who belong to no branch here.

    A weak password is refused (``PasswordRefused``) before anything is written."""
    if check:
        check_strength(password, login=login, name=name, email=email)
    person = Person(name=name.strip(), login=login, email=email, phone=phone)
    db.session.add(person)
    db.session.flush()
    person.password_hash = hash_password(password)
    audit.record(actor, "person.create_officer", person, after={"name": person.name, "login": login})
    return person
