"""Meeting mail (会议通知): what each invitee receives when a meeting is scheduled, moved,
cancelled, reminded or nudged — read back from the outbox and from a real SMTP server.

Layout and calendar rules: ``shared/CALENDAR.md`` "Messages".
"""
import email
import email.policy
import re
from dataclasses import dataclass
from datetime import UTC, timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from meetings.domain.terms import OutboxStatus, Rsvp
from meetings.extensions import db
from meetings.models import Meeting, OutboxMessage
from meetings.services import links, notify, responses, scheduling
from meetings.services.mail import delivery, transports
from tests.builders import make_person
from tests.fixed_time import TEST_NOW
from tests.ical_checks import problems
from tests.ical_js import read_with_ical_js
from tests.meeting_builders import NOW, make_fields, make_meeting
from tests.smtp_server import SmtpServer

BRANCH = ("secretary", "recorder", "member")  # the invitees of branch a1 with an email
RSVP_LINK = re.compile(r"/rsvp/([A-Za-z0-9_.-]+)")


@dataclass
class Mail:
    """One received message, taken apart along the layout every meeting mail must have."""

    message: EmailMessage
    text: str
    html: str
    calendar: bytes | None  # the text/calendar part (None for reminders and nudges)
    method: str | None  # its MIME method parameter

    @property
    def to(self) -> list[str]:
        return [a.addr_spec for a in self.message["To"].addresses]

    @property
    def event(self):
        (event,) = Calendar.from_ical(self.calendar).walk("VEVENT")
        return event

    @property
    def attendees(self) -> list:
        found = self.event.get("ATTENDEE")
        return found if isinstance(found, list) else [found]

    def rsvp_tokens(self) -> list[str]:
        return RSVP_LINK.findall(self.text)


