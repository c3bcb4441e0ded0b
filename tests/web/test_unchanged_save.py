"""Saving the edit form as it was shown changes nothing: no history entry, no mail, the same
SEQUENCE (outside review: the form's +08:00 times and the database's UTC ones compared as text,
so every save was a change, mailed everyone and made their pending calendar answers stale)."""
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from meetings.domain.recurrence import Frequency, Rule
from meetings.domain.scheduling import BEIJING, local_date
from meetings.extensions import db
from meetings.models import AuditEvent, Meeting, MeetingSeries, OutboxMessage
from meetings.services import series
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import make_fields, make_meeting
from tests.web.test_meeting_pages import form_data
from tests.web.test_meeting_pages import types as types  # noqa: F401 - the autouse fixture


def as_shown(world, meeting: Meeting, **extra) -> dict:
    local = meeting.starts_at.astimezone(BEIJING)
    return form_data(world, version=str(meeting.version), title=meeting.title, agenda=meeting.agenda,
                     date=local.date().isoformat(), start_time=local.strftime("%H:%M"),
                     end_time=meeting.ends_at.astimezone(BEIJING).strftime("%H:%M"), **extra)


def nothing_happened(meeting_id: int, sequence: int, mails: int) -> None:
    db.session.expire_all()
    assert db.session.get(Meeting, meeting_id).ical_sequence == sequence
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == mails
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "meeting.update")) == 0


def test_saving_a_meeting_unchanged_changes_nothing(client, auth, world, clock):
    clock.pin(TEST_NOW)
    # 15:00 on a day ahead: the form has one date, so a meeting must not run past midnight
    # (CI runs this with TEST_NOW at 23:59:30).
    day = local_date(TEST_NOW) + timedelta(days=5)
    meeting = make_meeting(world, now=TEST_NOW, starts_at=datetime.combine(day, time(15), tzinfo=BEIJING))
    db.session.commit()
    mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    auth.login("secretary")
    assert client.post(f"/meetings/{meeting.id}/edit", data=as_shown(world, meeting)).status_code == 302
    nothing_happened(meeting.id, 0, mails)


def test_saving_a_series_date_unchanged_changes_nothing(client, auth, world, clock):
    clock.pin(TEST_NOW)
    rule = Rule(frequency=Frequency.MONTHLY_BY_WEEKDAY, first_date=local_date(TEST_NOW) + timedelta(days=1),
                start_time=time(15), duration_minutes=120, weekday=4, ordinal=1, count=3)
    meetings = series.create_series(world["secretary"], world.a1, make_fields(world, title="主题党日"), rule,
                                    TEST_NOW)
    db.session.commit()
    mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    auth.login("secretary")
    second = meetings[1]
    response = client.post(f"/meetings/{second.id}/edit", data=as_shown(world, second, scope="one"))
    assert response.status_code == 302
    nothing_happened(second.id, 0, mails)
    assert db.session.get(MeetingSeries, second.series_id).ical_sequence == 0
