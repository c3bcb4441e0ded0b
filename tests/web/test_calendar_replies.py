"""Calendar answers by mail (issue 15 #1): "Accept" in Outlook, Apple Calendar, Gmail or
Thunderbird updates the RSVP; forged, stale and automatic mail changes nothing and is logged.

The invites are the ones OrgLife queued (their ORGANIZER is the signed reply address); each
answer is built the way the client builds it (tests/calendar_replies.py) and handed to
``receive-mail``'s handler, as the MTA's pipe would.
"""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.commands.receive_mail import HANDLED, handle
from meetings.domain.terms import Rsvp
from meetings.extensions import db
from meetings.models import InboundMail, Invitation, OutboxMessage, Person
from meetings.services import reply_address, scheduling
from tests import calendar_replies as clients
from tests.meeting_builders import NOW, make_fields, make_meeting

REPLY_ADDRESS = "组织生活回复 <rsvp@orglife.test>"
EXPECTED = {"ACCEPTED": Rsvp.ATTENDING, "DECLINED": Rsvp.LEAVE_REQUESTED, "TENTATIVE": Rsvp.TENTATIVE}


@pytest.fixture(autouse=True)
def replies_read(app, clock, monkeypatch, world):
    monkeypatch.setitem(app.config, "REPLY_ADDRESS", REPLY_ADDRESS)
    clock.pin(NOW)
    from meetings.services import meeting_types
    meeting_types.install_defaults()
    db.session.commit()


@pytest.fixture
def meeting(world):
    scheduled = make_meeting(world)
    db.session.commit()
    return scheduled


def invite_of(person: Person) -> bytes:
    """The newest invite or update queued for ``person``."""
    return db.session.scalars(sa.select(OutboxMessage.message).where(
        OutboxMessage.person_id == person.id, OutboxMessage.kind.in_(["invite", "update"]))
        .order_by(OutboxMessage.id.desc())).first()


def invitation_of(meeting, person: Person) -> Invitation:
    db.session.expire_all()
    return db.session.scalar(sa.select(Invitation).where(
        Invitation.meeting_id == meeting.id, Invitation.person_id == person.id))


def logged() -> InboundMail:
    return db.session.scalars(sa.select(InboundMail).order_by(InboundMail.id.desc())).first()


def test_the_invite_names_a_signed_reply_address_as_organizer(world, meeting):
    invite = clients.read_invite(invite_of(world["member"]))
    invitation = invitation_of(meeting, world["member"])
    assert invite.organizer == f"mailto:{reply_address.for_invitation(invitation.id)}"
    assert invite.organizer.startswith(f"mailto:rsvp+i{invitation.id}-")
    assert invitation.sequence_sent == 0


def test_every_invite_is_marked_as_machine_sent(world, meeting):
    raw = invite_of(world["member"])
    assert b"\r\nAuto-Submitted: auto-generated\r\n" in raw


@pytest.mark.parametrize("partstat", list(EXPECTED))
@pytest.mark.parametrize("client", clients.CLIENTS)
def test_a_clients_answer_updates_the_rsvp(world, meeting, client, partstat):
    invite = clients.read_invite(invite_of(world["member"]))
    assert handle(clients.reply(client, invite, partstat)) == HANDLED
    invitation = invitation_of(meeting, world["member"])
    assert invitation.rsvp == EXPECTED[partstat]
    if partstat == "DECLINED":
        assert invitation.leave_reason == "在日历中谢绝"  # for the secretary to approve as any leave
    assert (logged().outcome, logged().reason, logged().invitation_id) == ("applied", partstat.lower(),
                                                                           invitation.id)


@pytest.mark.parametrize("client", clients.CLIENTS)
def test_a_decline_with_a_comment_gives_the_reason(world, meeting, client):
    invite = clients.read_invite(invite_of(world["member"]))
    handle(clients.reply(client, invite, "DECLINED", comment="出差在外，无法参加"))
    invitation = invitation_of(meeting, world["member"])
    assert (invitation.rsvp, invitation.leave_reason) == (Rsvp.LEAVE_REQUESTED, "出差在外，无法参加")


@pytest.mark.parametrize("client", clients.CLIENTS)
def test_someone_else_answering_with_the_members_address_changes_nothing(world, meeting, client):
    """The recorder forwards themselves the member's invite and answers it as themselves."""
    invite = clients.read_invite(invite_of(world["member"]))
    assert handle(clients.reply(client, invite, "DECLINED", attendee=world["recorder"].email)) == HANDLED
    assert invitation_of(meeting, world["member"]).rsvp == Rsvp.PENDING
    assert invitation_of(meeting, world["recorder"]).rsvp == Rsvp.PENDING
    assert (logged().outcome, logged().reason) == ("ignored", "not_the_invitee")


