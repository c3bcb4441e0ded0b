"""The mail queue's troubles (邮件队列), as an administrator and a secretary need to see them.

Nothing is dropped silently: a message the relay would not take is ``failed`` (refused for
good, or still undelivered after ``RETRY_FOR``), and one that keeps failing is ``pending``
with attempts and an error. Both are listed here, and a failed one can be queued again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models import OutboxMessage, Person
from meetings.services import audit

PAGE_SIZE = 100
SLOW_SEND = timedelta(minutes=2)  # a message "sending" this long is worth showing


@dataclass(frozen=True)
class Trouble:
    """Counts of undelivered mail: given up, still being retried, cut off mid-send."""

    failed: int = 0
    retrying: int = 0
    sending: int = 0
    last_error: str | None = None

    @property
    def total(self) -> int:
        return self.failed + self.retrying + self.sending


def _troubled(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        OutboxMessage.status == OutboxStatus.FAILED,
        sa.and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts > 0),
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at <= now - SLOW_SEND))


def listing(now: datetime, *, status: OutboxStatus | None = None,
            limit: int = PAGE_SIZE) -> list[OutboxMessage]:
    """Undelivered messages, newest first (failed, retrying and stuck mid-send)."""
    query = sa.select(OutboxMessage).where(_troubled(now))
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)))


def trouble(now: datetime, *, meeting_id: int | None = None) -> Trouble:
    """How much mail is stuck, for the whole site or one meeting (one statement)."""
    query = (sa.select(OutboxMessage.status, sa.func.count(), sa.func.max(OutboxMessage.id))
             .where(_troubled(now)).group_by(OutboxMessage.status))
    if meeting_id is not None:
        query = query.where(OutboxMessage.meeting_id == meeting_id)
    rows = db.session.execute(query).all()
    if not rows:
        return Trouble()
    counts = {status: n for status, n, _ in rows}
    newest = max(last for _, _, last in rows)
    return Trouble(failed=counts.get(OutboxStatus.FAILED, 0), retrying=counts.get(OutboxStatus.PENDING, 0),
                   sending=counts.get(OutboxStatus.SENDING, 0),
                   last_error=db.session.get(OutboxMessage, newest).last_error)


MAX_ID = 2**31 - 1  # the id column is a 32-bit integer on PostgreSQL


def requeue(actor: Person | None, now: datetime, ids: list[int] | None = None) -> int:
    """Queue failed messages again (all, or those of ``ids``) and retry waiting ones now.

    Retries start afresh from ``now``. A message overtaken meanwhile by a newer state of its
    meeting is superseded by the worker instead of sent, so a re-queue never sends stale state.
    """
    query = sa.select(OutboxMessage).where(
        OutboxMessage.status.in_([OutboxStatus.FAILED, OutboxStatus.PENDING]), _troubled(now))
    if ids is not None:  # an id past the column's range names no message (and would be a SQL error)
        query = query.where(OutboxMessage.id.in_([i for i in ids if 0 < i <= MAX_ID]))
    rows = list(db.session.scalars(query.order_by(OutboxMessage.id).with_for_update()))
    for row in rows:
        before = {"status": str(row.status), "attempts": row.attempts}
        row.status, row.next_attempt_at, row.queued_at = OutboxStatus.PENDING, now, now
        audit.record(actor, "outbox.requeue", row, before=before,
                     after={"status": str(row.status), "recipient": row.recipient})
    db.session.flush()
    return len(rows)
