"""A series is one recurring invite (issue 15 #2): one message per invitee for the whole series,
changes and cancellations as the whole series again (override, EXDATE), "this and following"
as a split into a new UID, the feed in the same shape, and calendar answers for the series or
one occurrence. Every expansion — recurring-ical-events, vobject, ical.js, libical — must give
the database's dates.
"""
import email
import email.policy
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
import recurring_ical_events
import sqlalchemy as sa
import vobject
from icalendar import Calendar

from meetings.commands.receive_mail import HANDLED, handle
from meetings.domain.recurrence import Frequency, Rule
from meetings.domain.scheduling import BEIJING, local_date
from meetings.domain.terms import MeetingStatus, OutboxStatus, Rsvp
from meetings.extensions import db
from meetings.models import InboundMail, Invitation, Meeting, MeetingSeries, OutboxMessage, Person
from meetings.services import calendar, scheduling, series
from tests import calendar_replies as clients
from tests.ical_checks import problems
from tests.ical_js import read_with_ical_js
from tests.libical import expand_with_libical
from tests.meeting_builders import NOW, make_fields

FRIDAY = 4
WIDE = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
MEMBER = "member@example.org"


@pytest.fixture(autouse=True)
def replies_read(app, clock, monkeypatch, world):
    monkeypatch.setitem(app.config, "REPLY_ADDRESS", "rsvp@orglife.test")
    clock.pin(NOW)


def first_fridays(**changes) -> Rule:
    rule = Rule(frequency=Frequency.MONTHLY_BY_WEEKDAY, first_date=local_date(NOW), start_time=time(15),
                duration_minutes=120, weekday=FRIDAY, ordinal=1, count=6)
    return replace(rule, **changes)


def create(world, rule=None, **overrides) -> list[Meeting]:
    fields = make_fields(world, **{"title": "主题党日", **overrides})
    meetings = series.create_series(world["secretary"], world.a1, fields, rule or first_fridays(), NOW)
    db.session.commit()
    return meetings


def messages(recipient=MEMBER, *kinds) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == recipient).order_by(OutboxMessage.id)
    if kinds:
        query = query.where(OutboxMessage.kind.in_(kinds))
    return list(db.session.scalars(query))


def calendar_part(row: OutboxMessage) -> bytes:
    message = email.message_from_bytes(row.message, policy=email.policy.default)
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_payload(decode=True)


def starts(data: bytes) -> list[datetime]:
    """recurring-ical-events' expansion (what icalendar-based tools show)."""
    events = recurring_ical_events.of(Calendar.from_ical(data)).between(*WIDE)
    return sorted(e.decoded("DTSTART").astimezone(UTC) for e in events)


def vobject_starts(data: bytes) -> list[datetime]:
    parsed = vobject.readOne(data.decode())
    found = []
    for uid in {str(e.uid.value) for e in parsed.vevent_list}:
        mine = [e for e in parsed.vevent_list if e.uid.value == uid]
        master = next(e for e in mine if not hasattr(e, "recurrence_id"))
        moved = {e.recurrence_id.value.astimezone(UTC): e.dtstart.value.astimezone(UTC)
                 for e in mine if hasattr(e, "recurrence_id")}
        rules = master.getrruleset(addRDate=True)  # None for a single event
        found += [moved.get(s.astimezone(UTC), s.astimezone(UTC)) for s in rules or [master.dtstart.value]]
    return sorted(found)


def database_starts(meetings, *, cancelled=False) -> list[datetime]:
    db.session.expire_all()
    return sorted(m.starts_at for m in meetings if cancelled or db.session.get(Meeting, m.id).status
                  != MeetingStatus.CANCELLED)


def expanded_everywhere(data: bytes, tmp_path) -> list[list[datetime]]:
    """The expansion by each parser of the test set (equal lists when they all agree)."""
    js = read_with_ical_js({"series": data}, tmp_path)["series"]["events"]
    by_js = sorted(datetime.fromisoformat(s.replace("Z", "+00:00"))
                   for event in js for s in event.get("occurrences", [event["start"]]))
    by_libical = expand_with_libical({"series": data}, tmp_path)["series"]
    return [starts(data), vobject_starts(data), by_js, by_libical]


# --- one invite ---------------------------------------------------------------------------

