"""Calendar feeds over HTTP (CALENDAR.md "Feeds" and "What tests should check", DESIGN §6).

The ``clock`` fixture pins the site's clock at ``NOW`` and moves it, so a meeting can be in the
future, then in the past, without waiting.
"""
import hashlib
import re
import zlib
from datetime import UTC, timedelta

import icalendar
import pytest
import recurring_ical_events
import sqlalchemy as sa
import vobject
from werkzeug.http import http_date, parse_date

from meetings.domain import ical
from meetings.extensions import db
from meetings.models import CalendarSnapshot, Meeting
from meetings.policy import can_subscribe_branch
from meetings.services import calendar, orgs, scheduling
from tests.fixed_time import pinned_now
from tests.ical_checks import problems
from tests.ical_js import read_with_ical_js
from tests.meeting_builders import NOW, make_fields, make_meeting

BASE_URL = "https://orglife.example.org"


class Clock:
    """The site's clock as these tests move it: ``clock.now = …`` pins it there."""

    def __init__(self, site):
        self.site = site

    @property
    def now(self):
        return pinned_now()

    @now.setter
    def now(self, instant):
        self.site.pin(instant)


@pytest.fixture
def clock(clock, app, monkeypatch):
    """The suite's pinned clock (conftest), moved to ``NOW`` for these tests."""
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    clock.pin(NOW)
    return Clock(clock)


@pytest.fixture
def token(world, clock):
    """The member's feed token (branch a1, invited to a1's meetings)."""
    issued = calendar.issue_feed_token(world["member"], NOW)
    db.session.commit()
    return issued


@pytest.fixture
def meeting(world, clock):
    """A 主题党日 of branch a1 three days after NOW, the whole branch invited."""
    scheduled = make_meeting(world)
    db.session.commit()
    return scheduled


def feed_url(token: str) -> str:
    return f"/calendar/{token}.ics"


def events(body: bytes) -> dict[str, vobject.base.Component]:
    """The feed's VEVENTs by UID, read with vobject (an independent parser)."""
    parsed = vobject.readOne(body.decode("utf-8"))
    return {e.uid.value: e for e in getattr(parsed, "vevent_list", [])}


def uid(meeting_id: int) -> str:
    return ical.meeting_uid(meeting_id, "orglife.local")


def assert_matches_database(body: bytes) -> None:
    """Every event's start, in UTC, is the meeting's ``starts_at`` as stored."""
    db.session.expire_all()
    for event_uid, event in events(body).items():
        meeting_id = int(re.match(r"meeting-(\d+)@", event_uid).group(1))
        stored = db.session.get(Meeting, meeting_id)
        assert event.dtstart.value.astimezone(UTC) == stored.starts_at
        assert event.dtend.value.astimezone(UTC) == stored.ends_at


def reschedule(world, meeting, **changes):
    fields = make_fields(world, starts_at=changes.pop("starts_at", meeting.starts_at), **changes)
    scheduling.update_meeting(world["secretary"], meeting, fields, NOW, version=meeting.version)
    db.session.commit()


def cancel(world, meeting):
    scheduling.cancel_meeting(world["secretary"], meeting, "与上级会议冲突", NOW)
    db.session.commit()


