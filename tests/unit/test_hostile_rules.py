"""Rules behind the hostile-input sweep, as pure functions: names as stored, 入党日期, the meeting's
online link and earliest date, and a series that would run past the year 9999."""
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from meetings.domain import people
from meetings.domain.recurrence import Frequency, Rule, occurrences, validate
from meetings.domain.scheduling import BEIJING, EARLIEST, Plan, check, is_web_address

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("raw", "stored"), [
    ("张三", "张三"),
    ("  张  三 ", "张 三"),
    ("\u3000张\u3000三\u3000", "张 三"),  # ideographic spaces
    ("张三🎉", "张三🎉"),
    ("👨\u200d👩\u200d👧王家", "👨\u200d👩\u200d👧王家"),  # ZWJ keeps the family one emoji
    ("❤\ufe0f", "❤\ufe0f"),  # a variation selector attaches to its letter
    ("Zoe\u0308", "Zoe\u0308"),  # a combining mark on a letter is kept as typed (not normalized)
    ("张\u200b三", "张三"), ("\ufeff张三", "张三"), ("张三\u2060", "张三"), ("\u200e张三\u200f", "张三"),
    ("张\u00ad三", "张三"),  # soft hyphen
    ("\u0301张三", "张三"), ("张 \u0308三", "张 三"),  # marks with nothing to sit on
    ("\u200d张三\u200d", "张三"), ("张\u200d 三", "张 三"),  # joiners joining nothing
    ("\u3164", ""), ("\u115f\u1160", ""), ("\u2800", ""),  # letters that draw nothing
    ("\u200b\ufeff\u200d\u0301 ", ""),
    ("\u202e三张", "\u202e三张"), ("张三\u2067", "张三\u2067"),  # kept, for the control check to refuse
    (None, ""),
])
def test_clean_name_keeps_what_shows_and_drops_what_does_not(raw, stored):
    assert people.clean_name(raw) == stored


@pytest.mark.parametrize("name", ["\u202e三张", "张三\u2067", "\u202a张三", "张\x00三"])
def test_bidi_controls_left_in_a_name_are_control_characters(name):
    assert people.has_control_characters(people.clean_name(name))


@pytest.mark.parametrize(("day", "problem"), [
    (date(2020, 7, 1), None), (date(1921, 7, 1), None), (date(1920, 12, 31), "1921"),
    (date(1, 1, 1), "1921"), (date(2026, 6, 2), "今天"), (date(9999, 12, 31), "今天")])
def test_joined_date_between_1921_and_today(day, problem):
    found = people.joined_problem(day, date(2026, 6, 1))
    assert (found is None) if problem is None else problem in found


def plan(**changes) -> Plan:
    starts = NOW + timedelta(days=3)
    return replace(Plan(title="主题党日", starts_at=starts, ends_at=starts + timedelta(hours=2),
                        type_codes=["theme_day"], invitee_ids=[1]), **changes)


@pytest.mark.parametrize(("url", "ok"), [
    ("https://meeting.example.org/j/1", True), ("HTTP://example.org", True), (" https://x.org ", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("data:text/html,x", False),
    ("//evil.example", False), ("\x01https://x.org", False), ("", True), (None, True)])
def test_the_online_link_must_be_http(url, ok):
    errors = [e for e in check(plan(online_url=url), NOW) if e.field == "online_url"]
    assert (errors == []) is ok
    assert not url or is_web_address(url) is ok


@pytest.mark.parametrize("starts", [
    datetime(1, 1, 1, 0, 30, tzinfo=BEIJING), datetime(1900, 1, 1, 15, tzinfo=BEIJING),
    EARLIEST - timedelta(minutes=1)])
def test_no_meeting_before_1921_even_as_a_late_record(starts):
    errors = check(plan(starts_at=starts, ends_at=starts + timedelta(hours=1), late_record=True), NOW)
    assert [e.field for e in errors] == ["starts_at"] and "1921" in errors[0].text


def test_a_late_record_from_1921_is_fine():
    assert check(plan(starts_at=EARLIEST, ends_at=EARLIEST + timedelta(hours=1), late_record=True), NOW) == []


def test_a_series_that_would_run_past_9999_is_refused_not_crashed():
    rule = Rule(frequency=Frequency.WEEKLY, first_date=date(9999, 12, 31), start_time=time(15),
                duration_minutes=60, weekday=date(9999, 12, 31).weekday(), count=3)
    assert [e.field for e in validate(rule, date(2026, 6, 1))] == ["count"]
    assert [o.local_date for o in occurrences(rule)] == [date(9999, 12, 31)]


def test_a_monthly_series_in_9998_stops_at_the_end_of_the_calendar():
    rule = Rule(frequency=Frequency.MONTHLY_BY_DAY, first_date=date(9998, 6, 1), start_time=time(15),
                duration_minutes=60, day=31, until=date(9999, 12, 31))
    assert validate(rule, date(2026, 6, 1)) == []
    assert occurrences(rule)[-1].local_date == date(9999, 12, 31)
