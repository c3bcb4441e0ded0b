"""A series (例会) on the wire: one recurring event, as Outlook, Google and Apple send them.

Pure, like ``ical``. In the database each occurrence is its own meeting; here they become one
master VEVENT — DTSTART/DTEND of the first occurrence's slot in Asia/Shanghai, the rule as an
RRULE ending (UNTIL, in UTC) on the last slot, an EXDATE for every slot of the pattern that is
not shown (skipped when planned, cancelled, or one this invitee is not invited to) — plus an
override VEVENT (same UID, RECURRENCE-ID = its slot) for each occurrence that differs from the
master: moved, or with its own title, place or agenda. Every message and feed carries the
whole series with one SEQUENCE (CALENDAR.md "Recurrence"): a client that has only an override
could replace the series with it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from icalendar import Event, vRecur

from meetings.domain import recurrence
from meetings.domain.ical import (
    SHANGHAI,
    Attendee,
    EventData,
    Method,
    attendee_property,
    finish,
    new_calendar,
    vevent,
)


@dataclass(frozen=True)
class Occurrence:
    """One meeting of the series as the calendar sees it, and the slot the rule gave it."""

    slot: datetime  # the start the rule gave this occurrence (aware): its RECURRENCE-ID forever
    event: EventData


@dataclass(frozen=True)
class SeriesData:
    """The occurrences to show of one series (not cancelled, and for an invite: this invitee's)."""

    uid: str
    sequence: int
    rule: recurrence.Rule
    occurrences: tuple[Occurrence, ...]


def series_events(series: SeriesData) -> list[Event]:
    """The master and its overrides (the master first); [] when nothing is left to show."""
    shown = sorted(series.occurrences, key=lambda o: o.slot)
    if not shown:
        return []
    first, last = shown[0], shown[-1]
    length = timedelta(minutes=series.rule.duration_minutes)
    # One DTSTAMP/LAST-MODIFIED for the whole series: its latest change.
    stamp = max(o.event.updated_at for o in shown)
    master_data = replace(first.event, uid=series.uid, sequence=series.sequence, starts_at=first.slot,
                          ends_at=first.slot + length, updated_at=stamp)
    master = vevent(master_data, status=master_data.status)
    master.add("rrule", vRecur({**recurrence.rrule_parts(series.rule), "UNTIL": last.slot.astimezone(UTC)}))
    excluded, added = _excluded(series.rule, shown), _added(series.rule, shown)
    if excluded:
        master.add("exdate", [slot.astimezone(SHANGHAI) for slot in excluded])
    if added:
        master.add("rdate", [slot.astimezone(SHANGHAI) for slot in added])
    events = [master]
    for occurrence in shown:
        if _differs(occurrence, master_data, length):
            own = replace(occurrence.event, uid=series.uid, sequence=series.sequence, updated_at=stamp)
            override = vevent(own, status=own.status)
            override.add("recurrence-id", occurrence.slot.astimezone(SHANGHAI))
            events.append(override)
    return events


def invite(series: SeriesData, attendee: Attendee, method: Method = "REQUEST") -> bytes:
    """One iMIP message for one invitee with the whole series: REQUEST, or CANCEL of it all."""
    cal = new_calendar(method)
    events = series_events(series)
    if not events:
        raise ValueError("a series invite needs at least one occurrence")
    for event in events:
        if method == "CANCEL":
            event["STATUS"] = "CANCELLED"
        answering = replace(attendee, rsvp=method == "REQUEST" and attendee.rsvp)
        event.add("attendee", attendee_property(answering))
        cal.add_component(event)
    return finish(cal)


def _excluded(rule: recurrence.Rule, shown: list[Occurrence]) -> list[datetime]:
    """Slots the RRULE gives between the first and last shown ones that are not shown."""
    kept = {o.slot.astimezone(SHANGHAI).date() for o in shown}
    return [_at(shown, day) for day in _pattern(rule, shown)
            if day not in kept and not recurrence.rrule_skips(rule, day)]


def _added(rule: recurrence.Rule, shown: list[Occurrence]) -> list[datetime]:
    """Shown slots the RRULE cannot give (a 30th-of-the-month meeting in February): RDATEs."""
    return [o.slot for o in shown if recurrence.rrule_skips(rule, o.slot.astimezone(SHANGHAI).date())]


def _pattern(rule: recurrence.Rule, shown: list[Occurrence]) -> list:
    first_day = shown[0].slot.astimezone(SHANGHAI).date()
    return recurrence.pattern_dates(rule, first_day, shown[-1].slot.astimezone(SHANGHAI).date())


def _at(shown: list[Occurrence], day) -> datetime:
    """The slot time of day on ``day`` (every slot of a series starts at the same local time)."""
    start = shown[0].slot.astimezone(SHANGHAI).timetz().replace(tzinfo=None)
    return datetime.combine(day, start, tzinfo=SHANGHAI)


def _differs(occurrence: Occurrence, master: EventData, length: timedelta) -> bool:
    """Does this occurrence need its own VEVENT? Moved, or other text than the master's."""
    event = occurrence.event
    moved = event.starts_at != occurrence.slot or event.ends_at != occurrence.slot + length
    return moved or _content(event) != _content(master)


def _content(event: EventData) -> tuple:
    """What a client shows of an occurrence besides its time (the page link is each one's own)."""
    return (event.summary, event.description, event.location, tuple(event.categories), event.status,
            event.organizer_name)


def feed_events(series: Iterable[SeriesData]) -> list[Event]:
    """Every series' master and overrides, for a PUBLISH feed."""
    return [event for one in series for event in series_events(one)]
