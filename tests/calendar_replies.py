"""REPLY messages as real calendar clients send them, built from an OrgLife invite.

Each builder follows what the client's documentation and the messages it is known to send show
(MS-OXCICAL for Outlook/Exchange, RFC 6047 iMIP for the others): the MIME layout, transfer
encoding, charset, the properties the client adds, and how it writes the answering attendee.
They take the invite as mailed (bytes) so that UID, SEQUENCE and ORGANIZER are the invite's
own — the signed reply address included — unless a test changes them to forge or go stale.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import default as default_policy
from zoneinfo import ZoneInfo

from icalendar import Calendar

CLIENTS = ("outlook", "apple", "gmail", "thunderbird")
SUBJECT_WORDS = {  # what each client's Chinese UI puts before the title
    "outlook": {"ACCEPTED": "接受", "DECLINED": "拒绝", "TENTATIVE": "暂定"},
    "gmail": {"ACCEPTED": "已接受", "DECLINED": "已拒绝", "TENTATIVE": "暂定"},
}
STAMP = "20261120T020000Z"


@dataclass(frozen=True)
class Invite:
    """What a client reads from the invite it answers."""

    uid: str
    sequence: int
    organizer: str  # "mailto:…"
    attendee: str  # the address it was sent to
    name: str
    summary: str
    dtstart: datetime
    dtend: datetime


def read_invite(raw: bytes) -> Invite:
    message = message_from_bytes(raw, policy=default_policy)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    attendee = event["ATTENDEE"]
    return Invite(uid=str(event["UID"]), sequence=int(event.get("SEQUENCE", 0)),
                  organizer=str(event["ORGANIZER"]), attendee=str(attendee)[len("mailto:"):],
                  name=str(attendee.params.get("CN", "")), summary=str(event["SUMMARY"]),
                  dtstart=event.decoded("DTSTART"), dtend=event.decoded("DTEND"))


def reply(client: str, invite: Invite, partstat: str, *, comment: str = "", attendee: str | None = None,
          sequence: int | None = None, uid: str | None = None, organizer: str | None = None,
          charset: str = "utf-8", method: str = "REPLY", proposed: tuple[datetime, datetime] | None = None,
          message_id: str | None = None, recurrence_id: datetime | None = None) -> bytes:
    """The client's REPLY (or COUNTER) mail, with the overrides a test needs; ``recurrence_id``
    answers for one occurrence of a series only, as each client writes it."""
    answer = _Answer(invite, partstat, comment, attendee or invite.attendee,
                     invite.sequence if sequence is None else sequence, uid or invite.uid,
                     organizer or invite.organizer, method, proposed, recurrence_id)
    return BUILDERS[client](answer, charset=charset, message_id=message_id)


@dataclass(frozen=True)
class _Answer:
    invite: Invite
    partstat: str
    comment: str
    attendee: str
    sequence: int
    uid: str
    organizer: str
    method: str
    proposed: tuple[datetime, datetime] | None
    recurrence_id: datetime | None = None

    def recurrence_line(self, zone: str | None) -> str | None:
        """RECURRENCE-ID in the client's own zone name, or in UTC (``zone`` None) as Gmail writes it."""
        if self.recurrence_id is None:
            return None
        if zone is None:
            return f"RECURRENCE-ID:{self.recurrence_id.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"
        return f"RECURRENCE-ID;TZID={zone}:{_local(self.recurrence_id)}"

    def start_end(self) -> tuple[datetime, datetime]:
        return self.proposed or (self.invite.dtstart, self.invite.dtend)


