"""Personal access tokens for the HTTP API (个人访问令牌): issue, revoke, authenticate.

The plaintext (``olt_`` + 43 URL-safe characters, 256 random bits) is shown once and never
stored: the database keeps its SHA-256, so a leaked table does not leak working tokens.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from meetings.extensions import db
from meetings.models import ApiToken, Person, RoleAssignment
from meetings.policy import Action, can
from meetings.services import audit

PREFIX = "olt_"  # "OrgLife token": recognisable in a leaked log or a secret scanner
MAX_NAME = 80
MAX_DAYS = 365
MAX_LENGTH = 100  # longer than any token we issue: refuse before hashing megabytes
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


class TokenError(ValueError):
    """A token request the service refuses (the message is for the person)."""

    def __init__(self, message, field: str = "name"):
        super().__init__(str(message))
        self.message, self.field = message, field


def digest(plaintext: str) -> str:
    """The stored form of a token: SHA-256 hex (the token is random, so no salt is needed)."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def issue(actor: Person | None, person: Person, name: str, *, read_only: bool,
          expires_at: datetime | None, now: datetime) -> tuple[ApiToken, str]:
    """A new token acting as ``person``; returns it with its plaintext (shown only this once).

    Tokens are personal: only the person themself (or the command line, ``actor`` None) issues one.
    """
    if actor is not None and actor.id != person.id:
        raise PermissionError("a token is issued only by its owner")
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise TokenError(_l("令牌名称须为 1 到 %(n)s 个字符。", n=MAX_NAME))
    if expires_at is not None and not now < expires_at <= now + timedelta(days=MAX_DAYS + 1):
        raise TokenError(_l("有效期须在 1 到 %(n)s 天之间。", n=MAX_DAYS), field="days")
    plaintext = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(person_id=person.id, name=name, token_hash=digest(plaintext), read_only=read_only,
                     created_at=now, expires_at=expires_at)
    db.session.add(token)
    audit.record(actor, "api_token.issue", token, after=_facts(token) | {"person_id": person.id})
    return token, plaintext


def revoke(actor: Person | None, token: ApiToken, now: datetime) -> bool:
    """Stop the token working from now on; False when it was revoked already."""
    if actor is not None and not can(actor, Action.MANAGE_TOKEN, token):
        raise PermissionError("a token is revoked only by its owner")
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    audit.record(actor, "api_token.revoke", token, before=_facts(token) | {"person_id": token.person_id})
    return True


def revoke_all(actor: Person | None, person: Person, now: datetime) -> int:
    """Revoke every live token of ``person`` (a new password withdraws what the old one made)."""
    live = db.session.scalars(sa.select(ApiToken).where(
        ApiToken.person_id == person.id, ApiToken.revoked_at.is_(None),
        sa.or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now)))
    count = 0
    for token in live:
        token.revoked_at = now
        audit.record(actor, "api_token.revoke", token, before=_facts(token) | {"person_id": person.id})
        count += 1
    return count


def verify(plaintext: str | None, now: datetime) -> ApiToken | None:
    """The live token behind ``plaintext`` with its person (roles loaded), or None.

    Refused: unknown, revoked or expired tokens, and people who may no longer sign in.
    """
    if not plaintext or not plaintext.startswith(PREFIX) or len(plaintext) > MAX_LENGTH:
        return None
    wanted = digest(plaintext)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == wanted).options(
        # Roles, branch and group up front: every API decision asks the policy about them.
        joinedload(ApiToken.person).options(
            selectinload(Person.roles).selectinload(RoleAssignment.organization),
            joinedload(Person.branch), joinedload(Person.party_group))))
    # The lookup is by hash, so its timing tells nothing about the token; compare anyway, in
    # constant time, so no code path ever trusts a match it did not check itself.
    if token is None or not hmac.compare_digest(token.token_hash, wanted):
        return None
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.person.may_sign_in:
        return None
    return token


def touch(token: ApiToken, now: datetime) -> bool:
    """Note the use, at most once a minute: a busy script must not write on every request."""
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return False
    token.last_used_at = now
    return True


def authenticate(plaintext: str | None, now: datetime) -> Person | None:
    """The person a bearer token acts as, or None."""
    token = verify(plaintext, now)
    return token.person if token else None


def of_person(person: Person) -> list[ApiToken]:
    """The person's tokens, newest first (revoked ones too: the list is their history)."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.person_id == person.id).order_by(ApiToken.id.desc())))


def _facts(token: ApiToken) -> dict:
    return {"name": token.name, "read_only": token.read_only,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None}
