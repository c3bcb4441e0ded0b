"""Recurring meetings (例会) through the services: one meeting per date, and "change this and
following" (修改本次及以后). What goes on the wire: tests/web/test_series_invite.py.
"""
import email
import email.policy
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.recurrence import Frequency, Rule
from meetings.domain.scheduling import BEIJING, local_date
from meetings.domain.terms import MeetingStatus
from meetings.extensions import db
from meetings.models import AuditEvent, Meeting, MeetingSeries, OutboxMessage
from meetings.services import scheduling, series
from meetings.services.scheduling import SchedulingError
from tests.meeting_builders import NOW, make_fields

FRIDAY = 4
FIRST_FRIDAYS = [date(2026, 6, 5), date(2026, 7, 3), date(2026, 8, 7), date(2026, 9, 4),
                 date(2026, 10, 2), date(2026, 11, 6)]


def first_friday_rule(**changes) -> Rule:
    """每月第一个星期五 15:00 主题党日, two hours, six times, from ``NOW``'s date."""
    rule = Rule(frequency=Frequency.MONTHLY_BY_WEEKDAY, first_date=local_date(NOW), start_time=time(15),
                duration_minutes=120, weekday=FRIDAY, ordinal=1, count=6)
    return replace(rule, **changes)


def theme_day(world, **overrides):
    return make_fields(world, **{"title": "主题党日", **overrides})


def create(world, rule=None, **overrides) -> list[Meeting]:
    meetings = series.create_series(world["secretary"], world.a1, theme_day(world, **overrides),
                                    rule or first_friday_rule(), NOW)
    db.session.commit()
    return meetings


def beijing(meeting: Meeting) -> datetime:
    return meeting.starts_at.astimezone(BEIJING)