@pytest.mark.parametrize("client", clients.CLIENTS)
def test_a_forged_reply_address_changes_nothing(world, meeting, client):
    """The member's address as ATTENDEE, but a reply address whose signature was guessed."""
    invite = clients.read_invite(invite_of(world["member"]))
    invitation = invitation_of(meeting, world["member"])
    forged = f"mailto:rsvp+i{invitation.id}-{'a' * 16}@orglife.test"
    assert handle(clients.reply(client, invite, "DECLINED", organizer=forged)) == HANDLED
    assert invitation_of(meeting, world["member"]).rsvp == Rsvp.PENDING
    assert (logged().outcome, logged().reason) == ("ignored", "no_signed_address")


@pytest.mark.parametrize("client", clients.CLIENTS)
def test_an_answer_to_an_older_version_changes_nothing(world, meeting, client):
    old = clients.read_invite(invite_of(world["member"]))
    fields = make_fields(world, starts_at=meeting.starts_at + timedelta(days=1))
    scheduling.update_meeting(world["secretary"], meeting, fields, NOW, version=meeting.version)
    db.session.commit()
    assert handle(clients.reply(client, old, "ACCEPTED")) == HANDLED
    assert invitation_of(meeting, world["member"]).rsvp == Rsvp.PENDING
    assert (logged().outcome, logged().reason) == ("ignored", "stale_sequence")
    new = clients.read_invite(invite_of(world["member"]))
    assert new.sequence == old.sequence + 1
    handle(clients.reply(client, new, "ACCEPTED"))
    assert invitation_of(meeting, world["member"]).rsvp == Rsvp.ATTENDING


def test_an_answer_for_another_uid_changes_nothing(world, meeting):
    invite = clients.read_invite(invite_of(world["member"]))
    handle(clients.reply("gmail", invite, "ACCEPTED", uid="meeting-999999@orglife.local"))
    assert invitation_of(meeting, world["member"]).rsvp == Rsvp.PENDING
    assert logged().reason == "unknown_uid"


def test_an_answer_for_a_cancelled_meeting_changes_nothing(world, meeting):
    invite = clients.read_invite(invite_of(world["member"]))
    scheduling.cancel_meeting(world["secretary"], meeting, "与上级会议冲突", NOW)
    db.session.commit()
    handle(clients.reply("outlook", invite, "ACCEPTED"))
    assert invitation_of(meeting, world["member"]).rsvp == Rsvp.PENDING
    assert logged().reason == "cancelled"


def test_the_same_message_delivered_twice_is_acted_on_once(world, meeting):
    invite = clients.read_invite(invite_of(world["member"]))
    raw = clients.reply("thunderbird", invite, "DECLINED", comment="家中有事")
    assert handle(raw) == handle(raw) == HANDLED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InboundMail)) == 1


def test_an_approved_leave_is_not_undone_by_a_second_decline(world, meeting):
    invite = clients.read_invite(invite_of(world["member"]))
    handle(clients.reply("apple", invite, "DECLINED", message_id="<first@client.test>"))
    invitation = invitation_of(meeting, world["member"])
    invitation.rsvp = Rsvp.LEAVE_APPROVED
    db.session.commit()
    handle(clients.reply("apple", invite, "DECLINED", comment="再次谢绝", message_id="<second@client.test>"))
    assert invitation_of(meeting, world["member"]).rsvp == Rsvp.LEAVE_APPROVED
    assert (logged().outcome, logged().reason) == ("ignored", "unchanged")


@pytest.mark.parametrize("charset", ["gbk", "gb18030"])
def test_answers_in_chinese_charsets_are_read(world, meeting, charset):
    invite = clients.read_invite(invite_of(world["member"]))
    handle(clients.reply("thunderbird", invite, "DECLINED", comment="在外地学习", charset=charset))
    invitation = invitation_of(meeting, world["member"])
    assert (invitation.rsvp, invitation.leave_reason) == (Rsvp.LEAVE_REQUESTED, "在外地学习")


def test_quoted_printable_answers_are_read(world, meeting):
    invite = clients.read_invite(invite_of(world["member"]))
    raw = clients.reply("apple", invite, "TENTATIVE", comment="尽量参加")
    assert b"quoted-printable" in raw
    handle(raw)
    assert invitation_of(meeting, world["member"]).rsvp == Rsvp.TENTATIVE


def test_an_out_of_office_answer_is_ignored_and_logged(world, meeting):
    handle(clients.out_of_office("rsvp@orglife.test", "【会议通知】学习贯彻主题党日"))
    assert invitation_of(meeting, world["member"]).rsvp == Rsvp.PENDING
    assert (logged().kind, logged().outcome) == ("auto_reply", "ignored")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "alert")) == 0  # nothing is ever sent back


