"""Schedule, change and cancel a meeting (安排、变更、取消会议): one way in for each.

Each function takes the acting person, checks the rules, flushes, audits and queues the
invitees' mail in the caller's transaction; the caller commits once.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.domain import campaigns, scheduling
from meetings.domain.people import clean_name
from meetings.domain.scheduling import local_date
from meetings.domain.terms import InvitationRole, MeetingStatus, PersonCategory, PersonStatus, Rsvp
from meetings.extensions import db
from meetings.models import (
    Campaign,
    Invitation,
    Meeting,
    MeetingSeries,
    MeetingType,
    Organization,
    Person,
    utcnow,
)
from meetings.policy import Action, can
from meetings.services import attendance, audit, invitable, locks, notify, roster

OPTIONAL_STATUSES = (PersonStatus.AWAY, PersonStatus.EXEMPT)  # invited, never in 应到
# Changing these is news for the invitees' calendars: SEQUENCE goes up and they get an update.
CALENDAR_FIELDS = ("title", "agenda", "starts_at", "ends_at", "place", "online_url")
REASON_LENGTH = 500
MAX_INVITEES = 500  # a branch is tens of people; a thousand invitations is a mistake, or an attack
MAX_OBSERVERS = 50  # 列席, people and outside guests together: each one is mailed
GROUP_MEETING = "group_meeting"  # the type code of 党小组会


class SchedulingError(ValueError):
    """The plan cannot be saved; ``errors`` are (field, translated message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


class StaleMeeting(Exception):
    """Someone else changed the meeting after this form was opened."""


@dataclass
class MeetingFields:
    """What the schedule form gives; times are aware datetimes, people are ids."""

    title: str
    starts_at: datetime
    ends_at: datetime
    type_ids: list[int]
    invitee_ids: list[int]
    agenda: str = ""
    place: str = ""
    online_url: str | None = None
    host_id: int | None = None
    recorder_id: int | None = None
    observer_ids: list[int] = field(default_factory=list)  # 列席 from elsewhere in the tree
    # Of those, the ones the actor named by exact login or e-mail (the web form's 列席 lines):
    # these may be people the actor cannot otherwise see; ids alone may not (no enumeration).
    named_observer_ids: frozenset[int] = frozenset()
    guests: list[tuple[str, str]] = field(default_factory=list)  # outside 列席: (name, email)
    late_record: bool = False
    attributed_year: int | None = None
    reminder_minutes: int | None = 24 * 60
    campaign_id: int | None = None


def schedule_meeting(actor: Person, branch: Organization, fields: MeetingFields, now: datetime, *,
                     series: MeetingSeries | None = None) -> Meeting:
    """Create a meeting with its invitations; invitees are mailed unless it is a 补录 record."""
    _require(actor, Action.SCHEDULE_MEETING, branch)
    types, people = _check(actor, branch, fields, now)
    meeting = Meeting(organization=branch, series=series, created_by_id=actor.id, ical_sequence=0,
                      status=MeetingStatus.HELD if fields.late_record else MeetingStatus.SCHEDULED,
                      is_late_record=fields.late_record)
    _apply(meeting, fields, types, now)
    db.session.add(meeting)
    _sync_invitations(meeting, fields, people)
    meeting.party_group_id = _party_group(types, fields, people)
    db.session.flush()
    audit.record(actor, "meeting.schedule", meeting, organization_id=branch.id,
                 after=_snapshot(meeting))
    if not fields.late_record:
        notify.meeting_mail(meeting, meeting.invitations, "invite", now)
    return meeting


def update_meeting(actor: Person, meeting: Meeting, fields: MeetingFields, now: datetime, *,
                   version: int) -> Meeting:
    """Change a meeting; the invitees get an update, added ones an invite, removed ones a cancel."""
    _require(actor, Action.SCHEDULE_MEETING, meeting)
    _lock_latest(meeting)
    if meeting.is_cancelled:  # first: "cancelled" says more than "changed by someone else"
        raise SchedulingError([("title", _("会议已取消，不能再修改。"))])
    if version != meeting.version:
        raise StaleMeeting()
    fields.late_record = meeting.is_late_record
    types, people = _check(actor, meeting.organization, fields, now, meeting=meeting)
    before = _snapshot(meeting)
    moved = (fields.starts_at, fields.ends_at) != (meeting.starts_at, meeting.ends_at)
    _apply(meeting, fields, types, now)
    added, removed = _sync_invitations(meeting, fields, people)
    meeting.party_group_id = _party_group(types, fields, people)
    if meeting.attendance_recorded_at is not None:  # the engine reads the frozen numbers
        attendance.refresh_summary(meeting)
    after = _snapshot(meeting)
    if before == after and not added and not removed:
        return meeting
    visible = any(before[name] != after[name] for name in CALENDAR_FIELDS)
    if visible or removed:  # a removed invitee gets a CANCEL, which needs a higher SEQUENCE
        meeting.ical_sequence += 1
    if moved:  # a new time is a new question: everyone answers again (CALENDAR.md "Reschedule")
        for invitation in meeting.invitations:
            _reset_answer(invitation)
    db.session.flush()
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    audit.record(actor, "meeting.update", meeting, organization_id=meeting.organization_id,
                 before={k: before.get(k) for k in changed}, after=changed)
    if _upcoming(meeting, now):
        kept = [i for i in meeting.invitations if i not in added]
        notify.meeting_mail(meeting, added, "invite", now)
        if visible:
            notify.meeting_mail(meeting, kept, "update", now)
        notify.meeting_mail(meeting, removed, "cancel", now, uninvited=True)
    return meeting


def cancel_meeting(actor: Person, meeting: Meeting, reason: str, now: datetime, *,
                   version: int | None = None) -> None:
    """Cancel with a reason: STATUS:CANCELLED, SEQUENCE+1, a cancellation to every invitee.
    ``version``, when given, is the one the canceller saw: a meeting changed since (moved, say)
    is not cancelled unseen (StaleMeeting)."""
    _require(actor, Action.SCHEDULE_MEETING, meeting)
    reason = " ".join((reason or "").split())
    if not reason:
        raise SchedulingError([("reason", _("请填写取消原因。"))])
    if len(reason) > REASON_LENGTH:
        raise SchedulingError([("reason", _("取消原因不能超过 %(limit)s 个字。", limit=REASON_LENGTH))])
    _lock_latest(meeting)
    if meeting.is_cancelled:
        raise SchedulingError([("reason", _("会议已经取消。"))])
    if meeting.status == MeetingStatus.HELD:
        raise SchedulingError([("reason", _("会议已经召开，不能取消。"))])
    if version is not None and version != meeting.version:
        raise StaleMeeting()
    meeting.status, meeting.cancel_reason = MeetingStatus.CANCELLED, reason
    meeting.ical_sequence += 1
    meeting.remind_at = None
    db.session.flush()
    audit.record(actor, "meeting.cancel", meeting, organization_id=meeting.organization_id,
                 before={"status": MeetingStatus.SCHEDULED.value},
                 after={"status": MeetingStatus.CANCELLED.value, "cancel_reason": reason})
    if _upcoming(meeting, now):
        notify.meeting_mail(meeting, meeting.invitations, "cancel", now)


def _lock_latest(meeting: Meeting) -> None:
    """Wait for any other writer of the meeting, then judge it as they left it: two saves of
    one form at once, or a cancel racing an edit, end in a clear refusal for the second
    instead of an update that matches no row (version column) and a 500."""
    locks.lock_meeting(meeting.id)
    db.session.refresh(meeting)


def branch_people(branch: Organization) -> list[Person]:
    """Who can be invited as an attendee: the branch roster, less those transferred out."""
    return invitable.current(branch)


def meeting_types_by_id(type_ids: list[int]) -> list[MeetingType]:
    """The active types with these ids, in display order."""
    if not type_ids:
        return []
    return list(db.session.scalars(sa.select(MeetingType).where(
        MeetingType.id.in_(type_ids), MeetingType.is_active).order_by(MeetingType.sort_order)))


def _require(actor: Person, action: Action, obj) -> None:
    if not can(actor, action, obj):
        raise PermissionError(f"{actor!r} may not {action} {obj!r}")


def _check(actor: Person, branch: Organization, fields: MeetingFields, now: datetime, *,
           meeting: Meeting | None = None) -> tuple[list[MeetingType], dict[int, Person]]:
    """Validate the plan against the domain rules and the roster; raise SchedulingError."""
    types = meeting_types_by_id(fields.type_ids)
    members = invitable.people(branch, fields.starts_at, now, meeting)
    plan = scheduling.Plan(
        title=fields.title, starts_at=fields.starts_at, ends_at=fields.ends_at,
        type_codes=[t.code for t in types], invitee_ids=fields.invitee_ids,
        host_id=fields.host_id, recorder_id=fields.recorder_id, late_record=fields.late_record,
        attributed_year=fields.attributed_year, branch_has_committee=bool(roster.committee(branch)),
        online_url=fields.online_url)
    # An edit of a meeting that has already begun (or a 补录 record) keeps its past time.
    as_of = min(now, meeting.starts_at) if meeting is not None else now
    errors = [(e.field, _(e.message, **e.params)) for e in scheduling.check(plan, as_of)]
    if len(types) != len(set(fields.type_ids)):
        errors.append(("type_ids", _("所选会议类型不存在或已停用。")))
    strangers = set(fields.invitee_ids) - set(members)
    if strangers:
        errors.append(("invitees", _not_invitable(strangers, branch)))
    if len(set(fields.invitee_ids)) > MAX_INVITEES:
        errors.append(("invitees", _("一次会议最多邀请 %(n)s 人。", n=MAX_INVITEES)))
    if fields.campaign_id is not None:
        errors.extend(_campaign_claim(fields, types, branch))
    if branch.founded_on is not None and local_date(fields.starts_at) < branch.founded_on:
        errors.append(("starts_at", _("会议日期早于本支部的成立日期（%(day)s）。",
                                      day=branch.founded_on.isoformat())))
    people = {**members, **_observers(actor, fields, errors, meeting)}
    if errors:
        raise SchedulingError(errors)
    return types, people


def _not_invitable(ids: set[int], branch: Organization) -> str:
    """Why these people may not be invited, naming those who are or were in the branch (a 补录
    that picked the whole branch names who joined after the meeting's day); anyone else's
    name is not the secretary's to learn."""
    ours = invitable.ever_in(branch) & ids
    known = [p.name for p in db.session.scalars(
        sa.select(Person).where(Person.id.in_(ours)).order_by(Person.id))]
    named = "、".join(known[:5]) + ("等" if len(known) > 5 else "")
    if not named or len(known) < len(ids):
        return _("参会人员必须是本支部在册的人员（补录时，可选会议当天在册的人员）。")
    return _("%(names)s 不是本支部在册的人员（补录时，须是会议当天在册的人员）。", names=named)


def _campaign_claim(fields: MeetingFields, types: list[MeetingType],
                    branch: Organization) -> list[tuple[str, str]]:
    """专项行动: a campaign may claim a meeting of a branch in its scope, of its meeting type
    (among others), starting within its window; the refusals, if any."""
    campaign_id = fields.campaign_id
    campaign = db.session.get(Campaign, campaign_id) if 0 < campaign_id < 2**31 else None
    if campaign is None or not branch.is_within(campaign.scope):
        return [("campaign_id", _("所选专项行动不包括本支部。"))]
    errors = []
    if not campaigns.is_of_campaign_type(campaign.meeting_type_id, [t.id for t in types]):
        errors.append(("campaign_id", _("所选专项行动要求召开“%(type)s”，会议类型中须勾选“%(type)s”。",
                                        type=campaign.meeting_type.name)))
    if not campaigns.starts_in_window(campaign.window_start, campaign.deadline, fields.starts_at):
        errors.append(("campaign_id", _("所选专项行动要求在 %(start)s 至 %(deadline)s 期间召开，"
                                        "本次会议的日期不在此期间。",
                                        start=campaign.window_start.isoformat(),
                                        deadline=campaign.deadline.isoformat())))
    return errors


def _observers(actor: Person, fields: MeetingFields, errors: list,
               meeting: Meeting | None) -> dict[int, Person]:
    """列席 guests from elsewhere in the tree: existing people, not transferred out, whom the
    actor may see, named by login or e-mail, or already 列席 of this meeting.

    One message for every refusal, so that trying ids tells nobody which exist or who they are."""
    ids = set(fields.observer_ids) - set(fields.invitee_ids)
    if len(ids) + len(fields.guests) > MAX_OBSERVERS:
        errors.append(("observers", _("列席人员最多 %(n)s 人。", n=MAX_OBSERVERS)))
        return {}
    found = {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))} if ids else {}
    invited = meeting.invitations if meeting else ()
    already = {i.person_id for i in invited if i.role == InvitationRole.OBSERVER}

    def allowed(person: Person) -> bool:
        known = person.id in already or person.id in fields.named_observer_ids
        visible = known or can(actor, Action.VIEW_PERSON, person)
        return visible and person.status != PersonStatus.TRANSFERRED_OUT

    if set(found) != ids or not all(allowed(p) for p in found.values()):
        errors.append(("observers", _("有列席人员无法添加：请按用户名或邮箱填写本系统中的人员。")))
        return {}
    return found


