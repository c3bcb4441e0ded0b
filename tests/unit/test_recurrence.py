"""Recurring series (例会): expanding a rule into meetings, checking it, and saying it in Chinese."""
import calendar
import random
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from dateutil import rrule

from meetings.domain.recurrence import (
    LAST,
    MAX_OCCURRENCES,
    Frequency,
    Rule,
    describe,
    describe_parts,
    occurrences,
    this_and_following,
    validate,
)

TODAY = date(2026, 7, 1)  # a Wednesday
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def make_rule(**changes) -> Rule:
    """每月第一个星期五 15:00, two hours, six times, from ``TODAY``."""
    base = Rule(frequency=Frequency.MONTHLY_BY_WEEKDAY, first_date=TODAY, start_time=time(15),
                duration_minutes=120, weekday=FRI, ordinal=1, count=6)
    return replace(base, **changes)


def dates(rule: Rule) -> list[date]:
    return [o.local_date for o in occurrences(rule)]


def test_first_friday_of_each_month_for_six_months():
    assert dates(make_rule()) == [date(2026, 7, 3), date(2026, 8, 7), date(2026, 9, 4),
                                  date(2026, 10, 2), date(2026, 11, 6), date(2026, 12, 4)]


def test_last_thursday_handles_five_week_months():
    rule = make_rule(weekday=THU, ordinal=LAST, count=4)
    # July and October 2026 have five Thursdays, August and September four.
    assert dates(rule) == [date(2026, 7, 30), date(2026, 8, 27), date(2026, 9, 24), date(2026, 10, 29)]


@pytest.mark.parametrize(("year", "last_day"), [(2027, 28), (2028, 29)])
def test_day_31_in_february_falls_on_the_last_day(year, last_day):
    rule = make_rule(frequency=Frequency.MONTHLY_BY_DAY, day=31, first_date=date(year, 1, 1), count=4)
    assert dates(rule) == [date(year, 1, 31), date(year, 2, last_day), date(year, 3, 31), date(year, 4, 30)]


def test_day_15_is_the_15th_every_month():
    rule = make_rule(frequency=Frequency.MONTHLY_BY_DAY, day=15, count=3)
    assert dates(rule) == [date(2026, 7, 15), date(2026, 8, 15), date(2026, 9, 15)]


def test_skipped_date_is_left_out_and_count_means_meetings_held():
    rule = make_rule(skip={date(2026, 10, 2)})  # 国庆 holiday
    held = dates(rule)
    assert len(held) == 6
    assert date(2026, 10, 2) not in held
    assert held[-1] == date(2027, 1, 1)  # the series runs one month longer instead


def test_every_other_week():
    rule = make_rule(frequency=Frequency.WEEKLY, weekday=WED, interval=2, count=4)
    assert dates(rule) == [date(2026, 7, 1), date(2026, 7, 15), date(2026, 7, 29), date(2026, 8, 12)]


def test_every_other_month_counts_from_the_first_meeting():
    rule = make_rule(first_date=date(2026, 7, 10), interval=2, count=3)  # July's first Friday has passed
    assert dates(rule) == [date(2026, 8, 7), date(2026, 10, 2), date(2026, 12, 4)]


@pytest.mark.parametrize(("first_date", "first_meeting"), [
    (date(2026, 7, 1), date(2026, 7, 1)),  # first_date is itself a Wednesday
    (date(2026, 7, 2), date(2026, 7, 8)),  # a Thursday: the next Wednesday
])
def test_weekly_series_starts_on_the_first_matching_day(first_date, first_meeting):
    rule = make_rule(frequency=Frequency.WEEKLY, weekday=WED, first_date=first_date, count=2)
    assert dates(rule) == [first_meeting, first_meeting + timedelta(weeks=1)]


def test_until_is_inclusive():
    rule = make_rule(frequency=Frequency.WEEKLY, weekday=WED, count=None, until=date(2026, 7, 22))
    assert dates(rule) == [date(2026, 7, 1), date(2026, 7, 8), date(2026, 7, 15), date(2026, 7, 22)]
    assert dates(replace(rule, until=date(2026, 7, 21)))[-1] == date(2026, 7, 15)


def test_beijing_15_00_is_07_00_utc():
    first = occurrences(make_rule())[0]
    assert first.starts_at == datetime(2026, 7, 3, 7, 0, tzinfo=UTC)
    assert first.ends_at == datetime(2026, 7, 3, 9, 0, tzinfo=UTC)
    assert first.starts_at.utcoffset() == timedelta(0)


def test_early_morning_meeting_keeps_its_beijing_date():
    first = occurrences(make_rule(start_time=time(7, 30)))[0]
    assert first.local_date == date(2026, 7, 3)
    assert first.starts_at == datetime(2026, 7, 2, 23, 30, tzinfo=UTC)


