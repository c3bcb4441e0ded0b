"""The demo campaign (``seed-demo``): the 七一 专题组织生活会 on work style, across the demo tree.

Its window is June–July of the last summer that is over, so the campaign page shows how a
finished campaign reads: branches that reported in time, one that reported late, one whose
minutes never became final, and branches that held nothing. Meetings go through the same
services as users, "as of" a week before each; the invites that produced are dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from meetings.domain import scheduling
from meetings.domain.terms import Attendance
from meetings.extensions import db
from meetings.models import Campaign, Meeting, MeetingType, Organization, OutboxMessage, Person
from meetings.seeding.demo.record import BODIES
from meetings.services import attendance, campaigns, minutes, orgs
from meetings.services.scheduling import MeetingFields, branch_people, cancel_meeting, schedule_meeting

TITLE = "以优良作风保证“双胜利”专题组织生活会"
TYPE_CODE = "special_org_life_meeting"
INSTRUCTIONS = """## 学习内容

围绕庆祝建党“七一”，深入学习习近平总书记关于党的作风建设的重要论述，重温入党誓词。

## 对照检查

会前开展谈心谈话。支部委员会和每名党员对照“以优良作风保证‘双胜利’”的要求，
从政治作风、工作作风、学风文风、生活作风等方面查摆问题，撰写对照检查材料。

## 批评与自我批评

书记代表支部委员会作对照检查，党员逐一发言，开展积极健康的批评与自我批评。

## 整改

会后形成问题清单和整改清单，明确责任人和时限，录入整改事项；
会议记录在会后 **15 天内** 定稿报送。
"""


@dataclass(frozen=True)
class Outcome:
    """What one demo branch did: a meeting on (month, day), its minutes final N days later."""

    month: int
    day: int
    final_after: int | None = None  # None: the minutes stay a draft
    cancelled: bool = False


# By branch, in tree order; branches past the end of the list held nothing (overdue).
OUTCOMES = (
    Outcome(6, 26, final_after=4),  # reported
    Outcome(6, 19, final_after=10),  # reported
    Outcome(7, 1, final_after=20),  # late: final on day 20 of 15
    Outcome(6, 30, final_after=15),  # reported on the last day
    Outcome(7, 8),  # held, minutes never final: overdue
    Outcome(6, 24, final_after=7),  # reported
    Outcome(7, 15, cancelled=True),  # cancelled and never held again: overdue
)


def campaign_year(today: date) -> int:
    """The last June–July window that is over."""
    return today.year if today.month >= 8 else today.year - 1


def seed_campaign(root: Organization, types: dict[str, MeetingType], admin: Person, now: datetime) -> int:
    """Launch the demo campaign over ``root`` and hold its meetings; returns the meetings made."""
    if admin is None or db.session.scalar(sa.select(Campaign.id).where(Campaign.title == TITLE)):
        return 0
    year = campaign_year(scheduling.local_date(now))
    campaign = campaigns.create(admin, campaigns.CampaignFields(
        title=TITLE, instructions=INSTRUCTIONS, meeting_type_id=types[TYPE_CODE].id, scope_id=root.id,
        window_start=date(year, 6, 1), deadline=date(year, 7, 31), report_days=15),
        datetime.combine(date(year, 5, 20), time(9, 0), tzinfo=scheduling.BEIJING))
    outbox_before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    made = [_meeting(branch, campaign, types[TYPE_CODE], admin, outcome, year)
            for branch, outcome in zip(orgs.branches_under(root), OUTCOMES, strict=False)]
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id > outbox_before))
    return len(made)


def _meeting(branch: Organization, campaign: Campaign, kind: MeetingType, actor: Person,
             outcome: Outcome, year: int) -> Meeting:
    """Scheduled a week before; then held and recorded, or cancelled two days before."""
    starts = _weekday(date(year, outcome.month, outcome.day), time(14, 30))
    people = [p.id for p in branch_people(branch)]
    fields = MeetingFields(title=campaign.title, starts_at=starts,
                           ends_at=starts + timedelta(minutes=kind.default_duration_minutes),
                           type_ids=[kind.id], invitee_ids=people, place="机关大楼三楼党员活动室",
                           campaign_id=campaign.id)
    meeting = schedule_meeting(actor, branch, fields, starts - timedelta(days=7))
    if outcome.cancelled:
        cancel_meeting(actor, meeting, "与上级专题会议时间冲突", starts - timedelta(days=2))
        return meeting
    expected = [i for i in meeting.invitations if not i.optional]
    marks = [attendance.Mark(expected[0].id, None, Attendance.LEAVE, "出差")] if len(expected) > 5 else []
    attendance.record_attendance(actor, meeting, marks, meeting.ends_at, all_present=True)
    minutes.save_draft(actor, meeting, BODIES["org_life_meeting"], 0, meeting.ends_at + timedelta(hours=2))
    if outcome.final_after is not None:
        minutes.finalize(actor, meeting, meeting.ends_at + timedelta(days=outcome.final_after))
    return meeting


def _weekday(day: date, clock: time) -> datetime:
    """``day`` at ``clock`` Beijing time, a weekend moved back to the Friday."""
    if day.weekday() >= 5:
        day -= timedelta(days=day.weekday() - 4)
    return datetime.combine(day, clock, tzinfo=scheduling.BEIJING)