def _local(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%dT%H%M%S")


def _lines(*lines: str) -> str:
    return "\r\n".join(line for line in lines if line is not None) + "\r\n"


def _outlook_calendar(a: _Answer) -> str:
    start, end = a.start_end()
    word = SUBJECT_WORDS["outlook"].get(a.partstat, "")
    return _lines(
        "BEGIN:VCALENDAR", f"METHOD:{a.method}", "PRODID:Microsoft Exchange Server 2010", "VERSION:2.0",
        "BEGIN:VTIMEZONE", "TZID:China Standard Time", "BEGIN:STANDARD", "DTSTART:16010101T000000",
        "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800", "END:STANDARD", "BEGIN:DAYLIGHT", "DTSTART:16010101T000000",
        "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800", "END:DAYLIGHT", "END:VTIMEZONE",
        "BEGIN:VEVENT",
        # Outlook writes the address as the user's own directory entry has it: upper case here.
        f"ATTENDEE;PARTSTAT={a.partstat};CN={a.invite.name}:mailto:{a.attendee.upper()}",
        f"COMMENT;LANGUAGE=zh-CN:{a.comment}" if a.comment else None,
        f"SUMMARY;LANGUAGE=zh-CN:{word}: {a.invite.summary}",
        f"DTSTART;TZID=China Standard Time:{_local(start)}", f"DTEND;TZID=China Standard Time:{_local(end)}",
        f"UID:{a.uid}", a.recurrence_line("China Standard Time"), "CLASS:PUBLIC", "PRIORITY:5",
        f"DTSTAMP:{STAMP}", "TRANSP:OPAQUE", "STATUS:CONFIRMED",
        f"SEQUENCE:{a.sequence}", f"ORGANIZER:{a.organizer}", "LOCATION;LANGUAGE=zh-CN:三楼会议室",
        f"X-MICROSOFT-CDO-APPT-SEQUENCE:{a.sequence}", "X-MICROSOFT-CDO-OWNERAPPTID:-1",
        "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE", "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
        "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE", "X-MICROSOFT-CDO-IMPORTANCE:1", "X-MICROSOFT-CDO-INSTTYPE:0",
        "X-MICROSOFT-DONOTFORWARDMEETING:FALSE", "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
        "END:VEVENT", "END:VCALENDAR")


def _outlook(a: _Answer, *, charset: str, message_id: str | None) -> bytes:
    """multipart/alternative: text/plain and text/html in the user's charset, then the calendar
    as ``text/calendar; method=REPLY`` in base64 (Exchange always base64-encodes it)."""
    message = _headers(a, f"{SUBJECT_WORDS['outlook'].get(a.partstat, '')}: {a.invite.summary}", message_id)
    message["Thread-Topic"] = a.invite.summary
    message["Thread-Index"] = "AdrPq0wHAVV2/bYaT8Kmv1m6z5Y0Ag=="
    message["X-MS-Has-Attach"] = ""
    message["X-MS-TNEF-Correlator"] = ""
    message.set_content(a.comment or " ", charset=charset, cte="base64")
    message.add_alternative(f"<html><body><p>{a.comment}</p></body></html>", subtype="html", charset=charset,
                            cte="base64")
    message.add_alternative(_outlook_calendar(a).encode("utf-8"), maintype="text", subtype="calendar",
                            params={"method": a.method, "charset": "utf-8"}, cte="base64")
    return message.as_bytes(policy=SMTP_POLICY)


def _apple(a: _Answer, *, charset: str, message_id: str | None) -> bytes:
    """Apple Calendar through Mail: a short REPLY with only the answering ATTENDEE (with EMAIL=),
    quoted-printable, named ``iCal-….ics``."""
    start, end = a.start_end()
    ics = _lines(
        "BEGIN:VCALENDAR", f"METHOD:{a.method}", "VERSION:2.0", "PRODID:-//Apple Inc.//macOS 14.4//EN",
        "CALSCALE:GREGORIAN", "BEGIN:VEVENT",
        f"ATTENDEE;CN={a.invite.name};CUTYPE=INDIVIDUAL;EMAIL={a.attendee};PARTSTAT={a.partstat}:"
        f"mailto:{a.attendee}",
        f"DTEND;TZID=Asia/Shanghai:{_local(end)}", f"DTSTAMP:{STAMP}",
        f"DTSTART;TZID=Asia/Shanghai:{_local(start)}", f"ORGANIZER:{a.organizer}", f"SEQUENCE:{a.sequence}",
        f"SUMMARY:{a.invite.summary}", f"UID:{a.uid}", a.recurrence_line("Asia/Shanghai"),
        f"COMMENT:{a.comment}" if a.comment else None,
        "END:VEVENT", "END:VCALENDAR")
    message = _headers(a, f"Invitation: {a.invite.summary}", message_id)
    message["X-Mailer"] = "iPhone Mail (21E236)"
    message.set_content(f"{a.invite.name} 已回复邀请。\n", charset=charset, cte="quoted-printable")
    params = {"method": a.method, "charset": charset, "name": "iCal-20261120-100000.ics"}
    message.add_alternative(ics.encode(charset), maintype="text", subtype="calendar", cte="quoted-printable",
                            params=params)
    return message.as_bytes(policy=SMTP_POLICY)


def _gmail(a: _Answer, *, charset: str, message_id: str | None) -> bytes:
    """Gmail: mixed → alternative (plain, html, text/calendar method=REPLY, base64 for non-ASCII) plus the
    same file again as ``application/ics; name="invite.ics"``."""
    start, end = a.start_end()
    ics = _lines(
        "BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
        "CALSCALE:GREGORIAN", f"METHOD:{a.method}", "BEGIN:VEVENT",
        f"DTSTART:{start.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
        f"DTEND:{end.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}", f"DTSTAMP:{STAMP}",
        f"ORGANIZER:{a.organizer}", f"UID:{a.uid}", a.recurrence_line(None),
        f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={a.partstat};CN={a.attendee};X-NUM-GUESTS=0:"
        f"mailto:{a.attendee}",
        f"COMMENT:{a.comment}" if a.comment else None,
        "CREATED:20261101T000000Z", "LAST-MODIFIED:20261120T020000Z", f"SEQUENCE:{a.sequence}",
        "STATUS:CONFIRMED", f"SUMMARY:{a.invite.summary}", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR")
    word = SUBJECT_WORDS["gmail"].get(a.partstat, "")
    when = "2026年11月20日周五 10:00 - 12:00 (GMT+8)"
    message = _headers(a, f"{word}: {a.invite.summary} @ {when} ({a.attendee})", message_id)
    message.set_content(f"{a.attendee} 已接受此邀请。\n", charset=charset)
    message.add_alternative(f"<p>{a.attendee} 已接受此邀请。</p>", subtype="html", charset=charset)
    message.add_alternative(ics.encode("utf-8"), maintype="text", subtype="calendar", cte="base64",
                            params={"method": a.method, "charset": "UTF-8"})
    message.make_mixed()
    message.add_attachment(ics.encode("utf-8"), maintype="application", subtype="ics", filename="invite.ics")
    return message.as_bytes(policy=SMTP_POLICY)


def _thunderbird(a: _Answer, *, charset: str, message_id: str | None) -> bytes:
    """Thunderbird (Lightning): mixed → text/plain, then text/calendar method=REPLY in 8bit, with
    a COMMENT when the user typed one and its X-MOZ properties."""
    start, end = a.start_end()
    ics = _lines(
        "BEGIN:VCALENDAR", "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN", "VERSION:2.0",
        f"METHOD:{a.method}", "BEGIN:VEVENT", "CREATED:20261120T020000Z", f"DTSTAMP:{STAMP}",
        "LAST-MODIFIED:20261120T020000Z", f"UID:{a.uid}", a.recurrence_line("Asia/Shanghai"),
        f"SUMMARY:{a.invite.summary}",
        f"ORGANIZER:{a.organizer}",
        f"ATTENDEE;RSVP=TRUE;CN={a.invite.name};PARTSTAT={a.partstat};ROLE=REQ-PARTICIPANT:mailto:{a.attendee}",
        f"DTSTART;TZID=Asia/Shanghai:{_local(start)}", f"DTEND;TZID=Asia/Shanghai:{_local(end)}",
        f"SEQUENCE:{a.sequence}", f"COMMENT:{a.comment}" if a.comment else None,
        "X-MOZ-RECEIVED-SEQUENCE:" + str(a.sequence), f"X-MOZ-RECEIVED-DTSTAMP:{STAMP}",
        "END:VEVENT", "END:VCALENDAR")
    message = _headers(a, f"Accepted: {a.invite.summary}", message_id)
    message["User-Agent"] = "Mozilla Thunderbird"
    message.set_content(f"{a.invite.name} has accepted your event invitation.\n", charset=charset)
    message.make_mixed()
    message.add_attachment(ics.encode(charset), maintype="text", subtype="calendar", disposition="inline",
                           params={"method": a.method, "charset": charset}, cte="8bit" if charset == "utf-8"
                           else "quoted-printable")
    return message.as_bytes(policy=SMTP_POLICY)


def _headers(a: _Answer, subject: str, message_id: str | None) -> EmailMessage:
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = f"{a.invite.name} <{a.attendee}>"
    message["To"] = a.organizer[len("mailto:"):]
    message["Subject"] = subject
    message["Date"] = "Fri, 20 Nov 2026 10:00:00 +0800"
    digest = hashlib.sha256(f"{a.uid}|{a.partstat}|{a.attendee}|{a.sequence}|{a.method}".encode()).hexdigest()
    message["Message-ID"] = message_id or f"<{digest[:24]}@client.test>"
    return message


BUILDERS = {"outlook": _outlook, "apple": _apple, "gmail": _gmail, "thunderbird": _thunderbird}


def out_of_office(to: str, subject: str) -> bytes:
    """An Exchange-style automatic reply (RFC 3834 Auto-Submitted plus Exchange's own header)."""
    message = EmailMessage()
    message["From"] = "刘党员 <member@example.org>"
    message["To"] = to
    message["Subject"] = f"自动答复: {subject}"
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message["Message-ID"] = "<oof-1@client.test>"
    message.set_content("我正在休假，11月30日回来。")
    return message.as_bytes()


def bounce(failed: str, original: bytes, *, status: str = "5.1.1",
           message_id: str = "<dsn-1@mta.test>") -> bytes:
    """A Postfix delivery status notification (RFC 3464) carrying the failed message's headers."""
    headers = original.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    return (
        "From: MAILER-DAEMON@mta.test (Mail Delivery System)\r\n"
        "To: orglife@orglife.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {message_id}\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe mail system could not deliver it.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mta.test\r\nArrival-Date: Fri, 20 Nov 2026 10:00:00 +0800\r\n\r\n"
        f"Final-Recipient: rfc822; {failed}\r\nOriginal-Recipient: rfc822;{failed}\r\nAction: failed\r\n"
        f"Status: {status}\r\nDiagnostic-Code: smtp; 550 5.1.1 <{failed}>: Recipient address rejected\r\n\r\n"
        f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\n{headers}\r\n--B--\r\n"
    ).encode()