def test_a_series_never_holds_more_than_60_meetings():
    weekly_for_two_years = make_rule(frequency=Frequency.WEEKLY, weekday=WED, count=None,
                                     until=date(2028, 7, 1))
    assert len(occurrences(weekly_for_two_years)) == MAX_OCCURRENCES
    assert [e.field for e in validate(weekly_for_two_years, TODAY)] == ["until"]  # said, not silent
    assert len(occurrences(make_rule(frequency=Frequency.WEEKLY, weekday=WED, count=60))) == 60
    assert validate(make_rule(frequency=Frequency.WEEKLY, weekday=WED, count=60), TODAY) == []


def test_an_impossible_pattern_cannot_be_expanded():
    with pytest.raises(ValueError, match="星期"):
        occurrences(make_rule(weekday=7))


def test_a_good_rule_has_no_errors():
    assert validate(make_rule(), TODAY) == []
    assert validate(make_rule(count=None, until=date(2028, 7, 1)), TODAY) == []  # exactly two years
    assert validate(make_rule(duration_minutes=12 * 60), TODAY) == []


MONTHLY_BY_DAY = {"frequency": Frequency.MONTHLY_BY_DAY, "day": 15}


@pytest.mark.parametrize(("changes", "field"), [
    ({"count": None}, "count"),  # neither count nor until
    ({"until": date(2026, 12, 31)}, "count"),  # both
    ({"count": 0}, "count"),
    ({"count": 61}, "count"),
    ({"count": None, "until": date(2026, 6, 30)}, "until"),  # before first_date
    ({"count": None, "until": date(2028, 7, 2)}, "until"),  # more than two years
    ({"count": 25}, "count"),  # monthly: the 25th meeting is in July 2028, past two years
    ({"count": None, "until": date(2027, 12, 31), "frequency": Frequency.WEEKLY}, "until"),  # 79 meetings
    ({"ordinal": 0}, "ordinal"),
    ({"ordinal": 5}, "ordinal"),
    ({"ordinal": -2}, "ordinal"),
    ({"ordinal": None}, "ordinal"),
    ({"weekday": 7}, "weekday"),
    ({"weekday": -1}, "weekday"),
    ({"weekday": None, "frequency": Frequency.WEEKLY}, "weekday"),
    ({**MONTHLY_BY_DAY, "day": 0}, "day"),
    ({**MONTHLY_BY_DAY, "day": 32}, "day"),
    ({**MONTHLY_BY_DAY, "day": None}, "day"),
    ({"interval": 0}, "interval"),
    ({"interval": -1}, "interval"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"duration_minutes": -30}, "duration_minutes"),
    ({"duration_minutes": 12 * 60 + 1}, "duration_minutes"),
    ({"first_date": date(2026, 6, 30)}, "first_date"),  # yesterday
    ({"frequency": "daily"}, "frequency"),
    ({"count": None, "until": date(2026, 7, 2)}, "until"),  # no first Friday by then
    ({"count": None, "until": date(2026, 7, 3), "skip": {date(2026, 7, 3)}}, "until"),  # all skipped
])
def test_each_problem_is_reported_on_its_field(changes, field):
    errors = validate(make_rule(**changes), TODAY)
    assert [e.field for e in errors] == [field]
    assert all("\u4e00" <= ch <= "\u9fff" for ch in errors[0].text if ch.isalpha())  # plain Chinese


def test_error_text_fills_in_the_limit():
    (error,) = validate(make_rule(duration_minutes=13 * 60), TODAY)
    assert error.message == "会议时长不能超过 %(hours)s 小时。"
    assert error.text == "会议时长不能超过 12 小时。"


def test_a_rule_with_several_problems_reports_them_all():
    errors = validate(make_rule(weekday=9, interval=0, first_date=date(2026, 1, 1)), TODAY)
    assert {e.field for e in errors} == {"weekday", "interval", "first_date"}


@pytest.mark.parametrize(("changes", "text"), [
    ({}, "每月第一个星期五 15:00，共 6 次"),
    ({"frequency": Frequency.WEEKLY, "weekday": WED, "interval": 2, "start_time": time(9, 30),
      "count": None, "until": date(2027, 6, 30)}, "每两周星期三 09:30，至 2027年6月30日"),
    ({"frequency": Frequency.WEEKLY, "weekday": SUN, "count": 3}, "每周星期日 15:00，共 3 次"),
    ({"weekday": THU, "ordinal": LAST, "start_time": time(14, 30)}, "每月最后一个星期四 14:30，共 6 次"),
    ({"interval": 3, "ordinal": 2, "weekday": MON}, "每三个月第二个星期一 15:00，共 6 次"),
    ({**MONTHLY_BY_DAY, "start_time": time(9)}, "每月 15 日 09:00，共 6 次"),
    ({**MONTHLY_BY_DAY, "day": 31, "start_time": time(9)}, "每月 31 日 09:00（小月改在月末），共 6 次"),
    ({"skip": {date(2026, 11, 6), date(2026, 10, 2)}},
     "每月第一个星期五 15:00，共 6 次，跳过 2026年10月2日、2026年11月6日"),
])
def test_describe_says_the_rule_in_chinese(changes, text):
    assert describe(make_rule(**changes)) == text


