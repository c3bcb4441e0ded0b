"""Who a meeting may invite: an upcoming one, the branch's roster; one in the past (补录, or an
edit of one already held), the people who belonged to the branch on its day, and whoever it
invited already.

A member transferred out (转出) or moved to another branch after a meeting was still a member
when it was held: the quorum counts them (``history.voting_base``), so a 补录 must be able to
record them present, and editing the meeting must not drop their invitation and mark.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import PersonStatus
from meetings.extensions import db
from meetings.models import Meeting, Organization, Person
from meetings.services import history, roster

FORMER_WITHIN = timedelta(days=366)  # how far back the 补录 form offers people who have left


def current(branch: Organization) -> list[Person]:
    """The branch roster, less those transferred out."""
    return [p for p in roster.members(branch) if p.status != PersonStatus.TRANSFERRED_OUT]


def people(branch: Organization, starts_at: datetime, now: datetime,
           meeting: Meeting | None = None) -> dict[int, Person]:
    """Who may be invited to a meeting of ``branch`` starting at ``starts_at`` (by id)."""
    roster_now = {p.id: p for p in current(branch)}
    day = local_date(starts_at)
    if day >= local_date(now):  # an upcoming meeting invites today's roster
        return roster_now
    # A past one, the branch on its day (someone who joined since was not a member then) …
    then = on_the_day(branch, day)
    found = {i: p for i, p in roster_now.items() if i in then}
    if meeting is not None:  # … and who was invited stays invitable, whatever has changed since
        found.update({i.person_id: i.person for i in meeting.invitations if i.person_id is not None})
    found.update(_load(then - set(found)))
    return found


def ever_in(branch: Organization) -> set[int]:
    """Ids of everyone who has belonged to ``branch`` at some time (its history)."""
    return {s.person_id for s in history.member_spans([branch.id]) if s.branch_id == branch.id}


def on_the_day(branch: Organization, day: date) -> set[int]:
    """Ids of the people who belonged to ``branch`` on ``day`` (its history as known now)."""
    return {s.person_id for s in history.member_spans([branch.id])
            if s.branch_id == branch.id and s.span.holds_on(day) and s.status != PersonStatus.TRANSFERRED_OUT}


def former(branch: Organization, now: datetime) -> list[Person]:
    """People who belonged to ``branch`` within the last year and no longer do, for the 补录
    form (they may be invited to a meeting held while they were members)."""
    since = local_date(now) - FORMER_WITHIN
    ids = {s.person_id for s in history.member_spans([branch.id])
           if s.branch_id == branch.id and s.status != PersonStatus.TRANSFERRED_OUT
           and (s.span.end is None or s.span.end > since)}
    return sorted(_load(ids - {p.id for p in current(branch)}).values(), key=lambda p: p.id)


def _load(ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
