"""Bearer tokens for ``/api/v1``: the only credential the API accepts.

The session cookie is never consulted: a signed-in browser that is tricked into calling the
API (a form on another site, a script) is an anonymous caller here, and gets a 401.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app, g, request
from flask_limiter.util import get_remote_address

from meetings.api.problems import INVALID_TOKEN, READ_ONLY_TOKEN, ApiProblem
from meetings.extensions import db
from meetings.models import Person, utcnow
from meetings.services import api_tokens

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
CHALLENGE = 'Bearer realm="OrgLife"'


def bearer() -> str | None:
    """The credentials of ``Authorization: Bearer <token>``, or None."""
    scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def require_token() -> None:
    """Before every API view: a live token, and no writing with a read-only one."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    presented = bearer()
    if presented is None:
        raise ApiProblem(401, headers={"WWW-Authenticate": CHALLENGE})
    now = utcnow()
    token = api_tokens.verify(presented, now)
    if token is None:
        raise ApiProblem(401, kind=INVALID_TOKEN,
                         headers={"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'})
    if token.read_only and request.method not in SAFE_METHODS:
        raise ApiProblem(403, kind=READ_ONLY_TOKEN)
    g.api_token = token
    g._login_user = token.person  # Flask-Login's slot: current_user is the owner, never the cookie's
    if request.method in SAFE_METHODS:
        g.api_touch_at = now  # written after the answer is ready (save_last_use), never before
    else:
        api_tokens.touch(token, now)  # travels with the write's own commit


def caller() -> Person:
    """The person the request's token acts as."""
    return g.api_token.person


def save_last_use(response: Response) -> Response:
    """A read has nothing else to commit; a write's own commit carries the touch along. The
    touch is bookkeeping: a database that cannot write it (a full disk) must not fail a read
    whose answer is ready."""
    touch_at = g.get("api_touch_at")
    if touch_at is not None and response.status_code < 500 and api_tokens.touch(g.api_token, touch_at):
        try:
            db.session.commit()
        except sa.exc.OperationalError as error:
            db.session.rollback()
            current_app.logger.warning("token last use not saved: %s", error)
    return response


def limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "600 per minute")


def limit_key() -> str:
    """Per token (by its digest, never the token itself), else per address."""
    presented = bearer()
    if presented and len(presented) <= api_tokens.MAX_LENGTH:
        return "token:" + api_tokens.digest(presented)[:32]
    return "address:" + get_remote_address()