def _apply(meeting: Meeting, fields: MeetingFields, types: list[MeetingType], now: datetime) -> None:
    """Copy the form's values onto the meeting row."""
    meeting.title = clean_name(fields.title)
    meeting.agenda = fields.agenda or ""
    meeting.starts_at, meeting.ends_at = fields.starts_at, fields.ends_at
    meeting.place = (fields.place or "").strip()
    meeting.online_url = (fields.online_url or "").strip() or None
    meeting.host = db.session.get(Person, fields.host_id) if fields.host_id else None
    meeting.recorder = db.session.get(Person, fields.recorder_id) if fields.recorder_id else None
    meeting.campaign_id = fields.campaign_id
    meeting.attributed_year = fields.attributed_year or scheduling.default_attributed_year(fields.starts_at)
    meeting.reminder_minutes = fields.reminder_minutes
    meeting.remind_at = _remind_at(fields, now)
    if [t.id for t in meeting.types] != [t.id for t in types]:
        meeting.types = types
        # The link table alone would leave the row (version, DTSTAMP) untouched, yet CATEGORIES
        # changed; updated_at is the wall clock's, as everywhere (TimestampMixin).
        meeting.updated_at = utcnow()


def _party_group(types: list[MeetingType], fields: MeetingFields, people: dict[int, Person]) -> int | None:
    """A 党小组会 is the meeting of the party group most of its invitees belong to: 党小组会
    are required per group (DESIGN §5), and the invitees already say which group met."""
    if not any(t.code == GROUP_MEETING for t in types):
        return None
    groups = Counter(people[pid].party_group_id for pid in fields.invitee_ids if people[pid].party_group_id)
    return groups.most_common(1)[0][0] if groups else None


