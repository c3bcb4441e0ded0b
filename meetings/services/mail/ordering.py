"""Per recipient and meeting, the newest state wins (CALENDAR.md "Messages").

The messages to one recipient about one meeting form a *thread* (about one recurring series,
when the series goes out as one event: ``series_id`` set; that message carries every meeting).
A calendar client applies
what it receives in arrival order, so a REQUEST that arrives after the CANCEL of a higher
SEQUENCE is ignored by some clients and re-adds the meeting in others. Two rules keep a
thread right whatever the relay does:

- a thread is delivered in order: a message waits while an older one of its thread is
  still pending or being sent (``waits_behind_older``);
- a message overtaken by a newer state is never sent (``supersede_older`` when the newer
  one is queued, ``overtaken_by`` when a worker is about to send): each invite, update and
  cancel carries the meeting's whole current state, so only the newest matters, and after
  a cancel a reminder would only mislead.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models import OutboxMessage

STATE_KINDS = ("invite", "update", "cancel")  # each carries the event's whole current state
WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def _overtakes(kind: str) -> tuple[str, ...]:
    """Older kinds that a new ``kind`` makes pointless."""
    if kind == "cancel":
        return ("invite", "update", "cancel", "reminder", "nudge")
    if kind in STATE_KINDS:
        return STATE_KINDS
    return ()


def _thread_of(row: OutboxMessage, other=OutboxMessage) -> sa.ColumnElement[bool]:
    """``other`` is in ``row``'s thread: the same series, or (outside any) the same meeting."""
    if row.series_id is not None:
        return other.series_id == row.series_id
    return sa.and_(other.series_id.is_(None), other.meeting_id == row.meeting_id)


def _threaded(row: OutboxMessage) -> bool:
    return row.meeting_id is not None or row.series_id is not None


def supersede_older(row: OutboxMessage) -> int:
    """Mark the thread's older pending messages that ``row`` overtakes; returns how many."""
    kinds = _overtakes(row.kind)
    if not _threaded(row) or not kinds:
        return 0
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(_thread_of(row), OutboxMessage.recipient == row.recipient,
               OutboxMessage.id < row.id, OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.kind.in_(kinds))
        .values(status=OutboxStatus.SUPERSEDED, superseded_by_id=row.id)
        .execution_options(synchronize_session=False))
    return result.rowcount


def overtaken_by(row: OutboxMessage) -> int | None:
    """The newest later message of the thread that makes ``row`` pointless, if any."""
    if not _threaded(row):
        return None
    newer = [kind for kind in STATE_KINDS if row.kind in _overtakes(kind)]
    if not newer:
        return None
    return db.session.scalar(
        sa.select(sa.func.max(OutboxMessage.id))
        .where(_thread_of(row), OutboxMessage.recipient == row.recipient,
               OutboxMessage.id > row.id, OutboxMessage.kind.in_(newer),
               OutboxMessage.status != OutboxStatus.SUPERSEDED))


def waits_behind_older() -> sa.ColumnElement[bool]:
    """For a claim: an older message of the same thread is still pending or being sent."""
    older = aliased(OutboxMessage)
    same_thread = sa.or_(older.series_id == OutboxMessage.series_id,
                         sa.and_(older.series_id.is_(None), OutboxMessage.series_id.is_(None),
                                 older.meeting_id == OutboxMessage.meeting_id))
    return sa.exists().where(same_thread, older.recipient == OutboxMessage.recipient,
                             older.id < OutboxMessage.id, older.status.in_(WAITING))
