"""Versions of what the engine knows of each meeting, written in the transaction that changes it.

"As of" a past date, the dashboard and the branch page read the newest version recorded by
then (``as_of_facts``, and ``compliance_sql`` in SQL), so attendance saved, cancellations,
moves and 定稿 made later leave a past 通报 as it was. Whatever path changes a meeting or its
minutes, the flush below notes it and the commit writes a version if its facts changed.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from meetings.clock import utcnow
from meetings.domain.compliance import MeetingFacts
from meetings.extensions import db
from meetings.models import Meeting, MeetingFactVersion, Minutes

PENDING = "orglife.fact_versions"  # Session.info key: meetings (or their ids) changed
V = MeetingFactVersion


def touch(meeting_id: int) -> None:
    """Note a meeting changed by a plain UPDATE, which the ORM's flush does not see."""
    db.session.info.setdefault(PENDING, set()).add(meeting_id)


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context, _instances) -> None:
    changed = [o for o in (*session.new, *session.dirty) if isinstance(o, Meeting | Minutes)]
    if changed:
        pending = session.info.setdefault(PENDING, set())
        for obj in changed:
            pending.add(obj if isinstance(obj, Meeting) else (obj.meeting_id or obj.meeting))


@event.listens_for(Session, "before_commit")
def _write_at_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    session.flush()
    ids = {p.id if isinstance(p, Meeting) else p for p in pending}
    write(session, {i for i in ids if i is not None}, utcnow())
    session.info.pop(PENDING, None)  # the flush above noted the same meetings again


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


def write(session: Session, meeting_ids: set[int], now: datetime) -> int:
    """Add a version for each meeting whose facts differ from its newest one; returns how many."""
    if not meeting_ids:
        return 0
    from meetings.services.compliance import facts as compliance_facts  # it reads these versions back

    current = compliance_facts.load(Meeting.id.in_(meeting_ids))
    newest = _newest(session, meeting_ids)
    added = 0
    for facts in current:
        version, known = newest.get(facts.id, (0, None))
        if known != facts:
            session.add_all(rows(facts, version + 1, now))
            added += 1
    return added


def rows(facts: MeetingFacts, version: int, now: datetime) -> list[MeetingFactVersion]:
    """One row per type the meeting counts for (one with no type when it counts for none)."""
    common = {"meeting_id": facts.id, "version": version, "recorded_at": now,
              "organization_id": facts.organization_id, "party_group_id": facts.party_group_id,
              "campaign_id": facts.campaign_id, "starts_at": facts.starts_at, "ends_at": facts.ends_at,
              "status": facts.status, "attributed_year": facts.attributed_year,
              "attendance_recorded": facts.attendance_recorded, "quorum_met": facts.quorum_met,
              "minutes_final": facts.minutes_final, "minutes_late": facts.minutes_late,
              "minutes_final_at": facts.minutes_final_at}
    return [V(type_id=t, **common) for t in (sorted(facts.type_ids) or [None])]


def _newest(session: Session, meeting_ids: set[int]) -> dict[int, tuple[int, MeetingFacts]]:
    newest_version = (sa.select(V.meeting_id, sa.func.max(V.version).label("version"))
                      .where(V.meeting_id.in_(meeting_ids)).group_by(V.meeting_id).subquery())
    found = session.scalars(sa.select(V).join(newest_version, sa.and_(
        V.meeting_id == newest_version.c.meeting_id, V.version == newest_version.c.version)))
    return {facts.id: (version, facts) for version, facts in _folded(found)}


def _folded(rows_: Iterable[MeetingFactVersion]) -> list[tuple[int, MeetingFacts]]:
    """Version rows (one per type) back into one ``MeetingFacts`` per (meeting, version)."""
    grouped: dict[tuple[int, int], list[MeetingFactVersion]] = defaultdict(list)
    for row in rows_:
        grouped[(row.meeting_id, row.version)].append(row)
    folded = []
    for (_, version), group in grouped.items():
        r = group[0]
        folded.append((version, MeetingFacts(
            id=r.meeting_id, organization_id=r.organization_id, party_group_id=r.party_group_id,
            type_ids=frozenset(g.type_id for g in group if g.type_id is not None), starts_at=r.starts_at,
            ends_at=r.ends_at, status=r.status, attributed_year=r.attributed_year,
            attendance_recorded=r.attendance_recorded, quorum_met=r.quorum_met,
            minutes_final=r.minutes_final, minutes_late=r.minutes_late,
            minutes_final_at=r.minutes_final_at, campaign_id=r.campaign_id)))
    return folded


def newest_as_of(moment: datetime):
    """Subquery (meeting_id, version): each meeting's newest version recorded by ``moment``."""
    return (sa.select(V.meeting_id, sa.func.max(V.version).label("version"))
            .where(V.recorded_at <= moment).group_by(V.meeting_id).subquery("as_of_version"))


def as_of_facts(moment: datetime, *conditions) -> list[MeetingFacts]:
    """The meetings matching ``conditions`` (on ``MeetingFactVersion`` columns) as the engine
    knew them at ``moment``; a meeting recorded later is not there at all."""
    newest = newest_as_of(moment)
    found = db.session.scalars(sa.select(V).join(newest, sa.and_(
        V.meeting_id == newest.c.meeting_id, V.version == newest.c.version)).where(*conditions)
        .order_by(V.starts_at, V.meeting_id))
    return [facts for _, facts in _folded(found)]
