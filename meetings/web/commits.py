"""What this request has committed, so that a database failure is answered truthfully.

A database that goes away mid-request leaves three different truths: nothing was sent to be
committed (nothing saved), a COMMIT was sent and no answer came (perhaps saved), or the commit
was confirmed and something after it failed (saved). "未保存任何内容" is only true for the first;
a client told that after its minutes were saved retries into a 412 of its own making.

The teardown that closes the request's session must not turn a finished answer into a 500
because the connection it would roll back is already dead.
"""
from __future__ import annotations

import contextlib
import logging

import sqlalchemy as sa
from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

NOTHING, UNKNOWN, SAVED = "nothing", "unknown", "saved"
SAVED_FLAG = {NOTHING: False, UNKNOWN: None, SAVED: True}  # the API's ``saved`` member
log = logging.getLogger(__name__)


def outcome() -> str:
    """NOTHING, UNKNOWN (a COMMIT was sent, its answer lost) or SAVED, for this request."""
    return g.get("commit_outcome", NOTHING) if has_request_context() else NOTHING


def _sending_commit(connection: sa.Connection) -> None:
    if has_request_context():
        g.commit_outcome = UNKNOWN


def _committed(session: Session) -> None:
    # Only a COMMIT that went to the server counts: a session commits with no transaction too.
    if has_request_context() and g.get("commit_outcome") == UNKNOWN:
        g.commit_outcome = SAVED


def _close_session(db) -> None:
    """Runs before Flask-SQLAlchemy's own teardown (teardowns run last-registered first)."""
    try:
        db.session.remove()
    except sa.exc.DBAPIError as error:  # the pool discards the dead connection by itself
        log.warning("closing the request's database session failed: %s", error)
        with contextlib.suppress(Exception):
            db.session.registry.clear()


def init_app(app: Flask, db) -> None:
    if not event.contains(sa.engine.Engine, "commit", _sending_commit):
        event.listen(sa.engine.Engine, "commit", _sending_commit)
        event.listen(Session, "after_commit", _committed)
    app.teardown_appcontext(lambda _error: _close_session(db))