def test_a_series_is_one_message_per_invitee(world):
    meetings = create(world)
    rows = db.session.scalars(sa.select(OutboxMessage)).all()
    invitees = {i.email for i in meetings[0].invitations if i.email}
    assert sorted(r.recipient for r in rows) == sorted(invitees)  # 6 meetings, one message each
    (row,) = messages()
    assert (row.kind, row.series_id) == ("invite", meetings[0].series_id)
    data = calendar_part(row)
    assert problems(data, method="REQUEST") == []
    (master,) = Calendar.from_ical(data).walk("VEVENT")
    assert str(master["UID"]) == f"series-{meetings[0].series_id}@orglife.local"
    assert master["RRULE"].to_ical() == b"FREQ=MONTHLY;UNTIL=20261106T070000Z;BYDAY=1FR"
    assert master["DTSTART"].params["TZID"] == "Asia/Shanghai" and int(master["SEQUENCE"]) == 0
    assert starts(data) == database_starts(meetings)
    assert [local_date(s) for s in starts(data)] == [date(2026, 6, 5), date(2026, 7, 3), date(2026, 8, 7),
                                                     date(2026, 9, 4), date(2026, 10, 2), date(2026, 11, 6)]
    assert all(m.series_slot == m.starts_at for m in meetings)


def test_the_mail_lists_every_date_with_its_own_answer_links(world):
    create(world)
    (row,) = messages()
    message = email.message_from_bytes(row.message, policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "【例会通知】主题党日" in str(message["Subject"])
    assert "每月第一个星期五 15:00，共 6 次" in text and text.count("参加：") == 6
    assert "2026年6月5日 星期五 15:00–17:00" in text


def test_each_occurrence_keeps_its_own_invitations(world):
    meetings = create(world)
    assert all(len(m.invitations) == 3 for m in meetings)
    assert len({i.id for m in meetings for i in m.invitations}) == 18


# --- changes are the whole series again ---------------------------------------------------

def test_a_moved_occurrence_is_an_override_in_the_whole_series(world, tmp_path):
    meetings = create(world)
    third = meetings[2]
    moved = make_fields(world, title="主题党日", starts_at=third.starts_at + timedelta(days=1, hours=1))
    scheduling.update_meeting(world["secretary"], third, moved, NOW, version=third.version)
    db.session.commit()
    invite, update = messages()
    assert update.kind == "update" and update.series_id == invite.series_id
    data = calendar_part(update)
    assert problems(data, method="REQUEST") == []
    master, override = Calendar.from_ical(data).walk("VEVENT")
    assert int(master["SEQUENCE"]) == int(override["SEQUENCE"]) == 1
    assert override.decoded("RECURRENCE-ID").astimezone(UTC) == third.series_slot
    assert override.decoded("DTSTART").astimezone(UTC) == third.starts_at
    for expansion in expanded_everywhere(data, tmp_path):
        assert expansion == database_starts(meetings)
    assert db.session.get(MeetingSeries, third.series_id).ical_sequence == 1


def test_a_cancelled_occurrence_is_an_exdate_and_keeps_its_row(world, tmp_path):
    meetings = create(world)
    scheduling.cancel_meeting(world["secretary"], meetings[1], "与七一表彰大会冲突", NOW)
    db.session.commit()
    _, update = messages()
    assert update.kind == "update"
    data = calendar_part(update)
    (master,) = Calendar.from_ical(data).walk("VEVENT")
    assert [d.dt.astimezone(UTC) for d in master["EXDATE"].dts] == [meetings[1].series_slot]
    for expansion in expanded_everywhere(data, tmp_path):
        assert expansion == database_starts(meetings)
    assert meetings[1].status == MeetingStatus.CANCELLED and len(meetings[1].invitations) == 3


def test_one_moved_and_one_cancelled_in_one_request_as_every_parser_reads_it(world, tmp_path):
    meetings = create(world)
    fourth = meetings[3]
    moved = make_fields(world, title="主题党日（调整）", place="五楼",
                        starts_at=fourth.starts_at - timedelta(days=2))
    scheduling.update_meeting(world["secretary"], fourth, moved, NOW, version=fourth.version)
    scheduling.cancel_meeting(world["secretary"], meetings[4], "国庆假期", NOW)
    db.session.commit()
    assert [r.kind for r in messages()] == ["invite", "update"]  # one transaction, one message
    data = calendar_part(messages()[-1])
    for expansion in expanded_everywhere(data, tmp_path):
        assert expansion == database_starts(meetings)


def test_cancelling_every_occurrence_cancels_the_uid(world):
    meetings = create(world)
    for meeting in meetings:
        scheduling.cancel_meeting(world["secretary"], meeting, "支部调整", NOW)
    db.session.commit()
    rows = messages()
    assert [r.kind for r in rows] == ["invite", "cancel"]
    data = calendar_part(rows[-1])
    cal = Calendar.from_ical(data)
    assert str(cal["METHOD"]) == "CANCEL"
    assert {str(e["UID"]) for e in cal.walk("VEVENT")} == {f"series-{meetings[0].series_id}@orglife.local"}
    assert {str(e["STATUS"]) for e in cal.walk("VEVENT")} == {"CANCELLED"}
    assert rows[0].status == OutboxStatus.SUPERSEDED  # never sent: the cancel overtook it


def test_someone_taken_off_one_occurrence_gets_it_excluded(world):
    meetings = create(world)
    second = meetings[1]
    kept = [i.person_id for i in second.invitations if i.email != MEMBER]
    fields = make_fields(world, title="主题党日", starts_at=second.starts_at, invitee_ids=kept)
    scheduling.update_meeting(world["secretary"], second, fields, NOW, version=second.version)
    db.session.commit()
    update = messages()[-1]
    (master,) = Calendar.from_ical(calendar_part(update)).walk("VEVENT")
    assert [d.dt.astimezone(UTC) for d in master["EXDATE"].dts] == [second.series_slot]
    others = {r.recipient for r in db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "update"))}
    assert others == {MEMBER}  # nothing changed for the others


