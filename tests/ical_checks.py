"""Structural checks on .ics bytes ("What tests should check" in CALENDAR.md), and sample meetings.

icalendar's own parser accepts most broken files, so ``problems()`` reads the raw bytes itself.
"""
import re
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from meetings.domain import ical
from meetings.domain.ical import Attendee, EventData

MAX_OCTETS = 75
ONCE_PER_EVENT = ("UID", "DTSTAMP", "DTSTART")
# Windows zone names ("China Standard Time") are not IANA names; strict clients drop the time zone.
WINDOWS_ZONE = re.compile(r"standard time|daylight time", re.IGNORECASE)


def problems(data: bytes, *, method: str | None = None, previous: bytes | None = None) -> list[str]:
    """Everything wrong with an .ics file, as readable strings (empty list: fine).

    ``method`` is the MIME part's method, which must equal the file's METHOD. ``previous`` is an
    earlier message for the same event: then the UID must match and the SEQUENCE be higher.
    """
    found = _raw_line_problems(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [*found, f"not UTF-8: {error}"]
    calendar, tree_problems = _parse(text)
    found += tree_problems
    if calendar is None:
        return found
    found += _calendar_problems(calendar, method)
    for event in calendar["VEVENT"]:
        found += _event_problems(event, _method_of(calendar))
    if previous is not None:
        found += _sequence_problems(calendar, previous)
    return found


def _raw_line_problems(data: bytes) -> list[str]:
    """CRLF line endings everywhere, and no physical line over 75 octets."""
    found = []
    if not data.endswith(b"\r\n"):
        found.append("file does not end with CRLF")
    for number, line in enumerate(data.split(b"\r\n"), start=1):
        if b"\n" in line or b"\r" in line:
            found.append(f"line {number}: bare LF or CR (lines must end with CRLF)")
        if len(line) > MAX_OCTETS:
            found.append(f"line {number}: {len(line)} octets (limit {MAX_OCTETS})")
        if "\u2028".encode() in line or "\u2029".encode() in line:
            found.append(f"line {number}: U+2028/U+2029 (tools that split lines on them see new lines)")
    return found


def _content_lines(text: str) -> list[str]:
    """Unfolded content lines (a line starting with space or tab continues the previous one)."""
    lines: list[str] = []
    for physical in re.split(r"\r\n|\n|\r", text):
        if physical[:1] in (" ", "\t") and lines:
            lines[-1] += physical[1:]
        elif physical:
            lines.append(physical)
    return lines


def split_line(line: str) -> tuple[str, dict[str, str], str]:
    """``NAME;PARAM=x;P2="a:b":value`` → (NAME, {PARAM: x, P2: a:b}, value); quotes respected."""
    head, in_quotes = "", False
    for index, char in enumerate(line):
        if char == '"':
            in_quotes = not in_quotes
        elif char == ":" and not in_quotes:
            head, value = line[:index], line[index + 1:]
            break
    else:
        raise ValueError(f"no ':' in content line {line!r}")
    name, *raw_params = re.findall(r'(?:[^;"]|"[^"]*")+', head)
    params = {}
    for raw in raw_params:
        key, _, val = raw.partition("=")
        params[key.upper()] = val.strip('"')
    return name.upper(), params, value


def _parse(text: str) -> tuple[dict | None, list[str]]:
    """A tree of components: dicts of property lists and child lists ("BEGIN" holds the type)."""
    found: list[str] = []
    stack: list[tuple[str, dict]] = []
    root = None
    for line in _content_lines(text):
        try:
            name, params, value = split_line(line)
        except ValueError as error:
            found.append(str(error))
            continue
        if name == "BEGIN":
            component: dict = {"BEGIN": value.upper()}
            if stack:
                stack[-1][1].setdefault(value.upper(), []).append(component)
            elif root is None:
                root = component
            else:
                found.append("more than one top-level component")
            stack.append((value.upper(), component))
        elif name == "END":
            if not stack or stack[-1][0] != value.upper():
                found.append(f"END:{value} does not match its BEGIN")
                return None, found
            stack.pop()
        elif not stack:
            found.append(f"property {name} outside any component")
        else:
            stack[-1][1].setdefault(name, []).append((params, value))
    if stack:
        found.append(f"unclosed component {stack[-1][0]}")
    if root is None or root["BEGIN"] != "VCALENDAR":
        return None, [*found, "no VCALENDAR"]
    root.setdefault("VEVENT", [])
    return root, found


def _method_of(calendar: dict) -> str | None:
    """The calendar's METHOD value (None when absent)."""
    methods = calendar.get("METHOD", [])
    return methods[0][1] if methods else None


def _calendar_problems(calendar: dict, method: str | None) -> list[str]:
    """VERSION, PRODID, METHOD = MIME method, and a VTIMEZONE (IANA name) for every TZID used."""
    found = []
    if [value for _, value in calendar.get("VERSION", [])] != ["2.0"]:
        found.append("VCALENDAR needs exactly one VERSION:2.0")
    if len(calendar.get("PRODID", [])) != 1:
        found.append("VCALENDAR needs exactly one PRODID")
    if len(calendar.get("METHOD", [])) > 1:
        found.append("more than one METHOD")
    if calendar.get("UID"):  # vdirsyncer/khal take it for every event's UID (CALENDAR.md, quirks)
        found.append("a calendar-level UID")
    if method is not None and _method_of(calendar) != method:
        found.append(f"METHOD is {_method_of(calendar)!r}, the MIME part says {method!r}")
    defined = {value for tz in calendar.get("VTIMEZONE", []) for _, value in tz.get("TZID", [])}
    used = set(_tzids_used(calendar))
    for tzid in sorted(used - defined):
        found.append(f"TZID {tzid} has no VTIMEZONE")
    zone_names = used | defined | {value for _, value in calendar.get("X-WR-TIMEZONE", [])}
    for tzid in sorted(zone_names):
        if WINDOWS_ZONE.search(tzid) or tzid not in _iana_zones():
            found.append(f"time zone {tzid!r} is not an IANA name")
    return found


def _tzids_used(component: dict):
    """Every TZID parameter on properties of the component and its children."""
    for items in component.values():
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                yield from _tzids_used(item)
            elif "TZID" in item[0]:
                yield item[0]["TZID"]


def _event_problems(event: dict, method: str | None) -> list[str]:
    """One UID/DTSTAMP/DTSTART, DTSTAMP in UTC, and what REQUEST and CANCEL require."""
    uid = event.get("UID", [({}, "?")])[0][1]
    found = []
    for name in ONCE_PER_EVENT:
        count = len(event.get(name, []))
        if count != 1:
            found.append(f"VEVENT {uid}: {count} {name} lines (need exactly one)")
    for _, value in event.get("DTSTAMP", []):
        if not value.endswith("Z"):
            found.append(f"VEVENT {uid}: DTSTAMP {value} is not UTC (no Z)")
    required = {"REQUEST": ("ORGANIZER", "ATTENDEE", "SUMMARY"), "CANCEL": ("ORGANIZER", "ATTENDEE")}
    for name in required.get(method or "", ()):
        if not event.get(name):
            found.append(f"VEVENT {uid}: {method} without {name}")
    statuses = [value for _, value in event.get("STATUS", [])]
    if method == "CANCEL" and statuses != ["CANCELLED"]:
        found.append(f"VEVENT {uid}: CANCEL needs STATUS:CANCELLED, has {statuses}")
    return found


def _sequence_problems(calendar: dict, previous: bytes) -> list[str]:
    """Same UID as the earlier message, and a higher SEQUENCE."""
    before, _ = _parse(previous.decode("utf-8"))
    if before is None or not before["VEVENT"] or not calendar["VEVENT"]:
        return ["cannot compare with the previous message"]
    old, new = before["VEVENT"][0], calendar["VEVENT"][0]
    found = []
    if old.get("UID") != new.get("UID"):
        found.append("UID differs from the previous message")
    old_seq, new_seq = (int(e.get("SEQUENCE", [({}, "0")])[0][1]) for e in (old, new))
    if new_seq <= old_seq:
        found.append(f"SEQUENCE {new_seq} is not higher than the previous {old_seq}")
    return found


@lru_cache(maxsize=1)
def _iana_zones() -> frozenset[str]:
    return frozenset(available_timezones())


# --- sample data shared by the iCalendar tests and the golden files ---------------------------

BEIJING = ZoneInfo("Asia/Shanghai")
HOST = "orglife.example.org"


def sample_meeting(**changes) -> EventData:
    """A realistic 主题党日 of 第一党支部 on 1 July 2026, 14:30–16:30 Beijing time."""
    meeting = EventData(
        uid=ical.meeting_uid(42, HOST),
        sequence=0,
        summary="七一专题组织生活会：以优良作风保证‘双胜利’",
        description="议程：\n1. 重温入党誓词；\n2. 学习党章第八章, 交流心得;\n3. 支部书记讲党课。",
        location="行政楼三楼党员活动室",
        url=f"https://{HOST}/meetings/42",
        starts_at=datetime(2026, 7, 1, 14, 30, tzinfo=BEIJING),
        ends_at=datetime(2026, 7, 1, 16, 30, tzinfo=BEIJING),
        status="CONFIRMED",
        organizer_email="secretary@example.org",
        organizer_name="王建国（支部书记）",
        updated_at=datetime(2026, 6, 20, 9, 15, 30, tzinfo=BEIJING),
        categories=["主题党日", "组织生活会"],
        attendees=[sample_member(), sample_observer()],
    )
    return replace(meeting, **changes)


def sample_member(**changes) -> Attendee:
    """A full member (正式党员) asked to reply."""
    return replace(Attendee(email="zhang.san@example.org", name="张三"), **changes)


def sample_observer(**changes) -> Attendee:
    """A 列席 observer from the Party committee."""
    return replace(Attendee(email="li.si@example.org", name="李四", role="observer"), **changes)


def sample_messages() -> dict[str, bytes]:
    """The four golden files: invite, update (moved to 15:00, new room), cancel, and a feed."""
    meeting = sample_meeting()
    moved = replace(
        meeting, sequence=1, location="行政楼五楼会议室",
        starts_at=datetime(2026, 7, 1, 15, 0, tzinfo=BEIJING),
        ends_at=datetime(2026, 7, 1, 17, 0, tzinfo=BEIJING),
        updated_at=datetime(2026, 6, 25, 18, 0, tzinfo=BEIJING))
    cancelled = replace(moved, sequence=2, status="CANCELLED",
                        updated_at=datetime(2026, 6, 28, 8, 0, tzinfo=BEIJING))
    next_month = sample_meeting(
        uid=ical.meeting_uid(43, HOST), summary="8月主题党日：学习贯彻全会精神",
        url=f"https://{HOST}/meetings/43", categories=["主题党日"],
        starts_at=datetime(2026, 8, 5, 9, 0, tzinfo=BEIJING),
        ends_at=datetime(2026, 8, 5, 11, 0, tzinfo=BEIJING))
    return {
        "invite": ical.invite(meeting, sample_member()),
        "update": ical.invite(moved, sample_member()),
        "cancel": ical.invite(cancelled, sample_member(), method="CANCEL"),
        "feed": ical.feed([next_month, cancelled], name="第一党支部 · 组织生活"),
    }
