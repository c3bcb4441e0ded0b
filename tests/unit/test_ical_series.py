"""A series as one recurring event (issue 15 #2, CALENDAR.md "Recurrence"): independent parsers
expand the master + overrides to exactly the dates of the occurrences, in Asia/Shanghai."""
import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from meetings.domain import ical, ical_series, recurrence
from meetings.domain.recurrence import LAST, Frequency, Rule
from tests.ical_checks import problems, sample_meeting, sample_member
from tests.ical_js import read_with_ical_js

UID = "series-7@orglife.example.org"
WIDE = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))


def series_of(rule: Rule, *, moved: dict[int, timedelta] | None = None, dropped: set[int] = frozenset(),
              retitled: dict[int, str] | None = None) -> ical_series.SeriesData:
    """The rule's occurrences as meetings: some moved, some left out (cancelled), some renamed."""
    shown = []
    for n, occurrence in enumerate(recurrence.occurrences(rule)):
        if n in dropped:
            continue
        shift = (moved or {}).get(n, timedelta())
        title = (retitled or {}).get(n, "主题党日")
        event = sample_meeting(uid=f"meeting-{100 + n}@orglife.example.org", summary=title,
                               url=f"https://o.test/meetings/{100 + n}",
                               starts_at=occurrence.starts_at + shift, ends_at=occurrence.ends_at + shift)
        shown.append(ical_series.Occurrence(slot=occurrence.starts_at, event=event))
    return ical_series.SeriesData(uid=UID, sequence=3, rule=rule, occurrences=tuple(shown))


def published(series: ical_series.SeriesData) -> bytes:
    cal = ical.new_calendar("PUBLISH")
    for event in ical_series.series_events(series):
        cal.add_component(event)
    return ical.finish(cal)


def expected(series: ical_series.SeriesData) -> list[datetime]:
    return sorted(o.event.starts_at for o in series.occurrences)


def by_recurring_ical_events(data: bytes) -> list[datetime]:
    events = recurring_ical_events.of(Calendar.from_ical(data)).between(*WIDE)
    return sorted(e.decoded("DTSTART").astimezone(UTC) for e in events)


def by_vobject(data: bytes) -> list[datetime]:
    parsed = vobject.readOne(data.decode())
    master = next(e for e in parsed.vevent_list if not hasattr(e, "recurrence_id"))
    overrides = {e.recurrence_id.value.astimezone(UTC): e.dtstart.value.astimezone(UTC)
                 for e in parsed.vevent_list if hasattr(e, "recurrence_id")}
    starts = [s.astimezone(UTC) for s in master.getrruleset(addRDate=True)]
    return sorted(overrides.get(s, s) for s in starts)


RULES = {
    "weekly": Rule(Frequency.WEEKLY, date(2026, 12, 2), time(15, 0), 120, weekday=2, count=8),
    "fortnightly": Rule(Frequency.WEEKLY, date(2026, 12, 2), time(9, 30), 90, interval=2, weekday=4, count=6),
    "first friday": Rule(Frequency.MONTHLY_BY_WEEKDAY, date(2026, 12, 1), time(15, 0), 120, weekday=4,
                         ordinal=1, count=12),
    "last thursday": Rule(Frequency.MONTHLY_BY_WEEKDAY, date(2026, 12, 1), time(14, 30), 120, weekday=3,
                          ordinal=LAST, count=12),
    "the 15th": Rule(Frequency.MONTHLY_BY_DAY, date(2026, 12, 1), time(15, 0), 120, day=15, count=12),
    "the 31st": Rule(Frequency.MONTHLY_BY_DAY, date(2026, 12, 1), time(15, 0), 120, day=31, count=14),
    "the 30th": Rule(Frequency.MONTHLY_BY_DAY, date(2027, 1, 1), time(15, 0), 60, day=30, count=14),
    "the 30th from february": Rule(Frequency.MONTHLY_BY_DAY, date(2027, 2, 1), time(15, 0), 60, day=30,
                                   count=7),
    "the 29th": Rule(Frequency.MONTHLY_BY_DAY, date(2027, 1, 1), time(15, 0), 60, day=29, count=26),
    "with skips": Rule(Frequency.WEEKLY, date(2026, 12, 2), time(15, 0), 120, weekday=2, count=6,
                       skip=frozenset({date(2026, 12, 30), date(2027, 1, 27)})),
    "until": Rule(Frequency.MONTHLY_BY_WEEKDAY, date(2026, 12, 1), time(8, 0), 60, weekday=0, ordinal=2,
                  until=date(2027, 6, 30)),
}


