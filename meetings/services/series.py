"""Recurring meetings (例会): a rule expanded into separate meetings — each with its own
attendance, minutes and standing — mailed and fed as one recurring event (``series_mail``),
and "change this and following" (修改本次及以后), which splits the series in two.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.domain import recurrence, scheduling
from meetings.domain.terms import MeetingStatus
from meetings.extensions import db
from meetings.models import Meeting, MeetingSeries, Organization, Person
from meetings.services import audit, series_mail
from meetings.services.scheduling import (
    MeetingFields,
    SchedulingError,
    StaleMeeting,
    schedule_meeting,
    update_meeting,
)


def check_rule(rule: recurrence.Rule, now: datetime) -> list[tuple[str, str]]:
    """The rule's problems as (field, translated message) pairs."""
    today = scheduling.local_date(now)
    return [(e.field, _(e.message, **e.params)) for e in recurrence.validate(rule, today)]


def create_series(actor: Person, branch: Organization, fields: MeetingFields, rule: recurrence.Rule,
                  now: datetime) -> list[Meeting]:
    """One meeting per date of ``rule`` (skipped dates left out), all with the same plan."""
    if errors := check_rule(rule, now):
        raise SchedulingError(errors)
    occurrences = recurrence.occurrences(rule)
    if occurrences[0].starts_at <= now:  # dropping it would quietly hold one meeting fewer
        raise SchedulingError([("first_date", _("第一次会议的时间已经过去，请选择以后的日期或时间。"))])
    series = MeetingSeries(organization_id=branch.id, rule=recurrence.rule_to_json(rule),
                           created_by_id=actor.id, recurring_invite=True)
    db.session.add(series)
    meetings = []
    for occurrence in occurrences:
        plan = dataclasses.replace(fields, starts_at=occurrence.starts_at, ends_at=occurrence.ends_at,
                                   late_record=False, attributed_year=None)
        meeting = schedule_meeting(actor, branch, plan, now, series=series)
        meeting.series_slot = occurrence.starts_at
        meetings.append(meeting)
    audit.record(actor, "series.create", series, organization_id=branch.id,
                 after={"rule": recurrence.describe(rule), "meetings": len(meetings)})
    return meetings


def following(meeting: Meeting) -> list[Meeting]:
    """This meeting and the later, still scheduled meetings of its series, in order."""
    if meeting.series_id is None:
        return [meeting]
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.series_id == meeting.series_id,
                                 Meeting.starts_at >= meeting.starts_at,
                                 Meeting.status == MeetingStatus.SCHEDULED)
        .order_by(Meeting.starts_at)))


def update_following(actor: Person, meeting: Meeting, fields: MeetingFields, now: datetime, *,
                     version: int) -> list[Meeting]:
    """Apply the form to this meeting and every later one of the series.

    The later ones keep their own dates, moved by as many days as this one moved, and take
    the new time of day and length. A series sent as one recurring event is split as RFC 5545
    says: the earlier meetings keep the UID (their RRULE now ends before this one), these
    become a new series with a UID of its own.
    """
    if version != meeting.version:
        raise StaleMeeting()
    targets = following(meeting)
    shift = scheduling.local_date(fields.starts_at) - scheduling.local_date(meeting.starts_at)
    length = fields.ends_at - fields.starts_at
    start_time = fields.starts_at.astimezone(scheduling.BEIJING).timetz()
    if series_mail.is_recurring(meeting) and meeting.series_slot is not None:
        _restart(actor, meeting, targets, shift, start_time, length, now)
        db.session.flush()  # update_meeting reloads each meeting under its lock
        version = meeting.version  # checked above; the restart itself moved it
    changed = [update_meeting(actor, meeting, fields, now, version=version)]
    for later in targets:
        if later.id == meeting.id:
            continue
        day = scheduling.local_date(later.starts_at) + shift
        starts = datetime.combine(day, start_time.replace(tzinfo=None), tzinfo=scheduling.BEIJING)
        plan = dataclasses.replace(fields, starts_at=starts, ends_at=starts + length,
                                   attributed_year=None)
        changed.append(update_meeting(actor, later, plan, now, version=later.version))
    return changed


def _restart(actor: Person, meeting: Meeting, targets: list[Meeting], shift, start_time, length,
             now: datetime) -> None:
    """Give ``targets`` (this meeting and the later ones) a rule of their own, on a new series
    when earlier meetings stay behind on the old one.

    Moved by whole days, they keep their slots (RECURRENCE-IDs) and each goes out as an override;
    at a new time of day on the same dates, the new rule says the new time and no override is needed.
    """
    old = meeting.series
    rule = series_mail.rule_of(old)
    slot_day = scheduling.local_date(meeting.series_slot)
    last_day = max(scheduling.local_date(m.series_slot or m.starts_at) for m in targets)
    new_rule = dataclasses.replace(rule, first_date=slot_day, count=None, until=last_day)
    if not shift.days:
        new_rule = dataclasses.replace(new_rule, start_time=start_time.replace(tzinfo=None),
                                       duration_minutes=int(length.total_seconds() // 60))
    target_ids = {m.id for m in targets}
    earlier = [m for m in db.session.scalars(sa.select(Meeting).where(Meeting.series_id == old.id))
               if m.id not in target_ids and m.series_slot is not None
               and m.series_slot < meeting.series_slot]
    if any(m.status != MeetingStatus.CANCELLED for m in earlier):
        home = MeetingSeries(organization_id=old.organization_id, rule=recurrence.rule_to_json(new_rule),
                             created_by_id=actor.id, recurring_invite=True)
        db.session.add(home)
        db.session.flush()
        audit.record(actor, "series.split", home, organization_id=old.organization_id,
                     after={"from_series": old.id, "rule": recurrence.describe(new_rule),
                            "meetings": len(targets)})
        for target in targets:  # their invitees' view of the old series changes too: it ends earlier
            series_mail.mark(target, target.invitations, now, series_id=old.id)
            target.series = home
            for invitation in target.invitations:
                invitation.sequence_sent = None  # a new UID: the next message is an invite
    else:
        old.rule = recurrence.rule_to_json(new_rule)
    if not shift.days:
        for target in targets:
            slot_local = target.series_slot.astimezone(scheduling.BEIJING)
            target.series_slot = datetime.combine(slot_local.date(), new_rule.start_time,
                                                  tzinfo=scheduling.BEIJING)