# --- this and following -------------------------------------------------------------------

def test_this_and_following_splits_the_series_into_a_new_uid(world, tmp_path):
    meetings = create(world)
    third = meetings[2]
    later = datetime.combine(local_date(third.starts_at), time(14, 30), tzinfo=BEIJING)
    fields = make_fields(world, title="主题党日：学习党章", starts_at=later, minutes=90)
    series.update_following(world["secretary"], third, fields, NOW, version=third.version)
    db.session.commit()
    old_id, new_id = meetings[0].series_id, third.series_id
    assert old_id != new_id and {m.series_id for m in meetings[2:]} == {new_id}
    rows = messages()
    assert [(r.kind, r.series_id) for r in rows] == [
        ("invite", old_id), ("update", old_id), ("invite", new_id)]
    old_data, new_data = calendar_part(rows[1]), calendar_part(rows[2])
    (old_master,) = Calendar.from_ical(old_data).walk("VEVENT")
    assert old_master["RRULE"]["UNTIL"][0].astimezone(UTC) == meetings[1].starts_at
    (new_master,) = Calendar.from_ical(new_data).walk("VEVENT")  # a new time of day: no override
    assert str(new_master["UID"]) == f"series-{new_id}@orglife.local" and int(new_master["SEQUENCE"]) == 0
    assert new_master.decoded("DTSTART").time() == time(14, 30)
    for expansion in expanded_everywhere(old_data, tmp_path):
        assert expansion == database_starts(meetings[:2])
    for expansion in expanded_everywhere(new_data, tmp_path):
        assert expansion == database_starts(meetings[2:])


def test_this_and_following_by_whole_days_keeps_the_slots_as_overrides(world):
    meetings = create(world)
    third = meetings[2]
    fields = make_fields(world, title="主题党日", starts_at=third.starts_at + timedelta(days=1))
    series.update_following(world["secretary"], third, fields, NOW, version=third.version)
    db.session.commit()
    data = calendar_part(messages()[-1])
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 1 + 4  # master + every moved occurrence
    assert starts(data) == database_starts(meetings[2:])


def test_this_and_following_from_the_first_keeps_the_uid(world):
    meetings = create(world)
    later = datetime.combine(local_date(meetings[0].starts_at), time(9), tzinfo=BEIJING)
    fields = make_fields(world, title="主题党日", starts_at=later)
    series.update_following(world["secretary"], meetings[0], fields, NOW, version=meetings[0].version)
    db.session.commit()
    assert {m.series_id for m in meetings} == {meetings[0].series_id}
    rows = messages()
    assert [r.kind for r in rows] == ["invite", "update"]
    assert starts(calendar_part(rows[-1])) == database_starts(meetings)


