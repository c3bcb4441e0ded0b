"""Recurring meetings (例会): a rule expanded into separate meetings, each with its own UID,
and "change this and following" (修改本次及以后).
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
from meetings.services import audit
from meetings.services.scheduling import MeetingFields, SchedulingError, schedule_meeting, update_meeting


def rule_to_json(rule: recurrence.Rule) -> dict:
    """The rule as recorded on the series row (what the secretary asked for)."""
    data = dataclasses.asdict(rule)
    data["first_date"] = rule.first_date.isoformat()
    data["start_time"] = rule.start_time.strftime("%H:%M")
    data["until"] = rule.until.isoformat() if rule.until else None
    data["skip"] = sorted(d.isoformat() for d in rule.skip)
    return data


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
    series = MeetingSeries(organization_id=branch.id, rule=rule_to_json(rule), created_by_id=actor.id)
    db.session.add(series)
    meetings = []
    for occurrence in occurrences:
        plan = dataclasses.replace(fields, starts_at=occurrence.starts_at, ends_at=occurrence.ends_at,
                                   late_record=False, attributed_year=None)
        meetings.append(schedule_meeting(actor, branch, plan, now, series=series))
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
    the new time of day and length.
    """
    targets = following(meeting)
    shift = scheduling.local_date(fields.starts_at) - scheduling.local_date(meeting.starts_at)
    length = fields.ends_at - fields.starts_at
    start_time = fields.starts_at.astimezone(scheduling.BEIJING).timetz()
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