def statements_during(request):
    """Run ``request()`` and return (its response, the SQL statements it issued)."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = request()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return response, seen


# --- the feed itself ---------------------------------------------------------------------

def test_personal_feed_is_a_published_text_calendar(client, token, meeting):
    response = client.get(feed_url(token))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    assert response.headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    body = response.data
    assert problems(body, method="PUBLISH") == []
    assert b"\r\nMETHOD:PUBLISH\r\n" in body and b"METHOD:REQUEST" not in body
    assert b"X-WR-CALNAME:" in body and b"REFRESH-INTERVAL;VALUE=DURATION:" in body
    assert b"ATTENDEE" not in body  # a feed never lists who else is invited
    assert list(events(body)) == [uid(meeting.id)]


def test_feed_times_are_the_database_times(client, world, token, meeting):
    make_meeting(world, starts_at=NOW + timedelta(days=40, hours=5), title="七月支部党员大会",
                 code="branch_assembly")
    db.session.commit()
    body = client.get(feed_url(token)).data
    assert len(events(body)) == 2
    assert_matches_database(body)


def test_ical_js_and_recurring_ical_events_read_the_database_times(client, world, token, meeting, tmp_path):
    cancel(world, make_meeting(world, starts_at=NOW + timedelta(days=9), title="已取消的会议"))
    db.session.commit()
    body = client.get(feed_url(token)).data
    stored = {uid(m.id): m for m in db.session.scalars(sa.select(Meeting))}
    read_by_ical_js = ical_js_events(body, tmp_path)  # Mozilla's parser, as Thunderbird reads it
    assert {item["uid"] for item in read_by_ical_js} == set(stored)
    for item in read_by_ical_js:
        assert item["start"] == stored[item["uid"]].starts_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert item["zone"] == "Asia/Shanghai"
    parsed = icalendar.Calendar.from_ical(body)
    expanded = recurring_ical_events.of(parsed).between(NOW, NOW + timedelta(days=30))
    assert sorted(e.start.astimezone(UTC) for e in expanded) == sorted(m.starts_at for m in stored.values())


def ical_js_events(body: bytes, folder) -> list[dict]:
    """The events as ical.js reads them."""
    parsed = read_with_ical_js({"feed": body}, folder)["feed"]
    assert parsed["method"] == "PUBLISH"
    return parsed["events"]


def test_event_links_back_to_the_meeting_page(client, token, meeting):
    (event,) = events(client.get(feed_url(token)).data).values()
    assert event.url.value == f"{BASE_URL}/meetings/{meeting.id}"
    assert event.description.value.endswith(f"{BASE_URL}/meetings/{meeting.id}")


def test_etag_is_strong_and_the_hash_of_the_bytes(client, token, meeting):
    response = client.get(feed_url(token))
    etag = response.headers["ETag"]
    assert not etag.startswith("W/")
    assert etag == '"' + hashlib.sha256(response.data).hexdigest()[:40] + '"'


def test_unchanged_feed_is_byte_identical(client, world, token, meeting):
    first = client.get(feed_url(token))
    schedule_in_a2(world)
    db.session.commit()
    second = client.get(feed_url(token))
    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Last-Modified"] == first.headers["Last-Modified"]


def schedule_in_a2(world) -> Meeting:
    """A meeting of the other branch, which the member is not invited to."""
    people = [world["other_secretary"].id]
    fields = make_fields(world, invitee_ids=people, host_id=people[0], recorder_id=None)
    return scheduling.schedule_meeting(world["other_secretary"], world.a2, fields, NOW)


def test_rescheduled_meeting_changes_the_bytes_and_moves_last_modified(client, world, clock, token, meeting):
    before = client.get(feed_url(token))
    clock.now = NOW + timedelta(minutes=5)
    reschedule(world, meeting, starts_at=meeting.starts_at + timedelta(hours=2))
    after = client.get(feed_url(token))
    assert after.data != before.data
    assert after.headers["ETag"] != before.headers["ETag"]
    assert parse_date(after.headers["Last-Modified"]) > parse_date(before.headers["Last-Modified"])
    (event,) = events(after.data).values()
    assert int(event.sequence.value) == 1
    assert_matches_database(after.data)


def test_changing_only_the_meeting_type_refreshes_the_feed(client, world, clock, token, meeting):
    before = client.get(feed_url(token)).data
    clock.now = NOW + timedelta(minutes=1)  # the edit is later than the scheduling
    reschedule(world, meeting, code="party_lecture")
    after = client.get(feed_url(token)).data
    assert after != before
    assert "党课" in str(events(after)[uid(meeting.id)].categories.value)


def test_renaming_the_branch_refreshes_the_organizer_name(client, world, token, meeting):
    client.get(feed_url(token))
    orgs.rename(world["admin"], world.a1, "综合办公室党支部", NOW)
    db.session.commit()
    assert "综合办公室党支部".encode() in client.get(feed_url(token)).data


def test_last_modified_never_goes_backwards(client, world, clock, token, meeting):
    clock.now = NOW + timedelta(hours=1)
    first = parse_date(client.get(feed_url(token)).headers["Last-Modified"])
    clock.now = NOW  # a server whose clock was set back
    reschedule(world, meeting, title="主题党日（改期）")
    second = parse_date(client.get(feed_url(token)).headers["Last-Modified"])
    assert second > first


# --- conditional GET ---------------------------------------------------------------------

@pytest.mark.parametrize("header", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_gives_an_empty_304(client, token, meeting, header):
    first = client.get(feed_url(token))
    etag = first.headers["ETag"]
    response = client.get(feed_url(token), headers={"If-None-Match": header.format(etag=etag)})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag  # a 304 repeats the validator (RFC 9110 §15.4.5)
    assert response.headers["Cache-Control"] == first.headers["Cache-Control"]


def test_a_stale_etag_gets_the_new_feed(client, world, token, meeting):
    old = client.get(feed_url(token)).headers["ETag"]
    reschedule(world, meeting, place="五楼会议室")
    response = client.get(feed_url(token), headers={"If-None-Match": old})
    assert response.status_code == 200 and "五楼会议室".encode() in response.data


def test_if_modified_since_gives_304_when_nothing_changed(client, clock, token, meeting):
    last_modified = client.get(feed_url(token)).headers["Last-Modified"]
    clock.now = NOW + timedelta(hours=1)
    assert client.get(feed_url(token), headers={"If-Modified-Since": last_modified}).status_code == 304
    earlier = http_date(parse_date(last_modified) - timedelta(seconds=1))
    assert client.get(feed_url(token), headers={"If-Modified-Since": earlier}).status_code == 200


@pytest.mark.parametrize("since", ["not a date", http_date(NOW + timedelta(days=365))])
def test_unreadable_or_future_if_modified_since_is_ignored(client, clock, token, meeting, since):
    client.get(feed_url(token))
    assert client.get(feed_url(token), headers={"If-Modified-Since": since}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client, clock, token, meeting):
    last_modified = client.get(feed_url(token)).headers["Last-Modified"]
    headers = {"If-None-Match": '"something-else"', "If-Modified-Since": last_modified}
    assert client.get(feed_url(token), headers=headers).status_code == 200


# --- what the feed holds -----------------------------------------------------------------

def test_cancelled_meeting_stays_cancelled_until_its_date_then_leaves(client, world, clock, token, meeting):
    before = events(client.get(feed_url(token)).data)[uid(meeting.id)]
    cancel(world, meeting)
    body = client.get(feed_url(token)).data
    assert problems(body, method="PUBLISH") == []
    event = events(body)[uid(meeting.id)]
    assert event.status.value == "CANCELLED"
    assert int(event.sequence.value) > int(before.sequence.value)
    clock.now = meeting.starts_at + timedelta(minutes=1)
    assert events(client.get(feed_url(token)).data) == {}


def test_meetings_older_than_90_days_are_left_out(client, world, clock, token):
    for days_ago in (100, 80):
        starts = NOW - timedelta(days=days_ago)
        make_meeting(world, now=starts - timedelta(days=1), starts_at=starts, title=f"{days_ago} 天前的会议")
    db.session.commit()
    (event,) = events(client.get(feed_url(token)).data).values()
    assert event.summary.value == "80 天前的会议"


def test_a_meeting_one_is_not_invited_to_is_not_in_the_feed(client, world, token, meeting):
    others = [world["secretary"].id, world["recorder"].id]
    make_meeting(world, code="branch_committee", invitee_ids=others, title="支委会")
    db.session.commit()
    assert list(events(client.get(feed_url(token)).data)) == [uid(meeting.id)]


def test_an_unchanged_feed_is_served_from_stored_bytes_without_rendering(client, token, meeting):
    first = client.get(feed_url(token))
    response, statements = statements_during(lambda: client.get(feed_url(token)))
    assert response.data == first.data
    assert len(statements) == 2, statements  # the person by token; fingerprint and stored bytes
    assert not any("meeting.title" in s or "meeting_type.name" in s for s in statements)
    snapshot = db.session.scalar(sa.select(CalendarSnapshot))
    assert zlib.decompress(snapshot.body) == first.data and snapshot.etag == first.headers["ETag"]


def test_a_304_reads_no_stored_bytes(client, token, meeting):
    etag = client.get(feed_url(token)).headers["ETag"]
    headers = {"If-None-Match": etag}
    response, statements = statements_during(lambda: client.get(feed_url(token), headers=headers))
    assert response.status_code == 304
    assert len(statements) == 2 and not any("calendar_snapshot.body" in s for s in statements), statements


# --- the token ---------------------------------------------------------------------------

def test_unknown_token_is_a_plain_404(client, world, clock):
    unknown = client.get(feed_url("A" * 43))
    assert unknown.status_code == 404
    elsewhere = client.get("/no-such-page")
    assert page_without(unknown, feed_url("A" * 43)) == page_without(elsewhere, "/no-such-page")


def page_without(response, path: str) -> str:
    """The page with its own path and the CSRF token blanked (the language switch carries both)."""
    page = response.get_data(as_text=True).replace(path, "PATH")
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


def test_tampered_token_is_a_404(client, token, meeting):
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(feed_url(tampered)).status_code == 404
    assert client.get(feed_url(token.upper())).status_code == 404


def test_revoked_token_is_a_404(client, world, token, meeting):
    calendar.revoke_feed_token(world["member"])
    db.session.commit()
    assert client.get(feed_url(token)).status_code == 404


def test_a_disabled_account_loses_its_feed(client, world, token, meeting):
    world["member"].can_sign_in = False
    db.session.commit()
    assert client.get(feed_url(token)).status_code == 404


def test_rotating_the_link_retires_the_old_one(client, auth, world, token, meeting):
    auth.login("member")
    response = client.post("/calendar/rotate")
    assert response.status_code == 302 and response.headers["Location"].endswith("/calendar")
    page = client.get("/calendar").get_data(as_text=True)
    assert "旧链接已失效" in page
    db.session.expire_all()
    new = calendar.feed_token(world["member"])
    assert new != token
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_token_is_long_random_and_stored_only_hashed(world):
    issued = calendar.issue_feed_token(world["member"], NOW)
    assert len(issued) >= 43  # 32 bytes of HMAC-SHA256 in URL-safe base64
    assert world["member"].feed_token_hash == hashlib.sha256(issued.encode()).hexdigest()
    assert calendar.issue_feed_token(world["member"], NOW) != issued  # same instant, still new


# --- branch feeds ------------------------------------------------------------------------

def branch_feed_url(token: str, branch_id: int) -> str:
    return f"/calendar/{token}/branches/{branch_id}.ics"


@pytest.mark.parametrize(("login", "status"), [
    ("member", 404), ("b_member", 404), ("other_secretary", 404),
    ("secretary", 200), ("recorder", 200), ("liaison", 200), ("admin", 200)])
def test_branch_feed_is_for_officers_only(client, world, clock, meeting, login, status):
    officer_token = calendar.issue_feed_token(world[login], NOW)
    db.session.commit()
    response = client.get(branch_feed_url(officer_token, world.a1.id))
    assert response.status_code == status
    if status == 200:
        assert problems(response.data, method="PUBLISH") == []
        assert list(events(response.data)) == [uid(meeting.id)]
        assert_matches_database(response.data)


def test_branch_feed_needs_a_branch_and_a_valid_token(client, world, clock):
    secretary_token = calendar.issue_feed_token(world["secretary"], NOW)
    db.session.commit()
    assert client.get(branch_feed_url(secretary_token, world.g1.id)).status_code == 404  # a party group
    assert client.get(branch_feed_url(secretary_token, 999999)).status_code == 404
    assert client.get(branch_feed_url("A" * 43, world.a1.id)).status_code == 404


def test_branch_feed_serves_304_too(client, world, clock, meeting):
    secretary_token = calendar.issue_feed_token(world["secretary"], NOW)
    db.session.commit()
    first = client.get(branch_feed_url(secretary_token, world.a1.id))
    again = client.get(branch_feed_url(secretary_token, world.a1.id),
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_only_a_role_lets_one_subscribe_to_a_branch(world):
    assert can_subscribe_branch(world["secretary"], world.a1)
    assert not can_subscribe_branch(world["member"], world.a1)
    assert not can_subscribe_branch(world["secretary"], world.g1)  # not a branch
    assert not can_subscribe_branch(None, world.a1)


# --- one meeting's file ------------------------------------------------------------------

def test_invitee_downloads_the_meeting_file(client, auth, meeting):
    auth.login("member")
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="meeting-{meeting.id}.ics"'
    assert problems(response.data, method="PUBLISH") == []
    assert list(events(response.data)) == [uid(meeting.id)]
    assert_matches_database(response.data)


def test_member_of_another_branch_may_not_download_it(client, auth, meeting):
    auth.login("b_member")
    # 404: they cannot see a1's objects at all (no existence oracle)
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 404


def test_anonymous_download_is_sent_to_login(client, meeting):
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_meeting_file_is_a_404(client, auth, world):
    auth.login("admin")
    assert client.get("/meetings/999999.ics").status_code == 404


# --- 我的日历 ------------------------------------------------------------------------------

def test_calendar_page_offers_https_and_webcal_links(client, auth, world, clock):
    auth.login("member")
    page = client.get("/calendar").get_data(as_text=True)
    db.session.expire_all()
    issued = calendar.feed_token(world["member"])
    assert issued is not None
    assert f'value="{BASE_URL}/calendar/{issued}.ics"' in page
    assert f'value="webcal://orglife.example.org/calendar/{issued}.ics"' in page
    assert f'href="webcal://orglife.example.org/calendar/{issued}.ics"' in page
    for app_name in ("Outlook", "Apple 日历", "Google 日历", "Thunderbird"):
        assert app_name in page
    assert f"/calendar/{issued}/branches/" not in page  # a plain member has no branch feeds
    # The link stays the same (the signed CSRF token carries a timestamp, so it may differ).
    unsigned = re.compile(r'name="csrf_token" type="hidden" value="[^"]*"|value="[\w.-]{60,}"')
    assert unsigned.sub("", client.get("/calendar").get_data(as_text=True)) == unsigned.sub("", page)


def test_calendar_page_lists_branch_feeds_for_officers(client, auth, world, clock):
    auth.login("liaison")
    page = client.get("/calendar").get_data(as_text=True)
    db.session.expire_all()
    issued = calendar.feed_token(world["liaison"])
    for branch in (world.a1, world.a2):
        assert f"{BASE_URL}/calendar/{issued}/branches/{branch.id}.ics" in page
    assert f"/branches/{world.b1.id}.ics" not in page  # outside the liaison's party committee


def test_calendar_page_keeps_the_strict_csp(client, auth, world, clock):
    auth.login("secretary")
    response = client.get("/calendar")
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    page = response.get_data(as_text=True)
    assert "<script>" not in page and "style=" not in page and " on" + "click=" not in page
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)


@pytest.mark.parametrize("login", ["admin", "liaison", "secretary", "member"])
def test_calendar_page_stays_within_the_statement_budget(client, auth, world, clock, login):
    auth.login(login)
    client.get("/calendar")  # the first visit issues the token
    response, statements = statements_during(lambda: client.get("/calendar"))
    assert response.status_code == 200
    assert len(statements) <= 20, statements  # DESIGN §7: any page


def test_calendar_page_needs_login(client, world):
    response = client.get("/calendar")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