# --- the feed -----------------------------------------------------------------------------

def test_the_personal_feed_shows_the_same_master_and_overrides(world, tmp_path):
    meetings = create(world)
    fourth = meetings[3]
    moved = make_fields(world, title="主题党日", starts_at=fourth.starts_at + timedelta(hours=2))
    scheduling.update_meeting(world["secretary"], fourth, moved, NOW, version=fourth.version)
    scheduling.cancel_meeting(world["secretary"], meetings[1], "冲突", NOW)
    single = scheduling.schedule_meeting(world["secretary"], world.a1, make_fields(world), NOW)
    db.session.commit()
    body = calendar.personal_feed(world["member"], NOW, with_body=True).body
    assert problems(body, method="PUBLISH") == []
    uids = [str(e["UID"]) for e in Calendar.from_ical(body).walk("VEVENT")]
    assert uids.count(f"series-{meetings[0].series_id}@orglife.local") == 2
    assert f"meeting-{single.id}@orglife.local" in uids
    expected = sorted([*database_starts(meetings), single.starts_at])
    for expansion in expanded_everywhere(body, tmp_path):
        assert expansion == expected


# --- answers from the calendar ------------------------------------------------------------

def latest_invite() -> clients.Invite:
    """The member's newest series message, as a client reads it."""
    return clients.read_invite(messages()[-1].message)


def logged_reason() -> str:
    return db.session.scalars(sa.select(InboundMail)).one().reason


def member_invitations(meetings) -> list[Invitation]:
    db.session.expire_all()
    member = db.session.scalar(sa.select(Person.id).where(Person.email == MEMBER))
    return [db.session.scalar(sa.select(Invitation).where(Invitation.meeting_id == m.id,
                                                          Invitation.person_id == member)) for m in meetings]


@pytest.mark.parametrize("client", clients.CLIENTS)
def test_accepting_the_series_accepts_every_occurrence_to_come(world, client):
    meetings = create(world)
    invite = latest_invite()
    assert handle(clients.reply(client, invite, "ACCEPTED")) == HANDLED
    assert [i.rsvp for i in member_invitations(meetings)] == [Rsvp.ATTENDING] * 6
    row = db.session.scalars(sa.select(InboundMail)).one()
    assert (row.outcome, row.reason) == ("applied", "accepted")


@pytest.mark.parametrize("client", clients.CLIENTS)
def test_declining_one_occurrence_is_a_leave_request_for_that_one(world, client):
    meetings = create(world)
    invite = latest_invite()
    raw = clients.reply(client, invite, "DECLINED", comment="出差", recurrence_id=meetings[2].series_slot)
    assert handle(raw) == HANDLED
    assert [i.rsvp for i in member_invitations(meetings)] == [
        Rsvp.PENDING, Rsvp.PENDING, Rsvp.LEAVE_REQUESTED, Rsvp.PENDING, Rsvp.PENDING, Rsvp.PENDING]
    assert member_invitations(meetings)[2].leave_reason == "出差"


def test_an_answer_for_a_slot_the_series_lacks_changes_nothing(world):
    meetings = create(world)
    invite = latest_invite()
    no_such_slot = meetings[2].series_slot + timedelta(days=1)
    raw = clients.reply("gmail", invite, "ACCEPTED", recurrence_id=no_such_slot)
    assert handle(raw) == HANDLED
    assert {i.rsvp for i in member_invitations(meetings)} == {Rsvp.PENDING}
    row = db.session.scalars(sa.select(InboundMail)).one()
    assert (row.outcome, row.reason) == ("ignored", "unknown_occurrence")


def test_an_answer_to_the_series_before_a_change_is_stale(world):
    meetings = create(world)
    first_invite = latest_invite()
    moved = make_fields(world, title="主题党日", starts_at=meetings[1].starts_at + timedelta(hours=1))
    scheduling.update_meeting(world["secretary"], meetings[1], moved, NOW, version=meetings[1].version)
    db.session.commit()
    assert handle(clients.reply("outlook", first_invite, "ACCEPTED")) == HANDLED
    assert logged_reason() == "stale_sequence"
    assert {i.rsvp for i in member_invitations(meetings)} == {Rsvp.PENDING}
    fresh = latest_invite()
    assert fresh.sequence == 1
    assert handle(clients.reply("outlook", fresh, "ACCEPTED")) == HANDLED
    assert {i.rsvp for i in member_invitations(meetings)} == {Rsvp.ATTENDING}


