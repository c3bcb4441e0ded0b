"""Whether a 支部党员大会 invites everyone its quorum is counted against (DESIGN §5 "who counts").

The quorum base is the branch's full members with voting rights on the meeting's day, whoever
was invited: planning for part of the branch is allowed, but the planner is told who is missing.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from meetings.domain import attendance as rules
from meetings.domain.scheduling import local_date
from meetings.domain.terms import InvitationRole, QuorumRule
from meetings.extensions import db
from meetings.models import Meeting, Person
from meetings.services import history


@dataclass(frozen=True)
class AssemblyNotice:
    """What the meeting page says of a 党员大会 planned for part of the branch."""

    uninvited: rules.Uninvited
    names: list[str]  # of the members left out, by name


def shortfall(meeting: Meeting, voting_base: frozenset[int] | None = None) -> rules.Uninvited | None:
    """The voting members a not-yet-recorded 党员大会 leaves out; None for other meetings.

    ``voting_base`` may be given when already known for the meeting's day (an unrecorded
    meeting's :class:`attendance.Summary` has it); otherwise it is looked up (one statement).
    """
    counted = any(t.quorum_rule == QuorumRule.FULL_MEMBERS_MAJORITY for t in meeting.types)
    if not counted or meeting.is_cancelled or meeting.attendance_recorded_at is not None:
        return None
    if voting_base is None:
        voting_base = history.voting_base(meeting.organization_id, local_date(meeting.starts_at))
    invited = (i.person_id for i in meeting.invitations
               if i.person_id is not None and i.role == InvitationRole.ATTENDEE)
    return rules.uninvited_voters(voting_base, invited)


def notice(meeting: Meeting, voting_base: frozenset[int] | None = None) -> AssemblyNotice | None:
    """:func:`shortfall` with the names of those left out (one more statement)."""
    found = shortfall(meeting, voting_base)
    if found is None:
        return None
    names = db.session.scalars(sa.select(Person.name).where(Person.id.in_(found.person_ids))
                               .order_by(Person.name, Person.id)).all()
    return AssemblyNotice(found, list(names))
