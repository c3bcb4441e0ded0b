"""Reading calendar clients' answers (iTIP REPLY/COUNTER) and sorting received mail — pure."""
from datetime import UTC, datetime

import pytest

from meetings.domain import inbound, itip
from tests import calendar_replies as clients

INVITE = clients.Invite(
    uid="meeting-7@orglife.local", sequence=2, organizer="mailto:rsvp+i9-abcdefghijklmnop@o.test",
    attendee="member@example.org", name="刘党员", summary="主题党日",
    dtstart=datetime(2026, 12, 4, 7, 0, tzinfo=UTC), dtend=datetime(2026, 12, 4, 9, 0, tzinfo=UTC))


def answers_in(raw: bytes) -> list[itip.Answer]:
    mail = inbound.sort(raw)
    assert mail.kind == "calendar", mail
    return [a for data in mail.calendars for a in itip.answers(data)]


@pytest.mark.parametrize("partstat", ["ACCEPTED", "DECLINED", "TENTATIVE"])
@pytest.mark.parametrize("client", clients.CLIENTS)
def test_each_clients_reply_reads_the_same(client, partstat):
    (answer,) = set(answers_in(clients.reply(client, INVITE, partstat, comment="有事")))
    assert (answer.method, answer.uid, answer.sequence, answer.partstat) == ("REPLY", INVITE.uid, 2, partstat)
    assert answer.attendee == "member@example.org"  # Outlook's upper case folded
    assert answer.organizer == "rsvp+i9-abcdefghijklmnop@o.test"
    assert answer.comment == "有事"


def test_gmail_sends_the_answer_twice_and_it_is_read_once():
    raw = clients.reply("gmail", INVITE, "ACCEPTED")
    assert len(inbound.sort(raw).calendars) == 1  # the inline part and invite.ics are the same bytes


def test_outlooks_windows_zone_is_understood_in_a_counter():
    proposed = (datetime(2026, 12, 5, 7, 0, tzinfo=UTC), datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    (answer,) = answers_in(clients.reply("outlook", INVITE, "TENTATIVE", method="COUNTER", proposed=proposed))
    assert answer.method == "COUNTER"
    assert (answer.proposed_start, answer.proposed_end) == proposed  # "China Standard Time" is +08:00


@pytest.mark.parametrize("charset", ["gbk", "gb18030", "utf-8"])
def test_chinese_charsets(charset):
    (answer,) = answers_in(clients.reply("thunderbird", INVITE, "DECLINED", comment="出差", charset=charset))
    assert answer.comment == "出差"


@pytest.mark.parametrize("data", [b"", b"not a calendar",
                                  b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
                                  b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                                  b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\nSEQUENCE:abc\r\n"
                                  b"ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"])
def test_anything_else_gives_no_answer(data):
    assert itip.answers(data) == []


def test_an_answer_without_a_known_partstat_is_not_a_reply():
    data = (b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\n"
            b"ATTENDEE;PARTSTAT=DELEGATED:mailto:a@b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert itip.answers(data) == []


def test_an_out_of_office_is_automatic():
    assert inbound.sort(clients.out_of_office("rsvp@o.test", "会议通知")).kind == "auto_reply"


@pytest.mark.parametrize("header", ["Auto-Submitted: auto-replied", "X-Autoreply: yes", "Precedence: bulk",
                                    "List-Id: <party.example.org>"])
def test_automatic_mail_is_recognised_by_its_headers(header):
    raw = f"From: a@b\r\nTo: rsvp@o.test\r\n{header}\r\nSubject: x\r\n\r\nbody\r\n".encode()
    assert inbound.sort(raw).kind == "auto_reply"


def test_auto_submitted_no_is_a_person():
    raw = b"From: a@b\r\nTo: rsvp@o.test\r\nAuto-Submitted: no\r\nSubject: x\r\n\r\nbody\r\n"
    assert inbound.sort(raw).kind == "other"


def test_a_dsn_names_the_failed_recipient_and_message():
    original = b"Message-ID: <abc@orglife>\r\nTo: gone@example.org\r\n\r\n"
    mail = inbound.sort(clients.bounce("gone@example.org", original))
    assert mail.kind == "bounce"
    assert mail.bounce.recipients == ("gone@example.org",) and mail.bounce.message_id == "<abc@orglife>"
    assert "Recipient address rejected" in mail.bounce.diagnostic


def test_a_delayed_delivery_report_fails_nobody():
    original = b"Message-ID: <abc@orglife>\r\n\r\n"
    raw = clients.bounce("slow@example.org", original).replace(b"Action: failed", b"Action: delayed")
    assert inbound.sort(raw).bounce.recipients == ()


def test_delivery_headers_are_collected_for_the_signed_address():
    raw = (b"Delivered-To: rsvp+i9-abcdefghijklmnop@o.test\r\nTo: RSVP@o.test\r\nFrom: a@b\r\n"
           b"Subject: x\r\n\r\nbody\r\n")
    assert inbound.sort(raw).addressed_to == ("rsvp+i9-abcdefghijklmnop@o.test", "rsvp@o.test")


def test_a_huge_message_is_not_read():
    assert inbound.sort(b"x" * (inbound.MAX_BYTES + 1)).kind == "too_large"