def test_the_old_uid_after_a_split_is_not_the_new_series(world):
    meetings = create(world)
    old_invite = latest_invite()
    fields = make_fields(world, title="主题党日", starts_at=meetings[2].starts_at + timedelta(days=1))
    series.update_following(world["secretary"], meetings[2], fields, NOW, version=meetings[2].version)
    db.session.commit()
    new_invite = latest_invite()
    forged = clients.reply("apple", new_invite, "ACCEPTED", uid=old_invite.uid)
    assert handle(forged) == HANDLED
    assert logged_reason() == "unknown_uid"
    assert handle(clients.reply("apple", new_invite, "ACCEPTED")) == HANDLED
    assert [i.rsvp for i in member_invitations(meetings)] == [Rsvp.PENDING] * 2 + [Rsvp.ATTENDING] * 4


def test_another_invitees_address_cannot_answer_the_series(world):
    meetings = create(world)
    invite = latest_invite()
    other = next(i.email for i in meetings[0].invitations if i.email and i.email != MEMBER)
    assert handle(clients.reply("thunderbird", invite, "ACCEPTED", attendee=other)) == HANDLED
    assert logged_reason() == "not_the_invitee"
    assert {i.rsvp for m in meetings for i in m.invitations} == {Rsvp.PENDING}


# --- series planned before ----------------------------------------------------------------

def test_a_series_planned_before_keeps_one_invite_per_meeting(world):
    meetings = create(world)
    only = db.session.get(MeetingSeries, meetings[0].series_id)
    only.recurring_invite = False  # as migration 0010 leaves every older series
    db.session.commit()
    moved = make_fields(world, title="主题党日", starts_at=meetings[1].starts_at + timedelta(hours=1))
    scheduling.update_meeting(world["secretary"], meetings[1], moved, NOW, version=meetings[1].version)
    db.session.commit()
    update = messages()[-1]
    assert (update.kind, update.series_id, update.meeting_id) == ("update", None, meetings[1].id)
    (event,) = Calendar.from_ical(calendar_part(update)).walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meetings[1].id}@orglife.local" and "RRULE" not in event
    body = calendar.personal_feed(world["member"], NOW, with_body=True).body
    assert "RRULE" not in body.decode()


# --- two saves of one series at once --------------------------------------------------------

@pytest.mark.parametrize("round_", range(3))
def test_two_dates_of_one_series_saved_at_once_send_two_sequences(app, world, monkeypatch, round_):
    """Two officers each move a different date of the series at the same moment: both saves
    land, and each invitee's two updates carry different SEQUENCEs, the later with both moves
    (a client keeps the first of two equal SEQUENCEs and would lose one move)."""
    from tests.races import posts_at_once
    from tests.web.test_meeting_pages import form_data
    meetings = create(world)

    def moved(meeting, place):
        day = local_date(meeting.starts_at).isoformat()
        return form_data(world, version=str(meeting.version), title="主题党日", date=day, start_time="16:00",
                         end_time="18:00", place=place, scope="one")

    answers = posts_at_once(app, monkeypatch, scheduling, ["update_meeting"], [
        ("secretary", f"/meetings/{meetings[1].id}/edit", moved(meetings[1], "二楼")),
        ("admin", f"/meetings/{meetings[4].id}/edit", moved(meetings[4], "五楼"))])
    assert [status for status, _ in answers] == [302, 302]
    db.session.expire_all()
    updates = messages(MEMBER, "update")
    assert len(updates) == 2
    last = Calendar.from_ical(calendar_part(updates[-1]))
    sequences = [int(Calendar.from_ical(calendar_part(u)).walk("VEVENT")[0]["SEQUENCE"]) for u in updates]
    assert sequences == [1, 2]
    places = {str(e["LOCATION"]) for e in last.walk("VEVENT")}
    assert {"二楼", "五楼"} <= places
    assert starts(calendar_part(updates[-1])) == database_starts(meetings)
