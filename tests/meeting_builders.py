"""Builders for meetings: the default types, a plan for branch a1 of the test world, a meeting."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import MeetingType, Person
from meetings.services import meeting_types, scheduling
from tests.fixed_time import pinned_now

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # 2026-06-01 10:00 Beijing, a Monday


def type_id(code: str) -> int:
    """The id of a seeded meeting type (installing the defaults if needed)."""
    found = db.session.scalar(sa.select(MeetingType.id).where(MeetingType.code == code))
    if found is None:
        meeting_types.install_defaults()
        found = db.session.scalar(sa.select(MeetingType.id).where(MeetingType.code == code))
    return found


def branch_member_ids(branch) -> list[int]:
    return [p.id for p in scheduling.branch_people(branch)]


def make_fields(world, *, code: str = "theme_day", starts_at: datetime | None = None,
                minutes: int = 120, **overrides) -> scheduling.MeetingFields:
    """A valid plan for branch a1: the whole branch invited, the secretary hosting."""
    starts_at = starts_at or NOW + timedelta(days=3)
    values = dict(title="学习贯彻主题党日", starts_at=starts_at,
                  ends_at=starts_at + timedelta(minutes=minutes),
                  type_ids=[type_id(code)], invitee_ids=branch_member_ids(world.a1), place="三楼会议室",
                  agenda="1. 学习\n2. 讨论", host_id=world["secretary"].id, recorder_id=world["recorder"].id)
    values.update(overrides)
    return scheduling.MeetingFields(**values)


def make_meeting(world, *, actor: Person | None = None, now: datetime = NOW, **overrides):
    """A meeting of branch a1 scheduled by its secretary (flushed, mail queued)."""
    fields = make_fields(world, **overrides)
    return scheduling.schedule_meeting(actor or world["secretary"], world.a1, fields, now)


def make_started_meeting(world, *, started: timedelta = timedelta(hours=1), **overrides):
    """A meeting of a1 that began ``started`` ago by the wall clock (scheduled a day before),
    for pages, which run on the real time."""

    now = pinned_now()
    return make_meeting(world, now=now - started - timedelta(days=1), starts_at=now - started, **overrides)


def held_meeting_with_final_minutes(world, text: str = "## 学习内容\n\n学习了党章。\n"):
    """A meeting of a1 held an hour ago: everyone present, minutes written and finalized."""
    from meetings.services import attendance, minutes

    meeting = make_started_meeting(world)
    now = meeting.starts_at + timedelta(minutes=30)
    attendance.record_attendance(world["secretary"], meeting, [], now, all_present=True)
    minutes.save_draft(world["recorder"], meeting, text, 0, now)
    minutes.finalize(world["secretary"], meeting, now)
    return meeting