@pytest.mark.parametrize("name", list(RULES))
def test_an_unchanged_series_is_one_event(name):
    series = series_of(RULES[name])
    data = published(series)
    assert problems(data, method="PUBLISH") == []
    assert data.count(b"BEGIN:VEVENT") == 1 and b"RRULE:" in data
    assert by_recurring_ical_events(data) == expected(series)
    assert by_vobject(data) == expected(series)


@pytest.mark.parametrize("name", list(RULES))
def test_moved_and_cancelled_occurrences(name):
    rule = RULES[name]
    count = len(recurrence.occurrences(rule))
    series = series_of(rule, moved={1: timedelta(days=1, hours=2)}, dropped={2, count - 2},
                       retitled={3: "主题党日（调整议程）"})
    data = published(series)
    assert problems(data, method="PUBLISH") == []
    assert data.count(b"RECURRENCE-ID") == 2  # the moved and the renamed one
    assert by_recurring_ical_events(data) == expected(series)
    assert by_vobject(data) == expected(series)


def test_a_series_whose_first_occurrence_is_cancelled_starts_at_the_next():
    series = series_of(RULES["weekly"], dropped={0})
    data = published(series)
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert event.decoded("DTSTART").astimezone(UTC) == expected(series)[0]
    assert by_recurring_ical_events(data) == expected(series)


def test_until_is_utc_and_times_are_beijing():
    data = published(series_of(RULES["weekly"]))
    assert b"DTSTART;TZID=Asia/Shanghai:20261202T150000" in data
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20270120T070000Z;BYDAY=WE" in data


def test_the_invite_is_one_message_with_the_whole_series_and_the_invitee():
    series = series_of(RULES["first friday"], moved={4: timedelta(days=7)})
    data = ical_series.invite(series, sample_member())
    assert problems(data, method="REQUEST") == []
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 2 and all(str(e["UID"]) == UID and e["SEQUENCE"] == 3 for e in events)
    assert all("ATTENDEE" in e for e in events)


def test_cancelling_the_series_cancels_every_component():
    data = ical_series.invite(series_of(RULES["weekly"], moved={2: timedelta(hours=1)}), sample_member(),
                              "CANCEL")
    assert problems(data, method="CANCEL") == []
    assert all(str(e["STATUS"]) == "CANCELLED" for e in Calendar.from_ical(data).walk("VEVENT"))


def test_nothing_left_to_show_is_no_event():
    assert ical_series.series_events(series_of(RULES["weekly"], dropped=set(range(8)))) == []


def test_the_same_series_renders_to_the_same_bytes():
    assert published(series_of(RULES["the 31st"])) == published(series_of(RULES["the 31st"]))


@pytest.mark.parametrize("seed", range(40))
def test_random_series_expand_to_the_database_dates(seed):
    chance = random.Random(seed)
    frequency = chance.choice(list(Frequency))
    rule = Rule(frequency, date(2026, 12, 1) + timedelta(days=chance.randrange(60)),
                time(chance.randrange(7, 20), chance.choice((0, 30))), chance.choice((60, 90, 120)),
                interval=chance.choice((1, 1, 2, 3)), weekday=chance.randrange(7),
                ordinal=chance.choice((1, 2, 3, 4, LAST)), day=chance.randrange(1, 32),
                count=chance.randrange(2, 20))
    count = len(recurrence.occurrences(rule))
    picks = list(range(count))
    chance.shuffle(picks)
    dropped = set(picks[:chance.randrange(0, max(1, count // 3))])
    moved = {n: timedelta(hours=chance.randrange(-30, 30)) for n in picks[len(dropped):len(dropped) + 2]}
    series = series_of(rule, moved=moved, dropped=dropped)
    if not series.occurrences:
        return
    data = published(series)
    assert problems(data, method="PUBLISH") == []
    assert by_recurring_ical_events(data) == expected(series), recurrence.rrule_parts(rule)
    assert by_vobject(data) == expected(series), recurrence.rrule_parts(rule)


def test_thunderbirds_parser_expands_series_to_the_database_dates(tmp_path):
    """ical.js (Mozilla's, in Thunderbird) over each rule, plain and with moves and cancels."""
    cases = {}
    for name, rule in RULES.items():
        count = len(recurrence.occurrences(rule))
        cases[f"{name}-plain"] = series_of(rule)
        changes = {"moved": {1: timedelta(days=1, hours=2)}, "dropped": {2, count - 2}}
        cases[f"{name}-changed"] = series_of(rule, **changes)
    files = {key.replace(" ", "_"): published(series) for key, series in cases.items()}
    read = read_with_ical_js(files, tmp_path)
    for key, series in cases.items():
        (master,) = read[key.replace(" ", "_")]["events"]
        starts = sorted(datetime.fromisoformat(s.replace("Z", "+00:00")) for s in master["occurrences"])
        assert starts == expected(series), key