def calendar_of(raw: bytes) -> bytes:
    """The text/calendar part of a queued message."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_payload(decode=True)


def test_first_friday_at_three_for_six_months(world):
    meetings = create(world)
    assert [local_date(m.starts_at) for m in meetings] == FIRST_FRIDAYS
    for meeting in meetings:
        local = beijing(meeting)
        assert (local.weekday(), local.day <= 7, local.time()) == (FRIDAY, True, time(15))
        assert meeting.ends_at - meeting.starts_at == timedelta(hours=2)
        assert (meeting.title, meeting.status) == ("主题党日", MeetingStatus.SCHEDULED)
        assert meeting.ical_sequence == 0
        assert len(meeting.invitations) == 3
    assert len({m.id for m in meetings}) == 6
    (only,) = db.session.scalars(sa.select(MeetingSeries)).all()
    assert {m.series_id for m in meetings} == {only.id}
    assert only.rule["count"] == 6 and only.rule["start_time"] == "15:00"
    (event,) = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "series.create")).all()
    assert event.after == {"rule": "每月第一个星期五 15:00，共 6 次", "meetings": 6}


def test_a_skipped_date_is_left_out_and_does_not_use_up_the_count(world):
    national_day_week = date(2026, 10, 2)
    meetings = create(world, first_friday_rule(skip={national_day_week}))
    assert [local_date(m.starts_at) for m in meetings] == [
        *FIRST_FRIDAYS[:4], date(2026, 11, 6), date(2026, 12, 4)]
    assert national_day_week not in {local_date(m.starts_at) for m in meetings}


def test_change_this_and_following_from_the_third(world):
    meetings = create(world)
    third = meetings[2]
    moved = datetime.combine(local_date(third.starts_at), time(14, 30), tzinfo=BEIJING)
    fields = theme_day(world, title="主题党日：学习党章", place="五楼会议室", starts_at=moved, minutes=90)
    changed = series.update_following(world["secretary"], third, fields, NOW, version=third.version)
    db.session.commit()
    assert [m.id for m in changed] == [m.id for m in meetings[2:]]
    for meeting, day in zip(meetings[:2], FIRST_FRIDAYS[:2], strict=True):
        assert (meeting.title, meeting.place, meeting.ical_sequence) == ("主题党日", "三楼会议室", 0)
        assert (local_date(meeting.starts_at), beijing(meeting).time()) == (day, time(15))
    for meeting, day in zip(meetings[2:], FIRST_FRIDAYS[2:], strict=True):
        assert (meeting.title, meeting.place) == ("主题党日：学习党章", "五楼会议室")
        assert meeting.ical_sequence == 1
        assert (local_date(meeting.starts_at), beijing(meeting).time()) == (day, time(14, 30))
        assert meeting.ends_at - meeting.starts_at == timedelta(minutes=90)
    # Each invitee: the old series again (it now ends with the second), the new one as an invite.
    old, new = meetings[0].series_id, meetings[2].series_id
    sent = db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.series_id)).all()
    assert sorted(sent) == sorted([("invite", old)] * 3 + [("update", old)] * 3 + [("invite", new)] * 3)


def test_moving_one_day_later_moves_the_following_by_one_day(world):
    meetings = create(world)
    third = meetings[2]
    fields = theme_day(world, starts_at=third.starts_at + timedelta(days=1))
    series.update_following(world["secretary"], third, fields, NOW, version=third.version)
    db.session.commit()
    assert [local_date(m.starts_at) for m in meetings] == [
        *FIRST_FRIDAYS[:2], *(day + timedelta(days=1) for day in FIRST_FRIDAYS[2:])]


def test_cancelling_one_occurrence_leaves_the_others(world):
    meetings = create(world)
    scheduling.cancel_meeting(world["secretary"], meetings[1], "与七一表彰大会冲突", NOW)
    db.session.commit()
    assert [m.status for m in meetings] == [MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED,
                                            *[MeetingStatus.SCHEDULED] * 4]
    assert [m.ical_sequence for m in meetings] == [0, 1, 0, 0, 0, 0]
    # The whole series again, with that date excluded (tests/web/test_series_invite.py reads it).
    sent = db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.series_id)).all()
    assert sorted(sent) == [("invite", meetings[0].series_id)] * 3 + [("update", meetings[0].series_id)] * 3


def test_change_this_and_following_passes_over_a_cancelled_occurrence(world):
    meetings = create(world)
    scheduling.cancel_meeting(world["secretary"], meetings[3], "国庆假期", NOW)
    fields = theme_day(world, title="主题党日（新）", starts_at=meetings[2].starts_at)
    changed = series.update_following(world["secretary"], meetings[2], fields, NOW,
                                      version=meetings[2].version)
    db.session.commit()
    assert [m.id for m in changed] == [meetings[i].id for i in (2, 4, 5)]
    assert meetings[3].title == "主题党日" and meetings[3].status == MeetingStatus.CANCELLED


@pytest.mark.parametrize(("changes", "field"), [
    ({"ordinal": 5}, "ordinal"),
    ({"weekday": 7}, "weekday"),
    ({"count": 0}, "count"),
    ({"count": None}, "count"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"frequency": "daily"}, "frequency"),
    ({"first_date": local_date(NOW) - timedelta(days=1)}, "first_date"),
    ({"count": None, "until": local_date(NOW) + timedelta(days=3)}, "until"),  # no first Friday by then
])
def test_an_invalid_rule_is_refused_with_its_field(world, changes, field):
    with pytest.raises(SchedulingError) as error:
        create(world, first_friday_rule(**changes))
    assert field in [name for name, _ in error.value.errors]
    assert all(message for _, message in error.value.errors)
    db.session.rollback()
    assert db.session.scalars(sa.select(MeetingSeries)).all() == []
    assert db.session.scalars(sa.select(Meeting)).all() == []


def test_an_invalid_plan_refuses_the_whole_series(world):
    with pytest.raises(SchedulingError) as error:
        create(world, title="")
    assert error.value.errors[0][0] == "title"
    db.session.rollback()
    assert db.session.scalars(sa.select(Meeting)).all() == []
