"""专项行动: where one branch stands on one campaign (DESIGN §5, campaign status)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from meetings.domain.compliance import MeetingFacts
from meetings.domain.scheduling import local_date
from meetings.domain.terms import MeetingStatus

REPORT_DAYS = 15  # default: final minutes within 15 days of the meeting (local practice)


class CampaignStatus(StrEnum):
    NOT_STARTED = "not_started"
    SCHEDULED = "scheduled"
    HELD = "held"  # awaiting final minutes, report deadline not passed
    REPORTED = "reported"  # final minutes within the report deadline
    LATE = "late"  # final minutes after it
    OVERDUE = "overdue"  # window closed with no meeting held, or no final minutes in time


FINISHED = frozenset({CampaignStatus.REPORTED, CampaignStatus.LATE})


def is_of_campaign_type(campaign_type_id: int, meeting_type_ids: Iterable[int]) -> bool:
    """A meeting counts for a campaign only if the campaign's type is among its types (a meeting
    may count for several, e.g. 组织生活会 + 专题组织生活会)."""
    return campaign_type_id in set(meeting_type_ids)


def starts_in_window(window_start: date, deadline: date, starts_at: datetime) -> bool:
    """The meeting begins on a Beijing date within [window start, deadline]."""
    return window_start <= local_date(starts_at) <= deadline


@dataclass(frozen=True)
class CampaignWindow:
    """What a campaign asks: a meeting of its type held within [start, deadline], its minutes
    final within N days."""

    start: date
    deadline: date
    report_days: int = REPORT_DAYS
    meeting_type_id: int = field(kw_only=True)

    def report_deadline(self, meeting: MeetingFacts) -> date:
        return local_date(meeting.ends_at) + timedelta(days=self.report_days)

    def covers(self, meeting: MeetingFacts) -> bool:
        """Whether a linked meeting can count at all: rows linked before the link was checked
        may be of another type or outside the window."""
        return (is_of_campaign_type(self.meeting_type_id, meeting.type_ids)
                and starts_in_window(self.start, self.deadline, meeting.starts_at))


def reported_on_time(window: CampaignWindow, meeting: MeetingFacts) -> bool | None:
    """True/False once the minutes are final; None while they are not."""
    if not meeting.minutes_final or meeting.minutes_final_at is None:
        return None
    return local_date(meeting.minutes_final_at) <= window.report_deadline(meeting)


def campaign_status(window: CampaignWindow, meetings: Iterable[MeetingFacts],
                    now: datetime) -> CampaignStatus:
    """One branch's status from its meetings linked to the campaign, as of ``now``."""
    today = local_date(now)
    linked = [m for m in meetings if m.status != MeetingStatus.CANCELLED and window.covers(m)]
    reports = [reported_on_time(window, m) for m in linked]
    if True in reports:
        return CampaignStatus.REPORTED
    if False in reports:
        return CampaignStatus.LATE
    held = [m for m in linked if m.ends_at <= now]
    if any(today <= window.report_deadline(m) for m in held):
        return CampaignStatus.HELD
    # A meeting still ahead in the window can make up for one whose report deadline passed.
    if any(m.ends_at > now for m in linked):
        return CampaignStatus.SCHEDULED
    if held:
        return CampaignStatus.OVERDUE
    return CampaignStatus.OVERDUE if today > window.deadline else CampaignStatus.NOT_STARTED


def deciding_meeting(window: CampaignWindow, meetings: Iterable[MeetingFacts],
                     now: datetime) -> MeetingFacts | None:
    """The linked meeting the status rests on, to show beside it (none when nothing counts)."""
    linked = [m for m in meetings if m.status != MeetingStatus.CANCELLED and window.covers(m)]

    def rank(meeting: MeetingFacts) -> tuple[int, datetime]:
        on_time = reported_on_time(window, meeting)
        if on_time is not None:
            return (0 if on_time else 1), meeting.starts_at
        if meeting.ends_at > now:
            return 3, meeting.starts_at
        return (2 if local_date(now) <= window.report_deadline(meeting) else 4), meeting.starts_at

    return min(linked, key=rank, default=None)
