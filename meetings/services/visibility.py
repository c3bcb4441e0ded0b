"""What a person may see, as SQL: the policy's answers for whole lists in one statement.

Each query here selects exactly the rows for which ``policy.can`` says yes (a test holds
the two to agreement), so a list never needs a check per row.
"""
from __future__ import annotations

import sqlalchemy as sa

from meetings.models import Invitation, Meeting, Organization, Person
from meetings.policy import Action, scope_roots


def within(roots: list[Organization]):
    """SQL: the organization lies under one of ``roots`` (false when there are none)."""
    if not roots:
        return sa.false()
    return sa.or_(*(Organization.in_subtree(root) for root in roots))


def organizations(person: Person) -> sa.Select:
    """Units the person may view: their role scopes and their own branch."""
    return sa.select(Organization).where(within(scope_roots(person, Action.VIEW_ORG)))


def meetings(person: Person) -> sa.Select:
    """Meetings of units whose meetings the person sees, and any meeting they are invited to."""
    in_scope = sa.select(Organization.id).where(within(scope_roots(person, Action.VIEW_MEETINGS)))
    invited = sa.exists().where(Invitation.meeting_id == Meeting.id, Invitation.person_id == person.id)
    return sa.select(Meeting).where(sa.or_(Meeting.organization_id.in_(in_scope), invited))
