"""Reading the audit trail for the 审计日志 page: an administrator's scope, filters, keyset pages.

Every page is one statement for its rows (the actor and the unit joined in), newest first,
turned by (created_at, id) cursors — never OFFSET, so page 300 costs what page 1 does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from meetings.extensions import db
from meetings.models import AuditEvent, Organization, Person

PER_PAGE = 50
_STAMP = "%Y%m%dT%H%M%S%f"


@dataclass(frozen=True)
class Cursor:
    """A position in the trail: the (created_at, id) of an event at a page's edge."""

    created_at: datetime
    id: int

    @property
    def token(self) -> str:
        """``20260701T063000123456-42`` (UTC), for the query string."""
        return f"{self.created_at.astimezone(UTC):{_STAMP}}-{self.id}"

    @classmethod
    def parse(cls, token: str) -> Cursor:
        """The cursor of a token; ValueError when it is not one."""
        stamp, _, number = token.partition("-")
        moment = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
        if not (number.isascii() and number.isdigit()) or not 0 < int(number) < 2**31:
            raise ValueError(token)
        return cls(moment, int(number))

    @classmethod
    def of(cls, event: AuditEvent) -> Cursor:
        return cls(event.created_at, event.id)


@dataclass
class Filters:
    """What the viewer asked for; ``None`` means "any"."""

    person: str | None = None  # a login, or part of a name
    object_type: str | None = None
    object_id: int | None = None
    action: str | None = None
    since: datetime | None = None  # UTC, inclusive
    until: datetime | None = None  # UTC, exclusive
    org: Organization | None = None


@dataclass
class Entry:
    """One line of the trail with the names joined in."""

    event: AuditEvent
    actor_name: str | None
    organization_name: str | None


@dataclass
class Page:
    entries: list[Entry]
    older: Cursor | None  # the last event shown, when earlier ones exist
    newer: Cursor | None  # the first event shown, when later ones exist


def in_scope(roots: list[Organization]):
    """Condition on the joined ``Organization``: events recorded against a unit in the roots'
    subtrees. An administrator of the tree's root sees everything, unit-less events too."""
    if any(r.depth == 0 for r in roots):
        return sa.true()
    if not roots:
        return sa.false()
    return sa.or_(*(Organization.in_subtree(r) for r in roots))


def page(roots: list[Organization], filters: Filters, *, before: Cursor | None = None,
         after: Cursor | None = None, per_page: int = PER_PAGE) -> Page:
    """One page of events in the scope matching ``filters``: the newest, those just older than
    ``before``, or those just newer than ``after`` — newest first."""
    actor = aliased(Person)
    query = (sa.select(AuditEvent, actor.name, Organization.name)
             .outerjoin(actor, AuditEvent.actor_id == actor.id)
             .outerjoin(Organization, AuditEvent.organization_id == Organization.id)
             .where(in_scope(roots), *_conditions(filters)))
    key = (AuditEvent.created_at, AuditEvent.id)
    if after is not None:
        query = query.where(_beyond(after, newer=True)).order_by(*(c.asc() for c in key))
    else:
        if before is not None:
            query = query.where(_beyond(before, newer=False))
        query = query.order_by(*(c.desc() for c in key))
    rows = [Entry(*row) for row in db.session.execute(query.limit(per_page + 1))]
    more, rows = len(rows) > per_page, rows[:per_page]
    if after is not None:
        rows.reverse()
        return Page(rows, older=_edge(rows, -1), newer=_edge(rows, 0) if more else None)
    return Page(rows, older=_edge(rows, -1) if more else None,
                newer=_edge(rows, 0) if before is not None else None)


def _edge(entries: list[Entry], index: int) -> Cursor | None:
    return Cursor.of(entries[index].event) if entries else None


def _beyond(cursor: Cursor, *, newer: bool):
    at, ident = AuditEvent.created_at, AuditEvent.id
    if newer:
        return sa.or_(at > cursor.created_at, sa.and_(at == cursor.created_at, ident > cursor.id))
    return sa.or_(at < cursor.created_at, sa.and_(at == cursor.created_at, ident < cursor.id))


def _conditions(filters: Filters) -> list:
    found = []
    if filters.person:  # through the actor's index, not a scan of the whole trail
        people = sa.select(Person.id).where(sa.or_(
            Person.login == filters.person, Person.name.contains(filters.person, autoescape=True)))
        found.append(AuditEvent.actor_id.in_(people))
    if filters.object_type:
        found.append(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        found.append(AuditEvent.object_id == filters.object_id)
    if filters.action:
        found.append(AuditEvent.action == filters.action)
    if filters.since:
        found.append(AuditEvent.created_at >= filters.since)
    if filters.until:
        found.append(AuditEvent.created_at < filters.until)
    if filters.org is not None:
        found.append(Organization.in_subtree(filters.org))
    return found


def object_types(roots: list[Organization]) -> list[str]:
    """The kinds of object the trail in scope speaks of, for the filter's select."""
    if any(r.depth == 0 for r in roots):
        return list(db.session.scalars(_every_kind()))
    query = (sa.select(AuditEvent.object_type).distinct()
             .join(Organization, AuditEvent.organization_id == Organization.id)
             .where(in_scope(roots)).order_by(AuditEvent.object_type))
    return list(db.session.scalars(query))


def _every_kind():
    """DISTINCT object_type by hopping along its index from one kind to the next: a dozen
    lookups instead of reading every event of the whole trail."""
    kinds = sa.select(sa.func.min(AuditEvent.object_type).label("kind")).cte("kinds", recursive=True)
    following = (sa.select(sa.func.min(AuditEvent.object_type))
                 .where(AuditEvent.object_type > kinds.c.kind).scalar_subquery())
    kinds = kinds.union_all(sa.select(following).where(kinds.c.kind.is_not(None)))
    return sa.select(kinds.c.kind).where(kinds.c.kind.is_not(None)).order_by(kinds.c.kind)


def units(roots: list[Organization]) -> list[Organization]:
    """The roots and the units right below them, in tree order, for the filter's select."""
    near = sa.or_(*(sa.and_(Organization.in_subtree(r), Organization.depth <= r.depth + 1)
                    for r in roots)) if roots else sa.false()
    found = db.session.scalars(sa.select(Organization).where(near)).all()
    order = {r.id: n for n, r in enumerate(roots)}

    def position(org: Organization) -> tuple:
        root = next(r for r in roots if org.is_within(r))
        return order[root.id], org.depth, org.sort_order, org.id

    return sorted(found, key=position)
