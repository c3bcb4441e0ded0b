"""Mail that reaches OrgLife's reply address (回复邮箱), sorted before anything acts on it.

Pure: the raw RFC 5322 bytes in, a ``Sorted`` out. Three kinds matter:
- a delivery status notification (退信, RFC 3464 ``multipart/report``): which addresses failed,
  and the Message-ID of the message that failed, so that only a bounce of our own mail counts;
- an automatic answer (out-of-office, vacation, list software; RFC 3834 ``Auto-Submitted`` and
  the older ``X-Autoreply``/``Precedence`` headers): ignored, never answered;
- a calendar answer: every ``text/calendar`` or ``.ics`` part, whatever its transfer encoding
  (Outlook sends base64) or charset (GBK and GB18030 from Chinese clients).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from email.utils import getaddresses

MAX_BYTES = 10 * 2**20  # an answer is a few kB; a message this large is not one
MAX_PARTS = 200
MAX_CALENDAR_BYTES = 256 * 2**10  # a REPLY is a few kB; parsing megabytes of ATTENDEEs costs minutes
ADDRESS_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc", "Envelope-To")
_CALENDAR_TYPES = ("text/calendar", "application/ics", "text/x-vcalendar", "application/octet-stream")
_AUTO_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


@dataclass(frozen=True)
class Bounce:
    """A DSN: the recipients whose delivery failed for good, and the failed message's id."""

    recipients: tuple[str, ...]
    message_id: str | None
    diagnostic: str = ""


@dataclass(frozen=True)
class Sorted:
    """What kind of mail this is and what it holds."""

    kind: str  # calendar | bounce | auto_reply | other | too_large
    message_id: str | None = None
    sender: str = ""
    addressed_to: tuple[str, ...] = ()  # lower case, from the delivery headers
    calendars: tuple[bytes, ...] = ()
    bounce: Bounce | None = None
    subject: str = ""
    reasons: list[str] = field(default_factory=list)


def sort(raw: bytes) -> Sorted:
    """Classify one message (never raises on malformed mail: it becomes ``other``)."""
    if len(raw) > MAX_BYTES:
        return Sorted(kind="too_large")
    try:
        return _sort(message_from_bytes(raw, policy=default_policy))
    except RecursionError:  # multiparts nested thousands deep: nobody's calendar sends that
        return Sorted(kind="other", reasons=["unreadable"])


def _sort(message: Message) -> Sorted:
    base = dict(message_id=_message_id(message.get("Message-ID", "")), sender=_sender(message),
                addressed_to=_addressed_to(message), subject=_header(message, "Subject")[:200])
    bounce = _bounce(message)
    if bounce is not None:
        return Sorted(kind="bounce", bounce=bounce, **base)
    if is_automatic(message):
        return Sorted(kind="auto_reply", **base)
    calendars = tuple(_calendar_parts(message))
    return Sorted(kind="calendar" if calendars else "other", calendars=calendars, **base)


def is_automatic(message: Message) -> bool:
    """An answer no person wrote (RFC 3834 and what Exchange and Postfix's vacation send)."""
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return True
    if _header(message, "X-Autoreply") or _header(message, "X-Autorespond"):
        return True
    if _header(message, "Precedence").strip().lower() in _AUTO_PRECEDENCE:
        return True
    return bool(_header(message, "List-Id") or _header(message, "List-Unsubscribe"))


def _bounce(message: Message) -> Bounce | None:
    if message.get_content_type() != "multipart/report":
        return None
    if str(message.get_param("report-type", "")).lower() != "delivery-status":
        return None
    recipients, diagnostic, original = [], "", None
    for part in _walk(message):
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            failed, diagnostic = _failed_recipients(part)
            recipients += failed
        elif kind in ("message/rfc822", "text/rfc822-headers") and original is None:
            original = _original_message_id(part)
    unique = tuple(dict.fromkeys(recipients))
    return Bounce(recipients=unique, message_id=original, diagnostic=diagnostic[:300])


def _failed_recipients(part: Message) -> tuple[list[str], str]:
    """Per-recipient fields of a DSN whose Action is "failed" (RFC 3464 §2.3)."""
    failed, diagnostic = [], ""
    for block in _status_blocks(part):
        if block.get("action", "").strip().lower() != "failed":
            continue
        recipient = block.get("final-recipient") or block.get("original-recipient") or ""
        address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
        if "@" in address:
            failed.append(address)
            diagnostic = diagnostic or block.get("diagnostic-code", "").split(";", 1)[-1].strip()
    return failed, diagnostic


def _status_blocks(part: Message) -> list[dict[str, str]]:
    """The DSN's field groups; the email package parses them into sub-messages, or not."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [{k.lower(): str(v) for k, v in block.items()} for block in payload]
    text = payload if isinstance(payload, str) else ""
    blocks = []
    for chunk in re.split(r"\r?\n\s*\r?\n", text):
        fields = {}
        for line in chunk.splitlines():
            name, _, value = line.partition(":")
            if value:
                fields[name.strip().lower()] = value.strip()
        if fields:
            blocks.append(fields)
    return blocks


def _original_message_id(part: Message) -> str | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload:
        return _message_id(payload[0].get("Message-ID", ""))
    match = re.search(r"(?im)^message-id:\s*(<[^>]+>)", payload if isinstance(payload, str) else "")
    return _message_id(match.group(1)) if match else None


def _calendar_parts(message: Message):
    seen = set()
    for part in _walk(message):
        kind, filename = part.get_content_type(), (part.get_filename() or "").lower()
        unnamed_file = kind == "application/octet-stream" and not filename.endswith(".ics")
        if kind not in _CALENDAR_TYPES or unnamed_file:
            continue
        data = _decoded(part)
        if len(data) > MAX_CALENDAR_BYTES:
            continue
        if data and b"BEGIN:VCALENDAR" in data.upper() and data not in seen:
            seen.add(data)
            yield data


def _decoded(part: Message) -> bytes:
    """The part's bytes as UTF-8 (icalendar reads UTF-8), from whatever charset it declares."""
    try:
        data = part.get_payload(decode=True) or b""
    except (ValueError, LookupError, AssertionError):
        return b""
    charset = (part.get_content_charset() or "utf-8").lower()
    if charset in ("gb2312", "gbk"):
        charset = "gb18030"  # a superset: GB2312 and GBK labels often hide GB18030 text
    try:
        return data.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace").encode("utf-8")


def _walk(message: Message):
    for count, part in enumerate(message.walk()):
        if count >= MAX_PARTS:
            return
        yield part


def _addressed_to(message: Message) -> tuple[str, ...]:
    values = []
    for name in ADDRESS_HEADERS:
        values += [str(v) for v in message.get_all(name, [])]
    return tuple(dict.fromkeys(a.lower() for _, a in getaddresses(values) if "@" in a))


def _sender(message: Message) -> str:
    found = getaddresses([_header(message, "From")])
    return found[0][1].lower() if found else ""


def _header(message: Message, name: str) -> str:
    """The header's text, with control characters (NUL from an encoded word) as spaces: the
    text is stored, and PostgreSQL refuses NUL in text."""
    try:
        value = str(message.get(name, "") or "")
    except (ValueError, TypeError, IndexError):  # a header the parser could not make sense of
        return ""
    return "".join(ch if ch.isprintable() else " " for ch in value)


def _message_id(value) -> str | None:
    match = _MESSAGE_ID.search(str(value or ""))
    return match.group() if match else None

