"""Invites and feeds: structural rules of CALENDAR.md, independent parsers, and golden files."""
import ast
import os
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
import vobject

from meetings.domain import ical
from tests.ical_checks import (
    BEIJING,
    problems,
    sample_meeting,
    sample_member,
    sample_messages,
    sample_observer,
)

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
METHODS = {"invite": "REQUEST", "update": "REQUEST", "cancel": "CANCEL", "feed": "PUBLISH"}
AGENDA_LINE = "第{}项：学习《中国共产党章程》, 对照检查; 交流发言\n"
LONG_AGENDA = "".join(AGENDA_LINE.format(n) for n in range(1, 40))[:500]


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def only_event(data: bytes) -> icalendar.Event:
    (event,) = parse(data).events
    return event


def test_invite_passes_structural_checks():
    assert problems(ical.invite(sample_meeting(), sample_member()), method="REQUEST") == []


def test_invite_names_the_recipient_as_attendee():
    event = only_event(ical.invite(sample_meeting(), sample_member()))
    attendee = event["ATTENDEE"]  # a single recipient, not a list
    assert attendee == "mailto:zhang.san@example.org"
    assert dict(attendee.params) == {"CN": "张三", "ROLE": "REQ-PARTICIPANT",
                                     "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}
    assert event["ORGANIZER"].params["CN"] == "王建国（支部书记）"
    assert str(event["ORGANIZER"]) == "mailto:secretary@example.org"


def test_observer_is_a_non_participant():
    event = only_event(ical.invite(sample_meeting(), sample_observer()))
    assert event["ATTENDEE"].params["ROLE"] == "NON-PARTICIPANT"


def test_invite_carries_agenda_url_location_and_categories():
    event = only_event(ical.invite(sample_meeting(), sample_member()))
    meeting = sample_meeting()
    assert event["DESCRIPTION"] == meeting.description + "\n\nhttps://orglife.example.org/meetings/42"
    assert event["URL"] == meeting.url
    assert event["LOCATION"] == meeting.location
    assert event["STATUS"] == "CONFIRMED"
    assert event.categories == ["主题党日", "组织生活会"]


def test_reschedule_keeps_uid_raises_sequence_and_asks_again():
    first = ical.invite(sample_meeting(), sample_member(partstat="ACCEPTED", rsvp=False))
    moved = sample_meeting(sequence=1, starts_at=datetime(2026, 7, 2, 9, 0, tzinfo=BEIJING),
                           ends_at=datetime(2026, 7, 2, 11, 0, tzinfo=BEIJING),
                           updated_at=datetime(2026, 6, 25, 18, 0, tzinfo=BEIJING))
    update = ical.invite(moved, sample_member())
    assert problems(update, method="REQUEST", previous=first) == []
    old, new = only_event(first), only_event(update)
    assert new["UID"] == old["UID"] == "meeting-42@orglife.example.org"
    assert (old["SEQUENCE"], new["SEQUENCE"]) == (0, 1)
    assert new["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert new["ATTENDEE"].params["RSVP"] == "TRUE"
    assert new.DTSTAMP > old.DTSTAMP


def test_cancel_has_method_status_attendee_and_higher_sequence():
    messages = sample_messages()
    assert problems(messages["cancel"], method="CANCEL", previous=messages["update"]) == []
    cancel = parse(messages["cancel"])
    (event,) = cancel.events
    assert cancel["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == only_event(messages["invite"])["UID"]
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"


def test_cancel_without_a_higher_sequence_is_caught():
    messages = sample_messages()
    assert problems(messages["update"], method="REQUEST", previous=messages["cancel"]) == [
        "SEQUENCE 1 is not higher than the previous 2"]


def test_feed_publishes_without_attendees_and_keeps_cancelled_meetings():
    data = sample_messages()["feed"]
    assert problems(data, method="PUBLISH") == []
    feed = parse(data)
    assert feed["METHOD"] == "PUBLISH"
    assert feed["X-WR-CALNAME"] == "第一党支部 · 组织生活"
    assert feed["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in data
    assert [(e["UID"], e["STATUS"]) for e in feed.events] == [
        ("meeting-42@orglife.example.org", "CANCELLED"), ("meeting-43@orglife.example.org", "CONFIRMED")]
    assert all("ORGANIZER" in e and "ATTENDEE" not in e for e in feed.events)
    assert b"ATTENDEE" not in data


def test_feed_refresh_interval_follows_refresh_minutes():
    data = ical.feed([sample_meeting()], name="支部", refresh_minutes=30)
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT30M\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT30M\r\n" in data


def test_a_feed_has_no_calendar_uid_that_vdirsyncer_would_give_every_event():
    second = sample_meeting(uid="meeting-43@orglife.example.org")
    data = ical.feed([sample_meeting(), second], name="第一党支部")
    assert "UID" not in parse(data)
    assert data.count(b"\r\nUID:") == 2  # the events' own


def test_a_download_is_one_event_and_nothing_to_subscribe_to():
    data = ical.download(sample_meeting())
    assert problems(data, method="PUBLISH") == []
    calendar = parse(data)
    assert len(calendar.events) == 1 and calendar["METHOD"] == "PUBLISH"
    for subscribed in (b"X-WR-CALNAME", b"REFRESH-INTERVAL", b"X-PUBLISHED-TTL", b"\r\nNAME:"):
        assert subscribed not in data
    assert "UID" not in calendar


def test_line_separators_in_text_become_newlines():
    data = ical.download(sample_meeting(location="三楼\u2028DTSTART:20300101T000000Z",
                                        description="学习\u2029讨论"))
    assert problems(data) == []
    event = parse(data).events[0]
    assert str(event["LOCATION"]) == "三楼\nDTSTART:20300101T000000Z"
    assert str(event["DESCRIPTION"]).startswith("学习\n讨论")
    assert len(parse(data).events) == 1


def test_empty_feed_is_still_valid():
    assert problems(ical.feed([], name="第一党支部"), method="PUBLISH") == []


def test_identical_input_gives_identical_bytes():
    other = sample_meeting(uid=ical.meeting_uid(7, "orglife.example.org"))
    assert ical.invite(sample_meeting(), sample_member()) == ical.invite(sample_meeting(), sample_member())
    forward, backward = (ical.feed(events, name="支部") for events in ([sample_meeting(), other],
                                                                      [other, sample_meeting()]))
    assert forward == backward


def test_updated_at_drives_dtstamp_and_last_modified():
    later = sample_meeting(updated_at=datetime(2026, 6, 21, 10, 0, tzinfo=BEIJING))
    before, after = (only_event(ical.invite(m, sample_member())) for m in (sample_meeting(), later))
    assert before.DTSTAMP == before.LAST_MODIFIED == datetime(2026, 6, 20, 1, 15, 30, tzinfo=UTC)
    assert after.DTSTAMP == after.LAST_MODIFIED == datetime(2026, 6, 21, 2, 0, tzinfo=UTC)
    assert b"\r\nDTSTAMP:20260620T011530Z\r\n" in ical.invite(sample_meeting(), sample_member())


def test_chinese_summary_and_long_agenda_fold_and_round_trip():
    assert len(LONG_AGENDA) == 500 and {",", ";", "\n"} <= set(LONG_AGENDA)
    data = ical.invite(sample_meeting(description=LONG_AGENDA), sample_member())
    assert problems(data, method="REQUEST") == []
    expected = LONG_AGENDA.strip() + "\n\nhttps://orglife.example.org/meetings/42"
    event = only_event(data)
    assert event["SUMMARY"] == "七一专题组织生活会：以优良作风保证‘双胜利’"
    assert event["DESCRIPTION"] == expected
    assert vobject.readOne(data.decode()).vevent.description.value == expected
    assert b"\\\\" not in data  # escaped once by icalendar, never by us


@pytest.mark.parametrize("name, cn", [
    ('张"三"', "张三"), ("李四\r\nBCC: x@evil.example", "李四 BCC: x@evil.example"),
    ("王\x00五\x1b\x7f", "王 五"), ('Wang "Boss" Wu', "Wang Boss Wu")])
def test_names_lose_quotes_and_control_characters(name, cn):
    data = ical.invite(sample_meeting(organizer_name=name), sample_member(name=name))
    assert problems(data, method="REQUEST") == []
    event = only_event(data)
    assert event["ATTENDEE"].params["CN"] == event["ORGANIZER"].params["CN"] == cn


def test_blank_name_leaves_out_cn():
    event = only_event(ical.invite(sample_meeting(), sample_member(name=' "\n ')))
    assert "CN" not in event["ATTENDEE"].params


def test_timezone_is_a_single_standard_block_at_plus_eight():
    data = ical.invite(sample_meeting(), sample_member())
    calendar = parse(data)
    (vtimezone,) = calendar.timezones
    assert vtimezone["TZID"] == "Asia/Shanghai"
    assert [c.name for c in vtimezone.subcomponents] == ["STANDARD"]
    assert b"\r\nTZOFFSETTO:+0800\r\n" in data and b"DAYLIGHT" not in data
    assert calendar.get_missing_tzids() == set()


def test_beijing_afternoon_is_morning_utc_in_every_parser():
    data = ical.invite(sample_meeting(), sample_member())
    assert b"\r\nDTSTART;TZID=Asia/Shanghai:20260701T143000\r\n" in data
    utc_start = datetime(2026, 7, 1, 6, 30, tzinfo=UTC)
    assert only_event(data).start == utc_start
    assert vobject.readOne(data.decode()).vevent.dtstart.value == utc_start
    (occurrence,) = recurring_ical_events.of(parse(data)).between((2026, 7, 1), (2026, 7, 2))
    assert occurrence.start == utc_start
    assert occurrence.end == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)


def test_times_in_other_zones_are_written_in_beijing_time():
    meeting = sample_meeting(starts_at=datetime(2026, 7, 1, 6, 30, tzinfo=UTC),
                             ends_at=datetime(2026, 7, 1, 8, 30, tzinfo=UTC))
    assert ical.invite(meeting, sample_member()) == ical.invite(sample_meeting(), sample_member())


@pytest.mark.parametrize("changes", [
    {"starts_at": datetime(2026, 7, 1, 14, 30)}, {"updated_at": datetime(2026, 6, 20, 9, 0)},
    {"sequence": -1}])
def test_naive_times_and_bad_sequences_are_refused(changes):
    with pytest.raises(ValueError):
        ical.invite(sample_meeting(**changes), sample_member())


def test_wrong_methods_are_refused():
    with pytest.raises(ValueError):
        ical.invite(sample_meeting(), sample_member(), method="PUBLISH")
    with pytest.raises(ValueError):
        ical.invite(sample_meeting(status="CANCELLED"), sample_member())
    with pytest.raises(ValueError):
        ical.feed([sample_meeting()], name="支部", method="REQUEST")


def test_email_part_method_matches_the_file():
    data = ical.invite(sample_meeting(), sample_member())
    message = EmailMessage()
    message.set_content("请查收会议邀请。")
    message.add_alternative(data, maintype="text", subtype="calendar", params=ical.mime_params("REQUEST"))
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST" and part.get_content_charset() == "utf-8"
    assert problems(part.get_payload(decode=True), method=part.get_param("method")) == []
    assert ical.CONTENT_TYPE == "text/calendar; charset=utf-8"


def test_meeting_uid():
    assert ical.meeting_uid(42, "orglife.example.org") == "meeting-42@orglife.example.org"


def test_domain_module_imports_neither_flask_nor_the_database():
    tree = ast.parse(Path(ical.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    forbidden = ("flask", "sqlalchemy", "meetings.models", "meetings.extensions", "meetings.services")
    assert not [name for name in imported if name.startswith(forbidden)]


# --- the checker itself must fail broken files ------------------------------------------------

def _break(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


def _drop_vtimezone(data: bytes) -> bytes:
    start, end = data.index(b"BEGIN:VTIMEZONE"), data.index(b"END:VTIMEZONE\r\n") + len(b"END:VTIMEZONE\r\n")
    return data[:start] + data[end:]


BROKEN = {
    "LF endings": (lambda d: d.replace(b"\r\n", b"\n"), "bare LF"),
    "long line": (lambda d: _break(d, b"LOCATION:", b"LOCATION:" + b"x" * 80), "octets"),
    "TZID without VTIMEZONE": (_drop_vtimezone, "TZID Asia/Shanghai has no VTIMEZONE"),
    "two DTSTAMPs": (lambda d: _break(d, b"UID:", b"DTSTAMP:20260101T000000Z\r\nUID:"), "2 DTSTAMP"),
    "no UID": (lambda d: _break(d, b"UID:meeting", b"X-UID:meeting"), "0 UID"),
    "local DTSTAMP": (lambda d: _break(d, b"T011530Z\r\nUID", b"T011530\r\nUID"), "not UTC"),
    "Windows zone": (lambda d: d.replace(b"Asia/Shanghai", b"China Standard Time"), "not an IANA name"),
    "no ATTENDEE": (lambda d: _break(d, b"ATTENDEE;", b"X-ATTENDEE;"), "REQUEST without ATTENDEE"),
    "no SUMMARY": (lambda d: _break(d, b"\r\nSUMMARY:", b"\r\nX-SUMMARY:"), "REQUEST without SUMMARY"),
    "unbalanced": (lambda d: _break(d, b"END:VEVENT\r\n", b""), "does not match"),
}


@pytest.mark.parametrize("breakage", BROKEN, ids=list(BROKEN))
def test_checker_catches_broken_invites(breakage):
    mutate, expected = BROKEN[breakage]
    found = problems(mutate(ical.invite(sample_meeting(), sample_member())), method="REQUEST")
    assert any(expected in problem for problem in found), found


def test_checker_catches_method_mismatch_and_cancel_without_cancelled_status():
    data = ical.invite(sample_meeting(), sample_member())
    assert problems(data, method="CANCEL") == ["METHOD is 'REQUEST', the MIME part says 'CANCEL'"]
    assert problems(_break(data, b"METHOD:REQUEST", b"METHOD:CANCEL"), method="CANCEL") == [
        "VEVENT meeting-42@orglife.example.org: CANCEL needs STATUS:CANCELLED, has ['CONFIRMED']"]


# --- golden files (UPDATE_GOLDEN=1 rewrites them; review the diff before committing) -----------

@pytest.mark.parametrize("name", METHODS)
def test_golden_file(name):
    data = sample_messages()[name]
    path = GOLDEN / f"{name}.ics"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert problems(data, method=METHODS[name]) == []
    assert data == path.read_bytes(), f"{path.name} changed: rerun with UPDATE_GOLDEN=1 and review the diff"


def test_golden_update_moves_the_meeting():
    messages = sample_messages()
    invite, update = only_event(messages["invite"]), only_event(messages["update"])
    assert update["UID"] == invite["UID"] and update["SEQUENCE"] == invite["SEQUENCE"] + 1
    assert (invite.start, update.start) == (datetime(2026, 7, 1, 6, 30, tzinfo=UTC),
                                            datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    assert update["LOCATION"] != invite["LOCATION"]
