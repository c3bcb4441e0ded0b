"""What a person may see, as SQL: the policy's answers for whole lists in one statement.

Each query here selects exactly the rows for which ``policy.can`` says yes (a test holds
the two to agreement), so a list never needs a check per row.
"""
from __future__ import annotations

import sqlalchemy as sa

from meetings.domain.terms import Role
from meetings.models import Invitation, Meeting, Organization, Person
from meetings.policy import Action, active_roles, scope_roots


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


def people(person: Person) -> sa.Select:
    """People whose card the person may open: the rosters in their scope, and themselves
    (committee staff, who have no branch, only for an administrator at the root)."""
    roster_roots = scope_roots(person, Action.VIEW_ROSTER)
    in_scope = sa.select(Organization.id).where(within(roster_roots))
    root_admin = any(r.role == Role.ADMIN and r.organization.depth == 0 for r in active_roles(person))
    staff = sa.true() if root_admin else sa.false()
    return sa.select(Person).where(sa.or_(Person.branch_id.in_(in_scope), Person.id == person.id,
                                          sa.and_(Person.branch_id.is_(None), staff)))
