"""Between the schedule form and the services: choices, defaults, and the form read as a plan."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from meetings.domain import recurrence, scheduling
from meetings.domain.terms import InvitationRole, InviteeScope, PersonStatus
from meetings.models import Meeting, MeetingType, Organization, Person
from meetings.services import invitable, meeting_types, orgs, roster
from meetings.services.scheduling import MeetingFields, branch_people
from meetings.web.labels import label, options

ORDINAL_NAMES = {1: _l("第一个"), 2: _l("第二个"), 3: _l("第三个"), 4: _l("第四个"),
                 recurrence.LAST: _l("最后一个")}


@dataclass
class BranchChoices:
    """What the form offers for one branch: types, people, committee and groups for quick picks."""

    types: list[MeetingType]
    people: list[Person]
    committee_ids: list[int]
    groups: list[tuple[Organization, list[int]]]
    # No longer in the branch but invitable to a past meeting (a 补录, or one already held)
    # of when they were: listed apart, never picked by default.
    former: list[Person] = field(default_factory=list)
    # Editing a meeting already held, 全支部 is the branch of its day: who has left since too.
    whole_branch: list[int] = field(default_factory=list)


def branch_choices(branch: Organization, now: datetime, meeting: Meeting | None = None) -> BranchChoices:
    people = branch_people(branch)
    groups = [(g, [p.id for p in people if p.party_group_id == g.id]) for g in orgs.party_groups(branch)]
    on_roster = {p.id for p in people}
    if meeting is None:  # a new meeting: whoever left this year, should it be a 补录
        former, whole_branch = invitable.former(branch, now), sorted(on_roster)
    else:  # an edit: who may be invited to it (for one already held, the branch of its day)
        invitees = invitable.people(branch, meeting.starts_at, now, meeting)
        former = sorted((p for i, p in invitees.items() if i not in on_roster), key=lambda p: p.id)
        whole_branch = sorted(invitees)
    return BranchChoices(types=meeting_types.all_types(active_only=True), people=people,
                         committee_ids=[s.person_id for s in roster.committee(branch)], groups=groups,
                         former=former, whole_branch=whole_branch)


def fill_choices(form, choices: BranchChoices) -> None:
    """Options of the select and checkbox fields (names are shown, ids are posted)."""
    form.type_ids.choices = options((t.id, t.name) for t in choices.types)
    gone = [(p.id, _("%(name)s（已不在本支部）", name=p.name)) for p in choices.former]
    form.invitees.choices = options([(p.id, _person_label(p)) for p in choices.people] + gone)
    people = options([("", _("（未指定）"))] + [(str(p.id), p.name) for p in choices.people]
                     + [(str(i), name) for i, name in gone])
    form.host_id.choices = people
    form.recorder_id.choices = list(people)


def _person_label(person: Person) -> str:
    if person.status in (PersonStatus.AWAY, PersonStatus.EXEMPT):
        return f"{person.name}（{label(person.status)}）"
    return person.name


def default_invitees(choices: BranchChoices, meeting_type: MeetingType | None) -> list[int]:
    """Who the type invites by default: the whole branch, its committee, or its first party group."""
    scope = meeting_type.default_invitees if meeting_type else InviteeScope.BRANCH
    if scope == InviteeScope.COMMITTEE:
        return list(choices.committee_ids)
    if scope == InviteeScope.PARTY_GROUP and choices.groups:
        return list(choices.groups[0][1])
    return [p.id for p in choices.people]


def prefill(form, branch: Organization, choices: BranchChoices, type_code: str | None, now: datetime, *,
            group_id: int | None = None, by: date | None = None) -> None:
    """A fresh form: the chosen type (or 主题党日), its invitees and duration, next week at 15:00.

    From a 考核待办 item: ``group_id`` invites that party group, and ``by`` (the period's
    last day) pulls the date forward so the meeting still counts for the period.
    """
    chosen = next((t for t in choices.types if t.code == type_code), None) or next(
        (t for t in choices.types if t.code == "theme_day"), choices.types[0] if choices.types else None)
    today = scheduling.local_date(now)
    day = today + timedelta(days=7)
    if by is not None and today <= by < day:
        day = by
    start = datetime.combine(day, time(15, 0))
    form.type_ids.data = [chosen.id] if chosen else []
    group = next((ids for g, ids in choices.groups if g.id == group_id), None)
    form.invitees.data = list(group) if group is not None else default_invitees(choices, chosen)
    form.date.data, form.start_time.data = start.date(), start.time()
    minutes = chosen.default_duration_minutes if chosen else 90
    form.end_time.data = (start + timedelta(minutes=minutes)).time()
    form.title.data = chosen.name if chosen else ""
    secretary = roster.committee(branch)
    if secretary and secretary[0].person_id in form.invitees.data:
        form.host_id.data = secretary[0].person_id


def fill_from_meeting(form, meeting: Meeting) -> None:
    """An edit form showing the meeting as it is."""
    starts = meeting.starts_at.astimezone(scheduling.BEIJING)
    ends = meeting.ends_at.astimezone(scheduling.BEIJING)
    form.type_ids.data = [t.id for t in meeting.types]
    form.campaign_id.data = meeting.campaign_id
    form.title.data, form.agenda.data = meeting.title, meeting.agenda
    form.date.data, form.start_time.data, form.end_time.data = starts.date(), starts.time(), ends.time()
    form.place.data, form.online_url.data = meeting.place, meeting.online_url or ""
    form.host_id.data, form.recorder_id.data = meeting.host_id, meeting.recorder_id
    attendees = [i for i in meeting.invitations if i.person_id and i.role == InvitationRole.ATTENDEE]
    form.invitees.data = [i.person_id for i in attendees]
    observers = [i for i in meeting.invitations if i.role == InvitationRole.OBSERVER]
    form.guests.data = "\n".join(_guest_line(i) for i in observers)
    form.previous_year.data = meeting.attributed_year < starts.year
    form.reminder.data = str(meeting.reminder_minutes) if meeting.reminder_minutes else ""
    form.version.data = str(meeting.version)


def _guest_line(invitation) -> str:
    if invitation.person is not None:
        person = invitation.person
        return f"{person.name} <{person.email}>" if person.email else (person.login or person.name)
    return f"{invitation.guest_name} <{invitation.guest_email}>"


def read_times(form) -> tuple[datetime, datetime]:
    """Start and end as aware UTC datetimes from the Beijing date and times typed."""
    starts = datetime.combine(form.date.data, form.start_time.data, tzinfo=scheduling.BEIJING)
    ends = datetime.combine(form.date.data, form.end_time.data, tzinfo=scheduling.BEIJING)
    return starts, ends


def read_fields(form, observers: list[int], outside: list[tuple[str, str]]) -> MeetingFields:
    """The form as the services' plan (times checked by the service, not here)."""
    starts, ends = read_times(form)
    year = scheduling.default_attributed_year(starts) - (1 if form.previous_year.data else 0)
    return MeetingFields(
        title=form.title.data or "", starts_at=starts, ends_at=ends, type_ids=list(form.type_ids.data or []),
        invitee_ids=list(form.invitees.data or []), agenda=form.agenda.data or "",
        place=form.place.data or "",
        online_url=form.online_url.data or None, host_id=form.host_id.data, recorder_id=form.recorder_id.data,
        observer_ids=observers, named_observer_ids=frozenset(observers),
        guests=outside, late_record=bool(form.late_record.data),
        attributed_year=year, reminder_minutes=optional_minutes(form.reminder.data),
        campaign_id=form.campaign_id.data)


