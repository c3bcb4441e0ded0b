"""Checking the hash chain of every final minutes (``flask --app wsgi verify-minutes``)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from meetings.domain import minutes as rules
from meetings.domain.terms import MinutesState
from meetings.extensions import db
from meetings.models import Minutes, MinutesRevision
from meetings.services.minutes import facts

BATCH = 500  # minutes per query: the province has ~150,000 a year


@dataclass(frozen=True)
class Finding:
    """One break: which meeting's minutes, which revision (None: the minutes as a whole), what."""

    meeting_id: int
    minutes_id: int
    number: int | None
    problem: str  # hash | link | missing | current


def verify_all() -> Iterator[Finding]:
    """Walk every final minutes in id order, in batches, yielding each break found."""
    last_id = 0
    while True:
        batch = db.session.scalars(sa.select(Minutes).where(
            Minutes.id > last_id, Minutes.state == MinutesState.FINAL)
            .order_by(Minutes.id).limit(BATCH)).all()
        if not batch:
            return
        revisions = _final_revisions([m.id for m in batch])
        for minutes in batch:
            yield from verify(minutes, revisions.get(minutes.id, []))
        last_id = batch[-1].id


def verify(minutes: Minutes, final: list[MinutesRevision]) -> Iterator[Finding]:
    """The breaks of one minutes' chain, given its final revisions."""
    if not final:
        yield Finding(minutes.meeting_id, minutes.id, None, "missing")
        return
    for found in rules.verify_chain([facts(r, minutes.meeting_id) for r in final]):
        yield Finding(minutes.meeting_id, minutes.id, found.number, found.problem)
    # What readers see must be the chain's last link, not some other row.
    if minutes.current_revision_id != max(final, key=lambda r: r.number).id:
        yield Finding(minutes.meeting_id, minutes.id, None, "current")


def _final_revisions(minutes_ids: list[int]) -> dict[int, list[MinutesRevision]]:
    rows = db.session.scalars(sa.select(MinutesRevision).where(
        MinutesRevision.minutes_id.in_(minutes_ids), MinutesRevision.is_final)
        .order_by(MinutesRevision.minutes_id, MinutesRevision.number))
    found: dict[int, list[MinutesRevision]] = {}
    for revision in rows:
        found.setdefault(revision.minutes_id, []).append(revision)
    return found