def read(raw: bytes) -> Mail:
    """multipart/mixed → multipart/alternative (plain, html[, calendar]) [+ invite.ics]."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content_type() == "multipart/mixed"
    alternative, *attachments = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    parts = list(alternative.iter_parts())
    types = [p.get_content_type() for p in parts]
    text, html = parts[0].get_content(), parts[1].get_content()
    if types == ["text/plain", "text/html"]:
        assert attachments == []
        return Mail(message, text, html, None, None)
    assert types == ["text/plain", "text/html", "text/calendar"]
    calendar = parts[2]
    assert calendar.get_param("charset") == "UTF-8"
    ics = calendar.get_payload(decode=True)
    (attachment,) = attachments
    assert (attachment.get_content_type(), attachment.get_filename()) == ("application/ics", "invite.ics")
    assert attachment.get_payload(decode=True) == ics
    return Mail(message, text, html, ics, calendar.get_param("method"))


def rows(kind: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def mails(kind: str) -> dict[str, Mail]:
    """The queued ``kind`` messages by recipient address (one each, or the dict would hide it)."""
    found = rows(kind)
    by_recipient = {row.recipient: read(row.message) for row in found}
    assert len(by_recipient) == len(found), "someone got two messages"
    return by_recipient


def emails(world, *logins) -> set[str]:
    return {world[login].email for login in logins}


def invitation_of(meeting, person):
    (found,) = [i for i in meeting.invitations if i.person_id == person.id]
    return found


def assert_calendar(mail: Mail, meeting: Meeting, method: str) -> None:
    """The calendar part is sound, for this meeting, and its METHOD is the MIME method."""
    assert mail.method == method
    assert problems(mail.calendar, method=mail.method) == []
    calendar = Calendar.from_ical(mail.calendar)
    assert calendar["METHOD"] == method
    event = mail.event
    assert str(event["UID"]) == f"meeting-{meeting.id}@orglife.local"
    assert event.decoded("DTSTART").astimezone(UTC) == meeting.starts_at
    assert event.decoded("DTEND").astimezone(UTC) == meeting.ends_at
    assert event["SEQUENCE"] == meeting.ical_sequence


def assert_only_attendee(mail: Mail, address: str, *, role="REQ-PARTICIPANT", rsvp="TRUE",
                         partstat="NEEDS-ACTION") -> None:
    (attendee,) = mail.attendees
    assert str(attendee) == f"mailto:{address}"
    assert (attendee.params["ROLE"], attendee.params["PARTSTAT"], attendee.params["RSVP"]) == (
        role, partstat, rsvp)


def assert_chinese_body(mail: Mail, meeting: Meeting, invitee_name: str) -> None:
    url = links.meeting_url(meeting.id)
    for body in (mail.text, mail.html):
        assert f"{invitee_name}，您好" in body and meeting.title in body and "北京时间" in body
        assert url in body
    # NOW + 3 days, in Beijing time; a meeting within one day prints its date once
    for body in (mail.text, mail.html):
        assert "2026年6月4日 星期四 10:00–12:00（北京时间）" in body and body.count("2026年6月4日") == 1
    assert 'lang="zh-CN"' in mail.html


def assert_rsvp_links(ctx, mail: Mail, invitation) -> None:
    """Two signed links in text and HTML, for this invitation, that lead to a real route."""
    tokens = mail.rsvp_tokens()
    assert len(tokens) == 2 and RSVP_LINK.findall(mail.html) == tokens
    claims = [links.read_rsvp_token(token, TEST_NOW) for token in tokens]
    assert [(c.invitation_id, c.person_id, c.action) for c in claims] == [
        (invitation.id, invitation.person_id, "attend"), (invitation.id, invitation.person_id, "leave")]
    routes = ctx.url_map.bind("orglife.test")
    attend_url = links.rsvp_url(invitation.id, invitation.person_id, "attend")
    for url in (attend_url, links.meeting_url(invitation.meeting_id)):
        routes.match(urlsplit(url).path)  # raises NotFound if mail links drift from the routes


@pytest.fixture
def meeting(world):
    """Scheduled at ``NOW`` for three days later; branch a1 invited, invites queued."""
    meeting = make_meeting(world)
    db.session.commit()
    return meeting


# --- invite ---------------------------------------------------------------------------------

def test_each_invitee_gets_one_invite_addressed_to_them_alone(ctx, world, meeting):
    invites = mails("invite")
    assert set(invites) == emails(world, *BRANCH)
    for login in BRANCH:
        person = world[login]
        mail = invites[person.email]
        assert mail.to == [person.email] and mail.message["Cc"] is None and mail.message["Bcc"] is None
        assert mail.message["Subject"] == "【会议通知】学习贯彻主题党日"
        assert mail.message["From"].addresses[0].addr_spec == "orglife@localhost"
        assert_calendar(mail, meeting, "REQUEST")
        assert_only_attendee(mail, person.email)
        assert str(mail.event["ORGANIZER"]) == "mailto:orglife@localhost"
        assert_chinese_body(mail, meeting, person.name)
        assert_rsvp_links(ctx, mail, invitation_of(meeting, person))
        others = emails(world, *BRANCH) - {person.email}
        assert not any(o in part for o in others for part in (mail.text, mail.html, mail.calendar.decode()))
    assert {r.person_id for r in rows("invite")} == {world[login].id for login in BRANCH}
    assert {r.meeting_id for r in rows("invite")} == {meeting.id}


def test_an_observer_is_a_non_participant(world):
    guest = world["b_member"].id  # of another committee: named by login on the form
    meeting = make_meeting(world, observer_ids=[guest], named_observer_ids=frozenset({guest}))
    mail = mails("invite")["b_member@example.org"]
    assert_calendar(mail, meeting, "REQUEST")
    assert_only_attendee(mail, "b_member@example.org", role="NON-PARTICIPANT")
    assert "您的身份：列席" in mail.text
    assert mail.rsvp_tokens()  # an observer from the tree still answers


def test_a_member_without_email_is_invited_but_mailed_nothing(world):
    silent = make_person(world.a1, "王无邮")
    meeting = make_meeting(world)
    assert silent.id in {i.person_id for i in meeting.invitations}
    assert set(mails("invite")) == emails(world, *BRANCH)
    assert silent.id not in {r.person_id for r in rows()}


def test_an_outside_guest_gets_an_invite_without_rsvp_links(world):
    meeting = make_meeting(world, guests=[("外单位嘉宾", "guest@example.com")])
    mail = mails("invite")["guest@example.com"]
    assert mail.to == ["guest@example.com"]
    assert mail.message["To"].addresses[0].display_name == "外单位嘉宾"
    assert_calendar(mail, meeting, "REQUEST")
    assert_only_attendee(mail, "guest@example.com", role="NON-PARTICIPANT")
    assert mail.rsvp_tokens() == [] and "/rsvp/" not in mail.html
    assert links.meeting_url(meeting.id) in mail.text
    (guest_row,) = [r for r in rows("invite") if r.recipient == "guest@example.com"]
    assert guest_row.person_id is None


def test_what_the_secretary_typed_is_escaped_in_html_and_literal_in_text(world):
    make_meeting(world, title="学习<b>党章</b> & 讨论", agenda="<script>alert(1)</script>")
    mail = mails("invite")["member@example.org"]
    assert "<script>" not in mail.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in mail.html
    assert "学习&lt;b&gt;党章&lt;/b&gt; &amp; 讨论" in mail.html
    assert "学习<b>党章</b> & 讨论" in mail.text and "<script>alert(1)</script>" in mail.text
    assert mail.message["Subject"] == "【会议通知】学习<b>党章</b> & 讨论"


def test_a_late_record_mails_nobody(world):
    fields = make_fields(world, starts_at=NOW - timedelta(days=5), late_record=True)
    scheduling.schedule_meeting(world["secretary"], world.a1, fields, NOW)
    db.session.commit()
    assert rows() == []


def test_mail_is_written_in_the_same_transaction_as_the_meeting(world):
    make_meeting(world)
    assert len(rows("invite")) == 3
    db.session.rollback()
    assert rows() == [] and db.session.scalars(sa.select(Meeting)).all() == []


def test_a_refused_plan_queues_nothing(world):
    with pytest.raises(scheduling.SchedulingError):
        make_meeting(world, title=" ")
    assert rows() == []


# --- update and cancel -------------------------------------------------------------------------

def reschedule(world, meeting, *, hours=2, **overrides):
    fields = make_fields(world, starts_at=meeting.starts_at + timedelta(hours=hours), **overrides)
    scheduling.update_meeting(world["secretary"], meeting, fields, NOW, version=meeting.version)
    db.session.commit()


def test_a_reschedule_is_a_request_with_the_same_uid_and_the_next_sequence(ctx, world, meeting):
    responses.attend(world["member"], invitation_of(meeting, world["member"]), NOW)
    db.session.commit()
    invites = mails("invite")
    reschedule(world, meeting)
    updates = mails("update")
    assert set(updates) == emails(world, *BRANCH) and meeting.ical_sequence == 1
    for login in BRANCH:
        person = world[login]
        mail, before = updates[person.email], invites[person.email]
        assert mail.to == [person.email]
        assert mail.message["Subject"] == "【会议变更】学习贯彻主题党日"
        assert_calendar(mail, meeting, "REQUEST")
        assert problems(mail.calendar, method="REQUEST", previous=before.calendar) == []
        assert mail.event["UID"] == before.event["UID"]
        assert (before.event["SEQUENCE"], mail.event["SEQUENCE"]) == (0, 1)
        assert mail.event.decoded("DTSTAMP") >= before.event.decoded("DTSTAMP")
        assert mail.event.decoded("DTSTART") == before.event.decoded("DTSTART") + timedelta(hours=2)
        # Everyone is asked again, including the member who had already said yes.
        assert_only_attendee(mail, person.email)
        assert "重新回复" in mail.text
        assert_rsvp_links(ctx, mail, invitation_of(meeting, person))


def test_a_change_nobody_sees_in_a_calendar_sends_nothing(world, meeting):
    reschedule(world, meeting, hours=0, reminder_minutes=60)
    assert rows("update") == [] and meeting.ical_sequence == 0


def test_cancel_is_a_cancel_with_a_higher_sequence(world, meeting):
    invites = mails("invite")
    scheduling.cancel_meeting(world["secretary"], meeting, "与上级党委会议冲突", NOW)
    db.session.commit()
    cancels = mails("cancel")
    assert set(cancels) == emails(world, *BRANCH)
    for login in BRANCH:
        person = world[login]
        mail = cancels[person.email]
        assert mail.to == [person.email]
        assert mail.message["Subject"] == "【会议取消】学习贯彻主题党日"
        assert_calendar(mail, meeting, "CANCEL")
        assert problems(mail.calendar, method="CANCEL", previous=invites[person.email].calendar) == []
        assert mail.event["STATUS"] == "CANCELLED" and mail.event["SEQUENCE"] == 1
        assert_only_attendee(mail, person.email, rsvp="FALSE")
        assert "以下会议已取消" in mail.text and "与上级党委会议冲突" in mail.text
        assert mail.rsvp_tokens() == []


def test_a_removed_invitee_gets_a_cancel_while_the_meeting_goes_on(world, meeting):
    invites = mails("invite")
    keep = [world["secretary"].id, world["recorder"].id]
    fields = make_fields(world, invitee_ids=keep)
    scheduling.update_meeting(world["secretary"], meeting, fields, NOW, version=meeting.version)
    db.session.commit()
    cancels = mails("cancel")
    assert set(cancels) == {"member@example.org"} and rows("update") == []
    mail = cancels["member@example.org"]
    assert_calendar(mail, meeting, "CANCEL")
    assert problems(mail.calendar, method="CANCEL", previous=invites["member@example.org"].calendar) == []
    assert_only_attendee(mail, "member@example.org", rsvp="FALSE")
    assert mail.event["STATUS"] == "CANCELLED"
    assert "您已不在以下会议的参会名单中" in mail.text and mail.rsvp_tokens() == []


# --- reminder and nudge ----------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "subject", "words"), [
    ("reminder", "【会议提醒】学习贯彻主题党日", "即将召开"),
    ("nudge", "【请回复参会】学习贯彻主题党日", "请尽快回复"),
])
def test_reminders_and_nudges_carry_no_calendar(ctx, world, meeting, kind, subject, words):
    assert notify.meeting_mail(meeting, meeting.invitations, kind, NOW) == 3
    sent = mails(kind)
    assert set(sent) == emails(world, *BRANCH)
    for login in BRANCH:
        mail = sent[world[login].email]
        assert mail.calendar is None and mail.method is None
        assert mail.to == [world[login].email] and mail.message["Subject"] == subject
        assert words in mail.text
        assert_chinese_body(mail, meeting, world[login].name)
        assert_rsvp_links(ctx, mail, invitation_of(meeting, world[login]))


def test_an_unknown_kind_of_mail_is_a_programming_error(world, meeting):
    with pytest.raises(ValueError, match="unknown mail kind"):
        notify.meeting_mail(meeting, meeting.invitations, "digest", NOW)


# --- a real SMTP server -----------------------------------------------------------------------

@pytest.fixture
def smtp(ctx, monkeypatch):
    """An SMTP server on 127.0.0.1, with ``SMTP_URL`` pointing at it."""
    server = SmtpServer()
    server.start()
    monkeypatch.setitem(ctx.config, "SMTP_URL", server.url)
    yield server.handler
    server.stop()


def test_invites_travel_through_smtp_intact(ctx, world, meeting, smtp):
    transport = transports.transport_from_config(ctx.config, ctx.instance_path)
    assert isinstance(transport, transports.SmtpTransport)
    report = delivery.deliver_due(NOW, transport=transport)
    assert len(report.sent) == 3 and not report.retrying and not report.failed
    assert sorted(tuple(e.rcpt_tos) for e in smtp.envelopes) == [(a,) for a in sorted(emails(world, *BRANCH))]
    for envelope in smtp.envelopes:
        mail = read(envelope.content)
        assert envelope.mail_from == "orglife@localhost"
        assert mail.to == envelope.rcpt_tos
        assert_calendar(mail, meeting, "REQUEST")
        assert_only_attendee(mail, envelope.rcpt_tos[0])
    assert all(r.status == OutboxStatus.SENT for r in rows())


# --- reminders through ``send-mail --once`` (the command reads the real clock) -----------------

@pytest.fixture
def spool(ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(ctx.config, "SMTP_URL", None)
    monkeypatch.setitem(ctx.config, "MAIL_SPOOL", str(tmp_path / "spool"))
    return tmp_path / "spool"


def scheduled_two_days_ago(world, *, title="支部党员大会"):
    """A meeting two hours from now, scheduled two days ago: its 24-hour reminder is overdue."""
    now = TEST_NOW
    fields = make_fields(world, title=title, starts_at=now + timedelta(hours=2))
    meeting = scheduling.schedule_meeting(world["secretary"], world.a1, fields, now - timedelta(days=2))
    db.session.commit()
    assert meeting.remind_at < now
    return meeting


def send_mail_once(ctx) -> str:
    result = ctx.test_cli_runner().invoke(args=["send-mail", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def test_an_overdue_reminder_is_sent_once(ctx, world, spool):
    meeting = scheduled_two_days_ago(world)
    output = send_mail_once(ctx)
    assert "Queued reminders for 1 meeting(s)" in output
    reminders = rows("reminder")
    assert {r.recipient for r in reminders} == emails(world, *BRANCH)
    assert all(r.status == OutboxStatus.SENT and r.meeting_id == meeting.id for r in reminders)
    assert meeting.remind_at is None and meeting.reminder_sent_at is not None
    assert read(reminders[0].message).calendar is None
    assert len(list(spool.iterdir())) == 6  # three invites and three reminders
    output = send_mail_once(ctx)
    assert "Queued reminders" not in output and "sent 0" in output
    assert len(rows("reminder")) == 3


def test_a_cancelled_meeting_gets_no_reminder(ctx, world, spool):
    meeting = scheduled_two_days_ago(world)
    scheduling.cancel_meeting(world["secretary"], meeting, "改期另行通知", TEST_NOW)
    db.session.commit()
    send_mail_once(ctx)
    assert rows("reminder") == [] and len(rows("cancel")) == 3


def test_a_cancelled_meeting_with_a_stale_reminder_time_gets_none(ctx, world, spool):
    meeting = scheduled_two_days_ago(world)
    scheduling.cancel_meeting(world["secretary"], meeting, "改期另行通知", TEST_NOW)
    meeting.remind_at = TEST_NOW - timedelta(hours=1)  # as a row written before the cancel rule was
    db.session.commit()
    send_mail_once(ctx)
    assert rows("reminder") == []


def test_invitees_excused_from_the_meeting_get_no_reminder(ctx, world, spool):
    meeting = scheduled_two_days_ago(world)
    invitation = invitation_of(meeting, world["member"])
    responses.request_leave(world["member"], invitation, "外出学习", TEST_NOW)
    responses.decide_leave(world["secretary"], invitation, True, TEST_NOW)
    responses.request_leave(world["recorder"], invitation_of(meeting, world["recorder"]), "待定", TEST_NOW)
    db.session.commit()
    send_mail_once(ctx)
    assert invitation.rsvp == Rsvp.LEAVE_APPROVED
    # A pending or rejected request is no excuse yet: the recorder is still reminded.
    assert {r.recipient for r in rows("reminder")} == emails(world, "secretary", "recorder")


def test_a_reminder_not_yet_due_waits(ctx, world, spool):
    now = TEST_NOW
    fields = make_fields(world, starts_at=now + timedelta(days=3))
    meeting = scheduling.schedule_meeting(world["secretary"], world.a1, fields, now)
    db.session.commit()
    send_mail_once(ctx)
    assert rows("reminder") == [] and meeting.remind_at == meeting.starts_at - timedelta(days=1)


def test_ical_js_reads_invite_update_and_cancel_with_the_database_times(world, meeting, tmp_path):
    invite = mails("invite")[world["member"].email]
    reschedule(world, meeting)
    update = mails("update")[world["member"].email]
    scheduling.cancel_meeting(world["secretary"], meeting, "与上级会议冲突", NOW)
    cancel = mails("cancel")[world["member"].email]
    parsed = read_with_ical_js({"invite": invite.calendar, "update": update.calendar,
                                "cancel": cancel.calendar}, tmp_path)  # as Thunderbird reads them
    expected = (("invite", "REQUEST", 0), ("update", "REQUEST", 1), ("cancel", "CANCEL", 2))
    for name, method, sequence in expected:
        (event,) = parsed[name]["events"]
        assert parsed[name]["method"] == method and event["sequence"] == sequence
        assert event["uid"] == f"meeting-{meeting.id}@orglife.local" and event["zone"] == "Asia/Shanghai"
    db.session.expire_all()
    assert event["start"] == meeting.starts_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert event["status"] == "CANCELLED"