def _remind_at(fields: MeetingFields, now: datetime) -> datetime | None:
    """When the reminder goes out; none for a 补录 record or one that would already be late."""
    if fields.late_record or fields.reminder_minutes is None:
        return None
    moment = fields.starts_at - timedelta(minutes=fields.reminder_minutes)
    return moment if moment > now else None


def _sync_invitations(meeting: Meeting, fields: MeetingFields, people: dict[int, Person]):
    """Make the invitation rows match the form; return (added, removed) invitations."""
    wanted = {pid: InvitationRole.ATTENDEE for pid in fields.invitee_ids}
    wanted.update({pid: InvitationRole.OBSERVER for pid in fields.observer_ids if pid not in wanted})
    guests = {email.lower(): name for name, email in fields.guests}
    added, removed = [], []
    for invitation in list(meeting.invitations):
        key_kept = (invitation.person_id in wanted if invitation.person_id
                    else (invitation.guest_email or "").lower() in guests)
        if not key_kept:
            meeting.invitations.remove(invitation)
            removed.append(invitation)
        elif invitation.person_id:
            invitation.role = wanted.pop(invitation.person_id)
        else:
            guests.pop((invitation.guest_email or "").lower())
    for pid, role in wanted.items():
        added.append(_invite_person(people[pid], role))
    for email, name in guests.items():
        added.append(Invitation(guest_name=name, guest_email=email, role=InvitationRole.OBSERVER,
                                optional=True, full_member=False))
    meeting.invitations.extend(added)
    return added, removed


