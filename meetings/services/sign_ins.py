"""Sign-in sessions (登录会话): started at sign-in, ended at sign-out or when trust is withdrawn.

A session's cookie carries a random token; the row keeps its SHA-256. Whoever presents the
token while the row is live is signed in; nothing else (no password fingerprint, no cookie
signature alone) suffices, so the server can end a session in every browser at once.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import Person, SignIn

TOKEN_BYTES = 32
MAX_AGENT = 120


@dataclass(frozen=True)
class Lifetimes:
    """How long a session lasts: ``session`` without 记住我, ``remembered`` with it."""

    session: timedelta
    remembered: timedelta


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(person: Person, *, remember: bool, now: datetime, lifetimes: Lifetimes,
          address: str | None = None, agent: str | None = None) -> tuple[SignIn, str]:
    """A new live session for ``person``; returns it with its token (for the cookie only)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    lifetime = lifetimes.remembered if remember else lifetimes.session
    sign_in = SignIn(person_id=person.id, token_hash=digest(token), remember=remember, created_at=now,
                     expires_at=now + lifetime, address=(address or None) and address[:45],
                     agent=(agent or None) and agent[:MAX_AGENT])
    db.session.add(sign_in)
    db.session.flush()
    return sign_in, token


def live_clause(now: datetime):
    """The SQL condition of a session that still works at ``now``."""
    return sa.and_(SignIn.ended_at.is_(None), SignIn.expires_at > now)


def end(sign_in: SignIn, now: datetime) -> None:
    if sign_in.ended_at is None:
        sign_in.ended_at = now


def end_all(person_id: int, now: datetime, *, keep: int | None = None) -> int:
    """End every live session of the person (but ``keep``, the one asking); how many ended."""
    query = sa.update(SignIn).where(SignIn.person_id == person_id, live_clause(now))
    if keep is not None:
        query = query.where(SignIn.id != keep)
    query = query.values(ended_at=now).execution_options(synchronize_session=False)
    return db.session.execute(query).rowcount


def live_of(person: Person, now: datetime) -> list[SignIn]:
    """The person's sessions that still work, newest first (the 登录设备 list)."""
    return list(db.session.scalars(
        sa.select(SignIn).where(SignIn.person_id == person.id, live_clause(now))
        .order_by(SignIn.created_at.desc(), SignIn.id.desc())))


def still_live(sign_in_id: int, now: datetime) -> bool:
    """Whether the session is still live, read afresh from the database (not the ORM's copy)."""
    query = sa.select(SignIn.id).where(SignIn.id == sign_in_id, live_clause(now))
    return db.session.scalar(query) is not None