def test_a_bounce_of_our_invite_marks_the_address_undeliverable(world, meeting):
    raw = invite_of(world["member"])
    handle(clients.bounce(world["member"].email, raw))
    member = db.session.get(Person, world["member"].id)
    assert member.email_bounced_at == NOW and "Recipient address rejected" in member.email_bounce_reason
    assert (logged().kind, logged().outcome) == ("bounce", "applied")


def test_a_forged_bounce_marks_nobody(world, meeting):
    """A report about a message we never sent (its Message-ID is not in the outbox)."""
    fake = b"Message-ID: <not-ours@elsewhere>\r\nFrom: x@y\r\n\r\n"
    handle(clients.bounce(world["member"].email, fake))
    assert db.session.get(Person, world["member"].id).email_bounced_at is None
    assert (logged().kind, logged().reason) == ("bounce", "unknown_message")


def test_a_counter_proposal_is_kept_for_the_secretary(world, meeting):
    propose_later(world, meeting)
    later = (meeting.starts_at + timedelta(days=1), meeting.ends_at + timedelta(days=1))
    row = logged()
    assert (row.kind, row.outcome, row.meeting_id) == ("counter", "shown", meeting.id)
    assert row.proposed_start == later[0] and row.detail == "周五可以"
    assert invitation_of(meeting, world["member"]).rsvp == Rsvp.PENDING


def test_mail_that_is_no_answer_is_logged_and_ignored(world, meeting):
    handle(b"From: someone@example.org\r\nTo: rsvp@orglife.test\r\nSubject: hello\r\n"
           b"Message-ID: <plain@x>\r\n\r\nJust text.\r\n")
    assert (logged().kind, logged().outcome) == ("other", "ignored")


@pytest.mark.parametrize("raw", [
    b"", b"\x00\xff" * 100, b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x",
    b"Content-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n"])
def test_malformed_mail_is_handled_without_a_retry(world, raw):
    assert handle(raw) == HANDLED


def test_a_database_failure_asks_the_mta_to_retry(world, meeting, monkeypatch):
    from meetings.services import inbound_mail

    def down(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(inbound_mail, "receive", down)
    invite = clients.read_invite(invite_of(world["member"]))
    assert handle(clients.reply("gmail", invite, "ACCEPTED")) == 75


# --- what people see ---------------------------------------------------------------------

def propose_later(world, meeting):
    invite = clients.read_invite(invite_of(world["member"]))
    later = (meeting.starts_at + timedelta(days=1), meeting.ends_at + timedelta(days=1))
    raw = clients.reply("outlook", invite, "TENTATIVE", method="COUNTER", proposed=later, comment="周五可以")
    handle(raw)


def test_the_secretary_sees_a_counter_proposal_on_the_meeting_page(client, auth, world, meeting):
    propose_later(world, meeting)
    auth.login("secretary")
    page = client.get(f"/meetings/{meeting.id}").text
    assert "改期建议" in page and "周五可以" in page and world["member"].name in page
    assert "2026年6月5日 星期五 10:00–12:00" in page  # the proposed time, in Beijing


def test_a_member_does_not_see_the_proposals(client, auth, world, meeting):
    propose_later(world, meeting)
    auth.login("member")
    assert "改期建议" not in client.get(f"/meetings/{meeting.id}").text


def test_a_calendar_answer_shows_as_maybe_on_the_meeting_page(client, auth, world, meeting):
    handle(clients.reply("gmail", clients.read_invite(invite_of(world["member"])), "TENTATIVE"))
    auth.login("secretary")
    assert "待定" in client.get(f"/meetings/{meeting.id}").text


def test_a_bounced_address_is_shown_on_the_persons_page(client, auth, world, meeting):
    handle(clients.bounce(world["member"].email, invite_of(world["member"])))
    auth.login("secretary")
    page = client.get(f"/people/{world['member'].id}").text
    assert "退信" in page and "Recipient address rejected" in page


def test_a_new_address_clears_the_bounce(world, meeting):
    from meetings.services import roster

    handle(clients.bounce(world["member"].email, invite_of(world["member"])))
    member = db.session.get(Person, world["member"].id)
    fields = roster.MemberFields(name=member.name, login=member.login, email="liu.new@example.org",
                                 party_group_id=member.party_group_id)
    roster.update_member(world["secretary"], member, fields)
    db.session.commit()
    assert db.session.get(Person, member.id).email_bounced_at is None


def test_the_administrator_reads_the_received_mail_log(client, auth, world, meeting):
    forged = clients.read_invite(invite_of(world["member"]))
    handle(clients.reply("apple", forged, "DECLINED", attendee="intruder@example.net"))
    auth.login("admin")
    page = client.get("/mail/received")
    assert page.status_code == 200 and "答复人不是该邀请的收件人" in page.text


@pytest.mark.parametrize("login", ["secretary", "member"])
def test_others_may_not_read_the_received_mail_log(client, auth, world, login):
    auth.login(login)
    assert client.get("/mail/received").status_code == 403