def _invite_person(person: Person, role: InvitationRole) -> Invitation:
    """An invitation with the person's standing frozen as of now (DESIGN §5 "who counts")."""
    optional = role == InvitationRole.OBSERVER or person.status in OPTIONAL_STATUSES
    return Invitation(person=person, person_id=person.id, role=role, optional=optional,
                      full_member=person.category == PersonCategory.FULL)


def _reset_answer(invitation: Invitation) -> None:
    invitation.rsvp, invitation.rsvp_at = Rsvp.PENDING, None
    invitation.leave_reason = invitation.leave_decided_by_id = invitation.leave_decided_at = None


def _upcoming(meeting: Meeting, now: datetime) -> bool:
    return meeting.ends_at > now


def _beijing(value):
    return value.astimezone(scheduling.BEIJING) if isinstance(value, datetime) else value


def _snapshot(meeting: Meeting) -> dict:
    """The meeting's audited fields in JSON form (history shows before/after from these)."""
    # Times in Beijing whichever zone they came in: a form's +08:00 and the database's UTC are
    # the same instant, and comparing their text made every save a change (SEQUENCE +1, mail).
    values = {name: audit.plain(_beijing(getattr(meeting, name))) for name in CALENDAR_FIELDS}
    values["types"] = "、".join(t.name for t in meeting.types)
    values["host"] = meeting.host.name if meeting.host else None
    values["recorder"] = meeting.recorder.name if meeting.recorder else None
    values["invitees"] = len(meeting.invitations)
    values["campaign_id"] = meeting.campaign_id
    return values
