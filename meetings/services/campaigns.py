"""专项行动: an administrator launches a campaign for a subtree, or changes it.

Like every service this checks policy, flushes and audits; the caller commits once.
What the branches have done about a campaign is read in ``campaigns_query``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meetings.domain import campaigns
from meetings.domain.campaigns import REPORT_DAYS
from meetings.domain.terms import MeetingStatus, OrgKind
from meetings.extensions import db
from meetings.models import Campaign, Meeting, MeetingType, Organization, Person
from meetings.policy import Action, can
from meetings.services import audit

TITLE_LENGTH = 200
INSTRUCTIONS_LENGTH = 20_000
REPORT_DAYS_RANGE = (1, 90)
MAX_ID = 2**31 - 1  # ids past the database's integer range cannot exist
AUDITED = ("title", "instructions", "meeting_type_id", "scope_id", "window_start", "deadline", "report_days")


class CampaignError(ValueError):
    """The campaign cannot be saved: ``message`` (Chinese, lazy) belongs next to ``field``."""

    def __init__(self, message, field: str = "title"):
        super().__init__(str(message))
        self.message, self.field = message, field


@dataclass
class CampaignFields:
    """What the campaign form gives (ids and dates as typed; checked here)."""

    title: str
    instructions: str = ""
    meeting_type_id: int | None = None
    scope_id: int | None = None
    window_start: date | None = None
    deadline: date | None = None
    report_days: int | None = REPORT_DAYS


def create(actor: Person, fields: CampaignFields, now: datetime) -> Campaign:
    """发起专项行动 for a unit within the actor's administration."""
    values = _checked(actor, fields)
    campaign = Campaign(created_by_id=actor.id, created_at=now, updated_at=now, **values)
    db.session.add(campaign)
    db.session.flush()
    audit.record(actor, "campaign.create", campaign, organization_id=campaign.scope_id,
                 after={name: audit.plain(values[name]) for name in AUDITED})
    return campaign


def update(actor: Person, campaign: Campaign, fields: CampaignFields) -> Campaign:
    """Change a campaign; its linked meetings are judged by the new dates from now on."""
    if not can(actor, Action.MANAGE_CAMPAIGNS, campaign):
        raise PermissionError(f"{actor!r} may not change campaign {campaign.id}")
    values = _checked(actor, fields)
    _keeps_its_meetings(campaign, values)
    before, after = audit.changes(campaign, values)
    if after:
        db.session.flush()
        audit.record(actor, "campaign.update", campaign, organization_id=campaign.scope_id,
                     before=before, after=after)
    return campaign


def _keeps_its_meetings(campaign: Campaign, values: dict) -> None:
    """A change may not strand the meetings that count for the campaign: one no longer of its
    type, in its window or in its scope would silently stop counting (报送 undone unseen).
    A link that did not count before (made before the rule) does not hold a change up."""
    now_counting = {"meeting_type_id": campaign.meeting_type_id, "scope_id": campaign.scope_id,
                    "window_start": campaign.window_start, "deadline": campaign.deadline}
    counting = [m for m in _linked(campaign) if _fits(m, now_counting)]
    if counting and values["report_days"] < campaign.report_days:
        raise CampaignError(_l("已有会议报送本专项行动：报送期限只能延长，不能缩短"
                               "（缩短会把已按时报送的改为逾期）。"), "report_days")
    stranded = [m for m in counting if not _fits(m, values)]
    if stranded:
        names = "、".join(f"{m.organization.name}“{m.title}”" for m in stranded[:3])
        raise CampaignError(_l("已关联本专项行动的 %(n)s 次会议（%(names)s%(more)s）"
                               "将不再符合修改后的会议类型、时间范围或组织范围。"
                               "请保留原设置，或请这些支部先取消关联。",
                               n=len(stranded), names=names, more=_l("等") if len(stranded) > 3 else ""),
                            "window_start")


def _fits(meeting: Meeting, values: dict) -> bool:
    scope = db.session.get(Organization, values["scope_id"])
    return (campaigns.is_of_campaign_type(values["meeting_type_id"], [t.id for t in meeting.types])
            and campaigns.starts_in_window(values["window_start"], values["deadline"], meeting.starts_at)
            and scope is not None and meeting.organization.is_within(scope))


def _linked(campaign: Campaign) -> list[Meeting]:
    return list(db.session.scalars(sa.select(Meeting).where(
        Meeting.campaign_id == campaign.id, Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.starts_at)))


def _checked(actor: Person, fields: CampaignFields) -> dict:
    """The fields as column values; the first problem found raises ``CampaignError``."""
    title = " ".join((fields.title or "").split())
    if not title:
        raise CampaignError(_l("请填写专项行动名称。"), "title")
    if len(title) > TITLE_LENGTH:
        raise CampaignError(_l("名称不能超过 %(max)s 个字。", max=TITLE_LENGTH), "title")
    instructions = (fields.instructions or "").strip()
    if len(instructions) > INSTRUCTIONS_LENGTH:
        raise CampaignError(_l("工作要求不能超过 %(max)s 个字。", max=INSTRUCTIONS_LENGTH), "instructions")
    return dict(title=title, instructions=instructions, meeting_type_id=_meeting_type(fields).id,
                scope_id=_scope(actor, fields.scope_id).id, **_window(fields))


def _meeting_type(fields: CampaignFields) -> MeetingType:
    found = _get(MeetingType, fields.meeting_type_id)
    if found is None or not found.is_active:
        raise CampaignError(_l("所选会议类型不存在或已停用。"), "meeting_type_id")
    return found


def _scope(actor: Person, scope_id: int | None) -> Organization:
    """An active unit above the party groups, inside the actor's administration."""
    found = _get(Organization, scope_id)
    if (found is None or not found.is_active or found.kind == OrgKind.PARTY_GROUP
            or not can(actor, Action.MANAGE_CAMPAIGNS, found)):
        raise CampaignError(_l("请选择您管理范围内的组织。"), "scope_id")
    return found


def _window(fields: CampaignFields) -> dict:
    if fields.window_start is None:
        raise CampaignError(_l("请填写开始日期。"), "window_start")
    if fields.deadline is None:
        raise CampaignError(_l("请填写截止日期。"), "deadline")
    if fields.deadline < fields.window_start:
        raise CampaignError(_l("截止日期不能早于开始日期。"), "deadline")
    low, high = REPORT_DAYS_RANGE
    if fields.report_days is None or not low <= fields.report_days <= high:
        raise CampaignError(_l("报送期限应在 %(low)s 到 %(high)s 天之间。", low=low, high=high),
                            "report_days")
    return dict(window_start=fields.window_start, deadline=fields.deadline, report_days=fields.report_days)


def _get(model, object_id: int | None):
    if object_id is None or not 0 < object_id <= MAX_ID:
        return None
    return db.session.get(model, object_id)


def active_types() -> list[MeetingType]:
    """The meeting types a campaign may ask for, in display order."""
    return list(db.session.scalars(sa.select(MeetingType).where(MeetingType.is_active)
                                   .order_by(MeetingType.sort_order, MeetingType.id)))
