"""Members absent without leave from every meeting for 3 (flag) or 6 months (escalate), §31.

One statement for any scope: per person, the latest meeting they attended or were excused
from, then the run of unexcused absences after it. Only what ``domain.absence`` would call
a streak of at least three months comes back, so a province-wide list stays small.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from meetings.domain.absence import EXCUSED_OR_ATTENDED, StreakLevel, level_for, months_between
from meetings.domain.periods import beijing_midnight
from meetings.domain.scheduling import local_date
from meetings.domain.terms import Attendance, InvitationRole, MeetingStatus, OrgKind
from meetings.extensions import db
from meetings.models import Invitation, Meeting, Organization, Person
from meetings.models.base import UTCDateTime

LOOKBACK = timedelta(days=400)  # a run longer than a year is still a run; older records are not read


@dataclass(frozen=True)
class AbsentMember:
    person_id: int
    name: str
    branch_id: int
    branch_name: str
    since: date
    meetings: int
    months: int

    @property
    def level(self) -> StreakLevel | None:
        return level_for(self.months, self.meetings)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for candidate in range(day.day, 0, -1):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def absent_members(root: Organization, now: datetime) -> list[AbsentMember]:
    """Everyone in ``root``'s subtree on an unbroken run of ≥ 3 months, the longest first."""
    today = local_date(now)
    cutoff = beijing_midnight(months_before(today, StreakLevel.WARNING) + timedelta(days=1))
    marks = _marks(root, now)
    last_ok = (sa.select(marks.c.person_id,
                         sa.func.max(sa.case((marks.c.attendance.in_(list(EXCUSED_OR_ATTENDED)),
                                              marks.c.starts_at)), type_=UTCDateTime()).label("ok_at"))
               .group_by(marks.c.person_id).subquery("last_ok"))
    since = sa.func.min(marks.c.starts_at, type_=UTCDateTime())  # typed: aware datetimes back
    runs = (sa.select(marks.c.person_id, since.label("since"), sa.func.count().label("n"))
            .join(last_ok, last_ok.c.person_id == marks.c.person_id)
            .where(marks.c.attendance == Attendance.ABSENT,
                   sa.or_(last_ok.c.ok_at.is_(None), marks.c.starts_at > last_ok.c.ok_at))
            .group_by(marks.c.person_id)
            .having(since < cutoff, sa.func.count() >= int(StreakLevel.WARNING)).subquery("runs"))
    rows = db.session.execute(
        sa.select(Person.id, Person.name, Organization.id, Organization.name, runs.c.since, runs.c.n)
        .join(runs, runs.c.person_id == Person.id).join(Organization, Organization.id == Person.branch_id)
        .order_by(runs.c.since, Organization.path, Person.name)).all()
    found = [AbsentMember(pid, name, bid, bname, local_date(start), n,
                          months_between(local_date(start), today))
             for pid, name, bid, bname, start, n in rows]
    return [m for m in found if m.level is not None]


def _marks(root: Organization, now: datetime):
    """(person, meeting start, mark) of recorded meetings in scope where the person was 应到."""
    branches = sa.select(Organization.id).where(Organization.in_subtree(root),
                                                Organization.kind == OrgKind.BRANCH)
    return (sa.select(Invitation.person_id, Meeting.starts_at, Invitation.attendance)
            .join(Meeting, Meeting.id == Invitation.meeting_id)
            .where(Meeting.organization_id.in_(branches), Meeting.status == MeetingStatus.HELD,
                   Meeting.attendance_recorded_at.is_not(None), Meeting.starts_at >= now - LOOKBACK,
                   Meeting.starts_at <= now, Invitation.person_id.is_not(None),
                   Invitation.role == InvitationRole.ATTENDEE, Invitation.optional.is_(False),
                   Invitation.attendance.is_not(None))
            .subquery("marks"))

