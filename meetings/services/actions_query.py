"""Read-only lists of 整改事项 for pages: a meeting's, a branch's 整改清单, a person's own, and
the counts on a secretary's desk. Each is one statement (joined eager loads), whatever the rows:
the home page and the meeting page are near their budget of 20 (DESIGN §7).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from meetings.domain import actions as rules
from meetings.domain.scheduling import BEIJING
from meetings.domain.terms import ActionStatus
from meetings.extensions import db
from meetings.models import ActionItem, Meeting, Organization, Person, Visit, VisitFinding

RECENTLY_CLOSED = timedelta(days=90)


@dataclass
class BranchActions:
    """整改清单 of one branch: overdue, open on time, and closed in the last 90 days."""

    overdue: list[ActionItem]
    open: list[ActionItem]
    closed: list[ActionItem]


def _with_details(query):
    return query.options(joinedload(ActionItem.owner),
                         joinedload(ActionItem.meeting).joinedload(Meeting.organization),
                         # what the policy reads first to say whether its 督导记录 may be opened
                         joinedload(ActionItem.finding).joinedload(VisitFinding.visit)
                         .joinedload(Visit.organization))


def for_meeting(meeting: Meeting) -> list[ActionItem]:
    """The meeting's items in the order they were raised, owners loaded."""
    return list(db.session.scalars(
        sa.select(ActionItem).where(ActionItem.meeting_id == meeting.id)
        .options(joinedload(ActionItem.owner)).order_by(ActionItem.id)))


def for_branch(branch: Organization, today: date) -> BranchActions:
    """Every open item of the branch (overdue first) and those closed in the last 90 days."""
    since = datetime.combine(today - RECENTLY_CLOSED, time.min, tzinfo=BEIJING)
    rows = db.session.scalars(_with_details(
        sa.select(ActionItem).where(
            ActionItem.organization_id == branch.id,
            sa.or_(ActionItem.status == ActionStatus.OPEN, ActionItem.closed_at >= since))
        .order_by(ActionItem.id))).all()
    still_open = rules.ordered([i for i in rows if i.status == ActionStatus.OPEN], today)
    closed = sorted((i for i in rows if i.status != ActionStatus.OPEN),
                    key=lambda i: i.closed_at or since, reverse=True)
    late = [rules.is_overdue(i.due_on, i.status, today) for i in still_open]
    return BranchActions([i for i, x in zip(still_open, late, strict=True) if x],
                         [i for i, x in zip(still_open, late, strict=True) if not x], closed)


def for_owner(person: Person, today: date) -> list[ActionItem]:
    """The person's open items, overdue first, with their meetings."""
    return for_desk(person, [], today)[0]


def for_desk(person: Person, branches: list[Organization], today: date
             ) -> tuple[list[ActionItem], dict[int, tuple[int, int]]]:
    """The home page's share, in one statement: the person's open items (overdue first), and
    (open, overdue) counts for each of the branches they run."""
    branch_ids = [b.id for b in branches]
    rows = db.session.scalars(_with_details(
        sa.select(ActionItem).where(
            ActionItem.status == ActionStatus.OPEN,
            sa.or_(ActionItem.owner_id == person.id, ActionItem.organization_id.in_(branch_ids)))
        .order_by(ActionItem.id))).all()
    counts = {}
    for branch_id in branch_ids:
        late = [rules.is_overdue(i.due_on, i.status, today) for i in rows if i.organization_id == branch_id]
        counts[branch_id] = (len(late), sum(late))
    return rules.ordered([i for i in rows if i.owner_id == person.id], today), counts
