"""Read-only views of meetings for pages: a branch's list, a person's upcoming meetings, the
secretary's open items. Each is one or two queries, whatever the number of rows.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from meetings.domain import scheduling
from meetings.domain.terms import MeetingStatus, Rsvp
from meetings.extensions import db
from meetings.models import Invitation, Meeting, Organization, Person

RECENT = timedelta(days=90)
HOME_AHEAD = timedelta(days=60)
DESK_AHEAD = timedelta(days=30)  # late in a month, "this month" alone would look empty


@dataclass
class MyMeeting:
    """A meeting on someone's home page, with their own answer."""

    meeting: Meeting
    invitation: Invitation
    this_week: bool


def _with_details(query):
    return query.options(selectinload(Meeting.types), joinedload(Meeting.organization))


def load_meeting(meeting_id: int) -> Meeting | None:
    """One meeting with everything its page shows, in a fixed number of queries."""
    return db.session.scalar(sa.select(Meeting).where(Meeting.id == meeting_id).options(
        selectinload(Meeting.invitations).selectinload(Invitation.person),
        selectinload(Meeting.types), joinedload(Meeting.organization),
        selectinload(Meeting.host), selectinload(Meeting.recorder)))


def for_branch(branch: Organization, now: datetime) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, last 90 days) meetings of the branch and its party groups."""
    rows = db.session.scalars(_with_details(
        sa.select(Meeting).join(Organization, Meeting.organization_id == Organization.id)
        .where(Organization.in_subtree(branch), Meeting.ends_at >= now - RECENT)
        .order_by(Meeting.starts_at))).all()
    upcoming = [m for m in rows if m.ends_at >= now]
    recent = [m for m in reversed(rows) if m.ends_at < now]
    return upcoming, recent


def answer_counts(meeting: Meeting) -> Counter:
    """How many invitees gave each answer (RSVP state)."""
    return Counter(i.rsvp for i in meeting.invitations)


def upcoming_for(person: Person, now: datetime) -> list[MyMeeting]:
    """The person's meetings of the next 60 days (cancelled ones too, so they see the change)."""
    rows = db.session.execute(
        sa.select(Meeting, Invitation).join(Invitation, Invitation.meeting_id == Meeting.id)
        .options(selectinload(Meeting.types), joinedload(Meeting.organization))
        .where(Invitation.person_id == person.id, Meeting.ends_at >= now,
               Meeting.starts_at < now + HOME_AHEAD)
        .order_by(Meeting.starts_at)).all()
    week_end = _week_end(now)
    return [MyMeeting(m, i, m.starts_at < week_end) for m, i in rows]


def _week_end(now: datetime) -> datetime:
    """Monday 00:00 Beijing time after ``now``: the end of "this week" (本周)."""
    today = scheduling.local_date(now)
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday, datetime.min.time(), tzinfo=scheduling.BEIJING)


@dataclass
class BranchDesk:
    """The secretary's open items for one branch."""

    this_month: list[Meeting]
    pending_leave: list[Invitation]
    unanswered: list[tuple[Meeting, int]]


def branch_desk(branch: Organization, now: datetime) -> BranchDesk:
    """Meetings of this month and the next 30 days, leave requests waiting for a decision, and
    meetings of the next 30 days whose invitees have not all answered."""
    today = scheduling.local_date(now)
    month_start = datetime.combine(today.replace(day=1), datetime.min.time(), tzinfo=scheduling.BEIJING)
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    month_end = max(datetime.combine(next_month, datetime.min.time(), tzinfo=scheduling.BEIJING),
                    now + DESK_AHEAD)
    in_branch = sa.select(Organization.id).where(Organization.in_subtree(branch)).scalar_subquery()
    meetings = db.session.scalars(_with_details(
        sa.select(Meeting).where(Meeting.organization_id.in_(in_branch), Meeting.starts_at >= month_start,
                                 Meeting.starts_at < month_end).order_by(Meeting.starts_at))).all()
    leave = db.session.scalars(
        sa.select(Invitation).join(Meeting, Invitation.meeting_id == Meeting.id)
        .options(selectinload(Invitation.person), contains_eager(Invitation.meeting))  # joined already
        .where(Meeting.organization_id.in_(in_branch), Invitation.rsvp == Rsvp.LEAVE_REQUESTED,
               Meeting.status == MeetingStatus.SCHEDULED, Meeting.ends_at >= now)
        .order_by(Meeting.starts_at, Invitation.id)).all()
    silent = db.session.execute(
        sa.select(Meeting, sa.func.count(Invitation.id)).join(Invitation, Invitation.meeting_id == Meeting.id)
        .where(Meeting.organization_id.in_(in_branch), Invitation.rsvp == Rsvp.PENDING,
               Invitation.person_id.is_not(None), Meeting.status == MeetingStatus.SCHEDULED,
               Meeting.ends_at >= now, Meeting.starts_at < now + DESK_AHEAD)
        .group_by(Meeting.id).order_by(Meeting.starts_at)).all()
    return BranchDesk(list(meetings), list(leave), [(m, n) for m, n in silent])
