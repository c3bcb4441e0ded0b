"""Quirks of real calendar clients (issue 15 #3, CALENDAR.md "Quirks seen with real clients"):
no calendar-level UID in feeds, a download that is one event, U+2028/U+2029 normalised on the way
in, and renames that calendars see (LAST-MODIFIED and SEQUENCE move)."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.meeting_types import TypeSettings
from meetings.extensions import db
from meetings.models import Meeting
from meetings.services import calendar, meeting_types, orgs
from tests.api_client import bearer, send
from tests.ical_checks import problems
from tests.meeting_builders import NOW, make_meeting
from tests.web.test_api_meeting_writes import API, plan
from tests.web.test_calendar_feeds import events, feed_url, uid
from tests.web.test_meeting_pages import form_data

LINE, PARAGRAPH = "\u2028", "\u2029"


@pytest.fixture(autouse=True)
def at_now(clock, world):
    """The site's clock at ``NOW`` (the meeting builders' instant), and the default types."""
    clock.pin(NOW)
    meeting_types.install_defaults()
    db.session.commit()


@pytest.fixture
def token(world):
    issued = calendar.issue_feed_token(world["member"], NOW)
    db.session.commit()
    return issued


@pytest.fixture
def meeting(world):
    scheduled = make_meeting(world)
    db.session.commit()
    return scheduled


def feed_event(client, token, meeting_id):
    body = client.get(feed_url(token)).data
    assert problems(body, method="PUBLISH") == []
    return events(body)[uid(meeting_id)]


def test_the_feed_carries_no_calendar_uid(client, world, token, meeting):
    make_meeting(world, starts_at=NOW + timedelta(days=9), title="第二次主题党日")
    db.session.commit()
    body = client.get(feed_url(token)).data
    head = body.split(b"BEGIN:VEVENT")[0]
    assert b"\r\nUID:" not in head
    assert len(events(body)) == 2  # what vdirsyncer would keep apart


def test_a_meeting_download_is_one_event_not_a_calendar(client, auth, meeting):
    auth.login("member")
    data = client.get(f"/meetings/{meeting.id}.ics").data
    assert problems(data, method="PUBLISH") == []
    assert data.count(b"BEGIN:VEVENT") == 1
    assert b"X-WR-CALNAME" not in data and b"REFRESH-INTERVAL" not in data


def test_line_separators_typed_in_the_form_are_stored_as_spaces_and_newlines(client, auth, world):
    auth.login("secretary")
    data = form_data(world, place=f"三楼{LINE}DTSTART:20300101T000000Z", agenda=f"1. 学习{PARAGRAPH}2. 讨论",
                     title=f"主题{LINE}党日")
    assert client.post(f"/branches/{world.a1.id}/meetings/new", data=data).status_code == 302
    stored = db.session.scalar(sa.select(Meeting))
    assert (stored.title, stored.place, stored.agenda) == (
        "主题 党日", "三楼 DTSTART:20300101T000000Z", "1. 学习\n2. 讨论")


def test_line_separators_sent_through_the_api_are_normalised_too(client, world):
    headers = bearer(world["secretary"], read_only=False)
    body = plan(world, place=f"三楼{PARAGRAPH}会议室", agenda=f"学习{LINE}讨论")
    created = send(client, "POST", f"{API}/meetings", headers, body, 201).get_json()
    stored = db.session.get(Meeting, created["id"])
    assert (stored.place, stored.agenda) == ("三楼 会议室", "学习\n讨论")


def test_renaming_a_type_moves_last_modified_and_sequence_of_meetings_ahead(client, world, token, meeting):
    before = feed_event(client, token, meeting.id)
    theme_day = next(t for t in meeting_types.all_types() if t.code == "theme_day")
    settings = {k: getattr(theme_day, k) for k in TypeSettings.__dataclass_fields__}
    renamed = TypeSettings(**{**settings, "name": "主题党日活动"})
    meeting_types.update_type(world["admin"], theme_day, renamed, NOW + timedelta(hours=2))
    db.session.commit()
    after = feed_event(client, token, meeting.id)
    assert "主题党日活动" in str(after.categories.value)
    assert after.last_modified.value > before.last_modified.value
    assert int(after.sequence.value) == int(before.sequence.value) + 1


def test_a_meeting_already_over_keeps_its_sequence_but_shows_the_change(client, world, token):
    past = make_meeting(world, now=NOW - timedelta(days=10), starts_at=NOW - timedelta(days=5))
    db.session.commit()
    before = feed_event(client, token, past.id)
    orgs.rename(world["admin"], world.a1, "综合办公室党支部", NOW + timedelta(hours=1))
    db.session.commit()
    after = feed_event(client, token, past.id)
    assert after.organizer.params["CN"] == ["综合办公室党支部"]
    assert after.last_modified.value > before.last_modified.value
    assert after.sequence.value == before.sequence.value


def test_an_edit_form_opened_before_a_rename_is_stale(world, meeting):
    version = meeting.version
    orgs.rename(world["admin"], world.a1, "综合办公室党支部", NOW)
    db.session.commit()
    assert db.session.get(Meeting, meeting.id).version == version + 1
