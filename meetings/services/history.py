"""Keeping the tree's history (历史沿革) as the current rows change, and reading it back.

Whatever path changes a person's branch, party group, category or status, or seats and unseats
a committee member, the flush below closes the open span and opens the next one, in the same
transaction: the history cannot fall behind the roster. A change takes effect on the day it is
recorded (Beijing), so no later edit can reach back into a period already judged; only the
seeding commands and the migration write spans that begin earlier (``backdated``).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from meetings.clock import today_in_beijing, utcnow
from meetings.domain import history
from meetings.domain.terms import PersonCategory, PersonStatus
from meetings.extensions import db
from meetings.models import CommitteeSeat, CommitteeSpan, MembershipSpan, Organization, Person

BACKDATE = "orglife.history_on"  # Session.info key: the day new spans begin, when seeding
_UNSET = object()
_TRACKED = ("branch_id", "party_group_id", "category", "status")


@contextmanager
def backdated(day: date | None) -> Iterator[None]:
    """Within the block, rows created or changed are recorded as so since ``day`` (None: since
    before records began): for the demo and scale seeds, whose meetings lie in the past."""
    info = db.session.info
    outer = info.get(BACKDATE, _UNSET)
    info[BACKDATE] = day
    try:
        yield
    finally:
        if outer is _UNSET:
            info.pop(BACKDATE, None)
        else:
            info[BACKDATE] = outer


def _new_row(session: Session, explicit: date | None) -> tuple[date | None, datetime | None]:
    """(valid_from, recorded_at) of a row added: from the day a service gave, or the seed's
    day, or (seeds and tests that give none) since before records."""
    if BACKDATE in session.info:  # seeding: known all along
        return explicit or session.info[BACKDATE], None
    if explicit is not None:
        return explicit, utcnow()
    return None, None


def _change(session: Session) -> tuple[date | None, datetime | None]:
    """(day, recorded_at) of a change: today, as recorded now (the seed's day when seeding)."""
    if BACKDATE in session.info:
        return session.info[BACKDATE], None
    return today_in_beijing(), utcnow()


def change_day() -> date | None:
    """The day a change recorded now takes effect (a unit added now exists from it: 成立)."""
    return _change(db.session)[0]


@event.listens_for(Session, "before_flush")
def _follow_changes(session: Session, _context, _instances) -> None:
    for obj in list(session.new):
        if isinstance(obj, Person):
            _open_membership(session, obj, *_new_row(session, getattr(obj, "joined_branch_on", None)))
        elif isinstance(obj, CommitteeSeat):
            _open_seat(session, obj)
    for obj in list(session.dirty):
        if isinstance(obj, Person) and _membership_changed(obj):
            _next_membership(session, obj)
    for obj in list(session.deleted):
        if isinstance(obj, CommitteeSeat):
            _close_seat(session, obj.branch_id, obj.person_id)


def _membership_changed(person: Person) -> bool:
    state = sa.inspect(person)
    return any(state.attrs[name].history.has_changes() for name in _TRACKED)


def _open_membership(session: Session, person: Person, day: date | None, now: datetime | None) -> None:
    session.add(MembershipSpan(
        person=person, branch_id=person.branch_id, party_group_id=person.party_group_id,
        # Column defaults are not applied before the INSERT: take the model's own.
        category=person.category or PersonCategory.FULL, status=person.status or PersonStatus.ACTIVE,
        valid_from=day, recorded_at=now))


def _next_membership(session: Session, person: Person) -> None:
    day, now = _change(session)
    # Core, not ORM, so as not to flush from inside the flush.
    spans = MembershipSpan.__table__
    open_span = sa.and_(spans.c.person_id == person.id, spans.c.valid_to.is_(None))
    if day is None:  # seeding "since before records": the open span is rewritten, not split
        session.connection().execute(spans.update().where(open_span).values(
            branch_id=person.branch_id, party_group_id=person.party_group_id,
            category=person.category, status=person.status))
        return
    # Wait for another transaction changing this person to commit, so that the span it opened
    # is the one closed here (otherwise both stay open: a forked history). SQLite writes one
    # transaction at a time already.
    if session.connection().dialect.name == "postgresql":
        people = Person.__table__
        session.connection().execute(sa.select(people.c.id).where(people.c.id == person.id).with_for_update())
    session.connection().execute(spans.update().where(open_span).values(valid_to=day, closed_at=now))
    _open_membership(session, person, day, now)


def _open_seat(session: Session, seat: CommitteeSeat) -> None:
    """A seat counts from the day the service gave (its 任职日期, or today)."""
    start, now = _new_row(session, getattr(seat, "seated_on", None))
    span = CommitteeSpan(branch_id=seat.branch_id, person_id=seat.person_id, valid_from=start,
                         recorded_at=now)
    if seat.branch_id is None or seat.person_id is None:  # built from objects not yet flushed
        span.branch, span.person = seat.branch, seat.person
    session.add(span)


def _close_seat(session: Session, branch_id: int, person_id: int) -> None:
    day, now = _change(session)
    spans = CommitteeSpan.__table__
    open_span = sa.and_(spans.c.branch_id == branch_id, spans.c.person_id == person_id,
                        spans.c.valid_to.is_(None))
    if day is None:  # seeding "since before records": as if never seated
        session.connection().execute(spans.delete().where(open_span))
        return
    session.connection().execute(spans.update().where(open_span).values(valid_to=day, closed_at=now))


def unit_existence(org: Organization, moment: datetime | None = None) -> history.Span | None:
    """When ``org`` existed, as known at ``moment``; None if it had not been recorded by then."""
    if not org.is_active and org.dissolved_on is None:  # 撤销 with no date kept: out, as it always was
        return None
    if moment is not None and org.founded_on is not None and org.created_at > moment:
        return None
    dissolved = org.dissolved_on
    if dissolved is not None and moment is not None and (org.deactivated_at or moment) > moment:
        dissolved = None
    return history.Span(org.founded_on, dissolved)


def member_spans(branch_ids: Iterable[int], moment: datetime | None = None) -> list[history.MemberSpan]:
    """Every membership span of the branches, as known at ``moment`` (one statement)."""
    return tree_spans(branch_ids, moment, seats=False)[0]


def tree_spans(branch_ids: Iterable[int], moment: datetime | None = None, *,
               seats: bool = True) -> tuple[list[history.MemberSpan], list[history.SeatSpan]]:
    """The branches' membership and committee spans as known at ``moment``, in one statement
    (a branch's page has few statements to spare)."""
    ids = set(branch_ids)
    parts = []
    if ids:
        m = MembershipSpan
        parts.append(sa.select(sa.literal("m").label("part"), m.person_id, m.branch_id, m.party_group_id,
                               m.category, m.status, *_span_of(m)).where(m.branch_id.in_(ids)))
    if ids and seats:
        c = CommitteeSpan
        parts.append(sa.select(sa.literal("s").label("part"), c.person_id, c.branch_id,
                               sa.null().label("party_group_id"), sa.null().label("category"),
                               sa.null().label("status"), *_span_of(c)).where(c.branch_id.in_(ids)))
    if not parts:
        return [], []
    found_m, found_s = [], []
    for row in db.session.execute(sa.union_all(*parts) if len(parts) > 1 else parts[0]):
        span = history.Recorded(history.Span(row.valid_from, row.valid_to), row.recorded_at,
                                row.closed_at).as_of(moment)
        if span is None:
            continue
        if row.part == "m":
            found_m.append(history.MemberSpan(row.person_id, row.branch_id, row.party_group_id,
                                              PersonCategory(row.category), PersonStatus(row.status), span))
        else:
            found_s.append(history.SeatSpan(row.branch_id, row.person_id, span))
    return found_m, found_s


def _span_of(model):
    return model.valid_from, model.valid_to, model.recorded_at, model.closed_at


def voting_base(branch_id: int, day: date) -> frozenset[int]:
    """党员大会's quorum base on ``day``: the branch's full, active members then."""
    return history.voting_base(member_spans([branch_id]), branch_id, day)


def committee_standing(branch_id: int, day: date) -> history.CommitteeStanding:
    members, seats = tree_spans([branch_id])
    return history.committee_standing(members, seats, branch_id, day)