def test_describe_parts_give_what_an_english_sentence_needs():
    parts = describe_parts(make_rule(skip={date(2026, 10, 2)}))
    assert parts == {"frequency": "monthly_by_weekday", "interval": 1, "weekday": FRI, "ordinal": 1,
                     "day": None, "month_end": False, "time": "15:00", "duration_minutes": 120,
                     "count": 6, "until": None, "skip": [date(2026, 10, 2)]}
    assert describe_parts(make_rule(**MONTHLY_BY_DAY))["weekday"] is None  # left over from the form


def test_this_and_following_splits_on_a_date():
    series = occurrences(make_rule())
    following = this_and_following(series, date(2026, 10, 2))
    assert [o.local_date for o in following] == [date(2026, 10, 2), date(2026, 11, 6), date(2026, 12, 4)]
    assert this_and_following(series, date(2026, 10, 3))[0].local_date == date(2026, 11, 6)
    assert this_and_following(series, date(2027, 1, 1)) == []
    assert this_and_following(series, date(2020, 1, 1)) == series


def random_rule(rnd: random.Random) -> Rule:
    """Any rule the form could send, mostly valid."""
    first = TODAY + timedelta(days=rnd.randrange(400))
    frequency = rnd.choice(list(Frequency))
    end = {"count": rnd.randint(1, 30)} if rnd.random() < 0.5 else {
        "count": None, "until": first + timedelta(days=rnd.randrange(-5, 700))}
    pattern = rnd.choice([first + timedelta(days=d) for d in range(120)])
    starts = time(rnd.randrange(24), rnd.choice([0, 30]))
    return Rule(frequency=frequency, first_date=first, start_time=starts,
                duration_minutes=rnd.choice([30, 90, 240]), interval=rnd.choice([1, 1, 2, 3]),
                weekday=rnd.randrange(7), ordinal=rnd.choice([1, 2, 3, 4, LAST]), day=rnd.randint(1, 31),
                skip={pattern + timedelta(weeks=w) for w in range(rnd.randrange(4))}, **end)


def skip_some_meetings(rnd: random.Random, rule: Rule) -> Rule:
    """Also skip dates the series would otherwise hold, so that skipping is really exercised."""
    if validate(rule, TODAY):
        return rule
    held = dates(rule)
    return replace(rule, skip=rule.skip | set(rnd.sample(held, rnd.randrange(min(4, len(held))))))


def expected_day(rule: Rule, day: date) -> bool:
    """Whether ``day`` fits the rule's pattern, worked out independently of the module."""
    if rule.frequency == Frequency.MONTHLY_BY_DAY:
        return day.day == min(rule.day, calendar.monthrange(day.year, day.month)[1])
    if rule.frequency == Frequency.WEEKLY:
        return day.weekday() == rule.weekday
    same_weekdays = [d for d in range(1, 32) if d <= calendar.monthrange(day.year, day.month)[1]
                     and date(day.year, day.month, d).weekday() == rule.weekday]
    return day.day == same_weekdays[rule.ordinal - 1 if rule.ordinal != LAST else -1]


def dateutil_dates(rule: Rule) -> list[date]:
    """The same series from dateutil.rrule, for rules with interval 1 (its anchoring differs)."""
    kind = rrule.WEEKLY if rule.frequency == Frequency.WEEKLY else rrule.MONTHLY
    if rule.frequency == Frequency.MONTHLY_BY_DAY:  # the last existing day of 28..day
        pattern = {"bymonthday": list(range(min(rule.day, 28), rule.day + 1)), "bysetpos": -1}
    else:
        pattern = {"byweekday": rrule.weekday(rule.weekday, rule.ordinal)}
    start = datetime.combine(rule.first_date, time())
    found = rrule.rrule(kind, dtstart=start, until=datetime.combine(rule.until or date.max, time()),
                        **pattern, cache=False)
    held = (d.date() for d in found if d.date() not in rule.skip)
    return [d for _, d in zip(range(rule.count or MAX_OCCURRENCES), held, strict=False)]


def test_random_rules_keep_the_invariants():
    rnd = random.Random(20260701)
    checked = 0
    for _ in range(400):
        rule = skip_some_meetings(rnd, random_rule(rnd))
        if validate(rule, TODAY):
            continue
        checked += 1
        series = occurrences(rule)
        days = [o.local_date for o in series]
        assert days == sorted(set(days)), rule
        assert len(days) == rule.count if rule.count else 1 <= len(days) <= MAX_OCCURRENCES, rule
        assert not set(days) & rule.skip, rule
        assert all(rule.first_date <= d <= (rule.until or date.max) for d in days), rule
        assert all(expected_day(rule, d) for d in days), rule
        assert all(o.ends_at - o.starts_at == timedelta(minutes=rule.duration_minutes) for o in series)
        assert all(o.starts_at + timedelta(hours=8) == datetime.combine(o.local_date, rule.start_time, UTC)
                   for o in series), rule
        if rule.interval == 1:
            assert days == dateutil_dates(rule), rule
    assert checked > 200  # the loop is not vacuous
