"""Versions of each unit's name and place in the tree (``UnitVersion``), written as the rows
change and read back for as-of views.

A rename or a move is recorded when it is made and changes nothing before: the live views
show today's names and tree, an as-of view the versions current at its moment, so a 通报
made last quarter comes out again with the names and roll-ups it had.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from meetings.clock import utcnow
from meetings.extensions import db
from meetings.models import Organization, UnitVersion
from meetings.services.history import BACKDATE

_PLACE = ("name", "parent_id", "path")


@event.listens_for(Session, "after_flush")
def _follow_units(session: Session, _context) -> None:
    """After the flush (ids and paths known, attribute history not yet reset)."""
    changed = [o for o in session.new if isinstance(o, Organization)]
    changed += [o for o in session.dirty if isinstance(o, Organization) and _place_changed(o)]
    for org in changed:
        if org.path:  # ``orgs.create`` sets the path after the first flush: versioned then
            _next_version(session, org)


def _place_changed(org: Organization) -> bool:
    state = sa.inspect(org)
    return any(state.attrs[name].history.has_changes() for name in _PLACE)


def _next_version(session: Session, org: Organization) -> None:
    versions = UnitVersion.__table__
    open_version = sa.and_(versions.c.organization_id == org.id, versions.c.closed_at.is_(None))
    place = {"name": org.name, "parent_id": org.parent_id, "path": org.path}
    connection = session.connection()
    if BACKDATE in session.info:  # seeding: known so all along
        if connection.execute(versions.update().where(open_version).values(**place)).rowcount:
            return
        connection.execute(versions.insert().values(organization_id=org.id, recorded_at=None, **place))
        return
    now = utcnow()
    closed = connection.execute(versions.update().where(open_version).values(closed_at=now)).rowcount
    # A unit's first version: since before records when the unit is (no founding date), as
    # ``history.unit_existence`` reads it; otherwise from now.
    since = now if closed or org.founded_on is not None else None
    connection.execute(versions.insert().values(organization_id=org.id, recorded_at=since, **place))


def current_at(moment: datetime, v=UnitVersion):
    """Condition: the ``UnitVersion`` row (or alias ``v``) current at ``moment``."""
    return sa.and_(sa.or_(v.recorded_at.is_(None), v.recorded_at <= moment),
                   sa.or_(v.closed_at.is_(None), v.closed_at > moment))


@dataclass(frozen=True)
class Place:
    name: str
    parent_id: int | None
    path: str


def places(org_ids, moment: datetime | None) -> dict[int, Place]:
    """Each unit's name, parent and path at ``moment`` (None: now), in one statement."""
    ids = list(org_ids)
    if not ids:
        return {}
    if moment is None:
        o = Organization
        rows = db.session.execute(sa.select(o.id, o.name, o.parent_id, o.path).where(o.id.in_(ids)))
    else:
        v = UnitVersion
        rows = db.session.execute(sa.select(v.organization_id, v.name, v.parent_id, v.path)
                                  .where(v.organization_id.in_(ids), current_at(moment)))
    return {row[0]: Place(row[1], row[2], row[3]) for row in rows}


def name_at(org: Organization, moment: datetime | None) -> str:
    """``org``'s name at ``moment`` (None: now), or today's if it had none recorded then."""
    if moment is None:
        return org.name
    place = places([org.id], moment).get(org.id)
    return place.name if place else org.name
