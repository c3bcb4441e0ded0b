"""A meeting's JSON members as the scheduling service's ``MeetingFields``.

On create every required member must be there; on change the meeting's current values fill
in what the caller left out, so a PATCH of ``place`` keeps everything else as it was.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meetings.api.body import Body
from meetings.domain import scheduling
from meetings.domain.people import has_control_characters
from meetings.domain.terms import InvitationRole
from meetings.extensions import db
from meetings.models import Meeting, MeetingType
from meetings.services.scheduling import MeetingFields

TITLE_LENGTH, AGENDA_LENGTH, PLACE_LENGTH, URL_LENGTH = 200, 20_000, 200, 500
MAX_REMINDER = 4 * 7 * 24 * 60  # four weeks ahead, in minutes
FIELDS = frozenset({"title", "starts_at", "ends_at", "types", "invitee_ids", "observer_ids", "agenda",
                    "place", "online_url", "host_id", "recorder_id", "reminder_minutes",
                    "attributed_year", "campaign_id"})


def read_fields(body: Body, meeting: Meeting | None) -> MeetingFields:
    """The plan the body asks for (``meeting``: the one being changed, else a new one)."""
    old = _current(meeting) if meeting is not None else None
    new = old is None
    fields = MeetingFields(
        title=body.text("title", TITLE_LENGTH, required=new, default=old and old.title) or "",
        starts_at=body.moment("starts_at", required=new, default=old and old.starts_at),
        ends_at=body.moment("ends_at", required=new, default=old and old.ends_at),
        type_ids=_type_ids(body, required=new, default=old and old.type_ids),
        invitee_ids=body.ids("invitee_ids", required=new, default=old and old.invitee_ids),
        observer_ids=body.ids("observer_ids", default=old and old.observer_ids),
        agenda=body.text("agenda", AGENDA_LENGTH, multiline=True, default=old and old.agenda) or "",
        place=body.text("place", PLACE_LENGTH, default=old and old.place) or "",
        online_url=_web_address(body, old and old.online_url),
        host_id=_optional_id(body, "host_id", old and old.host_id),
        recorder_id=_optional_id(body, "recorder_id", old and old.recorder_id),
        guests=old.guests if old else [],
        late_record=body.boolean("late_record", False) if new else meeting.is_late_record,
        attributed_year=body.integer("attributed_year", default=old and old.attributed_year,
                                     low=1921, high=9998),
        reminder_minutes=_reminder(body, old.reminder_minutes if old else 24 * 60),
        campaign_id=_optional_id(body, "campaign_id", old and old.campaign_id))
    return fields


def _current(meeting: Meeting) -> MeetingFields:
    """The meeting as it stands, in the service's terms (outside guests kept as they are)."""
    people = [i for i in meeting.invitations if i.person_id is not None]
    return MeetingFields(
        title=meeting.title, starts_at=meeting.starts_at, ends_at=meeting.ends_at,
        type_ids=[t.id for t in meeting.types],
        invitee_ids=[i.person_id for i in people if i.role != InvitationRole.OBSERVER],
        observer_ids=[i.person_id for i in people if i.role == InvitationRole.OBSERVER],
        agenda=meeting.agenda, place=meeting.place, online_url=meeting.online_url,
        host_id=meeting.host_id, recorder_id=meeting.recorder_id,
        guests=[(i.guest_name, i.guest_email) for i in meeting.invitations if i.person_id is None],
        late_record=meeting.is_late_record, attributed_year=meeting.attributed_year,
        reminder_minutes=meeting.reminder_minutes, campaign_id=meeting.campaign_id)


def _type_ids(body: Body, *, required: bool, default: list[int] | None) -> list[int]:
    """``types``: meeting type codes such as ``["theme_day"]``; unknown ones are named."""
    codes = body.data.get("types")
    if codes is None:
        if required:
            body.fail("types", _l("必填。"))
        return list(default or [])
    if not isinstance(codes, list) or not codes or not all(
            isinstance(c, str) and len(c) <= 40 and not has_control_characters(c) for c in codes):
        body.fail("types", _l("须为会议类型代码的数组，例如 [\"theme_day\"]。"))
        return list(default or [])
    known = dict(db.session.execute(sa.select(MeetingType.code, MeetingType.id).where(
        MeetingType.code.in_(codes), MeetingType.is_active)).all())
    unknown = [c for c in codes if c not in known]
    if unknown:
        body.fail("types", _l("没有这些会议类型：%(codes)s。", codes="、".join(unknown)[:200]))
    return [known[c] for c in dict.fromkeys(codes) if c in known]


def _web_address(body: Body, default: str | None) -> str | None:
    if not body.has("online_url"):
        return default
    value = body.text("online_url", URL_LENGTH)
    value = (value or "").strip()
    if value and not scheduling.is_web_address(value):
        body.fail("online_url", _l("线上会议链接应以 https:// 或 http:// 开头。"))
        return default
    return value or None


def _optional_id(body: Body, name: str, default: int | None) -> int | None:
    """An optional id that may be set back to null."""
    if not body.has(name):
        return default
    return body.integer(name)


def _reminder(body: Body, default: int | None) -> int | None:
    """``reminder_minutes``: how long before the start the reminder goes; null for none."""
    if not body.has("reminder_minutes"):
        return default
    return body.integer("reminder_minutes", low=0, high=MAX_REMINDER)
