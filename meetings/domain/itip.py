"""iTIP answers from calendar clients (RFC 5546): REPLY (参加/谢绝/待定) and COUNTER (改期建议).

Pure: calendar bytes in, plain answers out; nothing here knows meetings or people. What the
clients send differs (CALENDAR.md "Replies"): Outlook adds ``X-MICROSOFT-CDO-*`` properties,
names its zone "China Standard Time" and may change the address's case; Gmail and Apple send
only the replying ATTENDEE; Thunderbird may add a COMMENT. A file that is not iCalendar, or
holds nothing to act on, gives no answers rather than an error: the caller logs and moves on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from icalendar import Calendar

from meetings.domain.scheduling import BEIJING

METHODS = ("REPLY", "COUNTER")
PARTSTATS = ("ACCEPTED", "DECLINED", "TENTATIVE")
MAX_COMMENT = 500
MAX_ANSWERS = 20  # RFC 5546: a REPLY has one ATTENDEE; a series answer a few VEVENTs
# A time outside these years is no meeting time: stored and shown, 9999-12-31 overflows the
# conversion to Beijing time on every page that shows it.
EARLIEST, LATEST = datetime(1971, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Answer:
    """One attendee's answer for one event (or one occurrence of a series)."""

    method: str  # REPLY | COUNTER
    uid: str
    sequence: int
    attendee: str  # the address, lower case, without "mailto:"
    partstat: str | None  # ACCEPTED | DECLINED | TENTATIVE (a COUNTER may have none)
    organizer: str  # lower case, without "mailto:" — it carries the reply token
    recurrence_id: datetime | None = None  # UTC: the occurrence answered for, if only one
    comment: str = ""
    proposed_start: datetime | None = None  # COUNTER: the time the attendee asks for (UTC)
    proposed_end: datetime | None = None


def answers(data: bytes | str) -> list[Answer]:
    """Every REPLY or COUNTER answer in a calendar file; [] if it is anything else."""
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, KeyError, IndexError, TypeError):
        return []
    method = str(calendar.get("METHOD", "")).strip().upper()
    if method not in METHODS:
        return []
    found = []
    for event in calendar.walk("VEVENT"):
        found.extend(_event_answers(method, event))
    return found[:MAX_ANSWERS]


def _event_answers(method: str, event) -> list[Answer]:
    uid = str(event.get("UID", "")).strip()
    if not uid:
        return []
    try:
        sequence = int(str(event.get("SEQUENCE", "0")).strip() or 0)
        if sequence < 0:  # not a SEQUENCE anyone sent (RFC 5545: a non-negative integer)
            return []
        recurrence_id = _utc(event.decoded("RECURRENCE-ID")) if "RECURRENCE-ID" in event else None
        start = _utc(event.decoded("DTSTART")) if method == "COUNTER" and "DTSTART" in event else None
        end = _utc(event.decoded("DTEND")) if method == "COUNTER" and "DTEND" in event else None
    except (ValueError, TypeError, KeyError, OverflowError):
        return []
    organizer = _address(event.get("ORGANIZER"))
    comment = " ".join(" ".join(str(c) for c in _listed(event.get("COMMENT"))).split())
    comment = "".join(ch for ch in comment if ch.isprintable())[:MAX_COMMENT]  # no NUL, it is stored
    found = []
    for attendee in _listed(event.get("ATTENDEE")):
        partstat = str(attendee.params.get("PARTSTAT", "")).upper() if hasattr(attendee, "params") else ""
        if method == "REPLY" and partstat not in PARTSTATS:
            continue
        found.append(Answer(method=method, uid=uid, sequence=sequence, attendee=_address(attendee),
                            partstat=partstat if partstat in PARTSTATS else None, organizer=organizer,
                            recurrence_id=recurrence_id, comment=comment, proposed_start=start,
                            proposed_end=end))
    return found


def _listed(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _address(value) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:"):]
    return text.strip().lower()


def _utc(value) -> datetime:
    """A DATE-TIME (in its zone; floating taken as Beijing) or a DATE, as aware UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=BEIJING)
        moment = value.astimezone(UTC)
    elif isinstance(value, date):
        moment = datetime.combine(value, time(), tzinfo=BEIJING).astimezone(UTC)
    else:
        raise ValueError(f"not a date or time: {value!r}")
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"no meeting time: {moment.isoformat()}")
    return moment