def optional_minutes(value: str | None) -> int | None:
    return int(value) if value else None


def repeat_choices(day: date | None) -> list:
    """The ways a meeting on ``day`` can repeat, named after that day ("每月第一个星期五")."""
    items = [("", _("不重复"))]
    if day is None:
        return options(items)
    weekday = format_date(day, "EEEE")
    ordinal = _ordinal_of(day)
    items += [("weekly", _("每周%(weekday)s", weekday=weekday)),
              ("monthly_by_weekday", _("每月%(ordinal)s%(weekday)s", ordinal=ORDINAL_NAMES[ordinal],
                                       weekday=weekday)),
              ("monthly_by_day", _("每月 %(day)s 日", day=day.day))]
    return options(items)


def _ordinal_of(day: date) -> int:
    """Which such weekday of its month the day is; the fifth is called "the last"."""
    ordinal = (day.day - 1) // 7 + 1
    return recurrence.LAST if ordinal > 4 else ordinal


def read_rule(form, skip: frozenset[date] = frozenset()) -> recurrence.Rule:
    """The repeat fields as a rule starting on the form's date."""
    day, starts = form.date.data, form.start_time.data
    starts_at, ends_at = read_times(form)
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    return recurrence.Rule(
        frequency=form.repeat.data, first_date=day, start_time=starts, duration_minutes=minutes,
        weekday=day.weekday(), ordinal=_ordinal_of(day), day=day.day,
        count=form.count.data, until=form.until.data, skip=skip)
