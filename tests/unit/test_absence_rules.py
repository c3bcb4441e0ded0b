"""§31 absence streaks and the period arithmetic the engine stands on."""
from datetime import UTC, date, datetime

import pytest

from meetings.domain import absence, periods
from meetings.domain.absence import StreakLevel
from meetings.domain.terms import Attendance, PeriodKind

A, P, L, LATE = Attendance.ABSENT, Attendance.PRESENT, Attendance.LEAVE, Attendance.LATE
TODAY = date(2026, 11, 26)


def test_a_run_of_absences_since_may_is_six_months_of_three_meetings():
    marks = [(date(2026, 4, 10), P), (date(2026, 5, 12), A), (date(2026, 7, 1), None), (date(2026, 9, 3), A),
             (date(2026, 11, 2), A)]
    found = absence.streak(marks, TODAY)
    assert (found.since, found.meetings, found.months) == (date(2026, 5, 12), 3, 6)
    assert found.level == StreakLevel.WARNING  # six months, but three meetings: not yet six of each


@pytest.mark.parametrize("mark", [P, LATE, L])
def test_attending_or_leave_after_the_absences_ends_the_run(mark):
    assert absence.streak([(date(2026, 5, 12), A), (date(2026, 11, 2), mark)], TODAY) is None


def monthly_absences(since: date, count: int) -> list:
    """``count`` absences, the first on ``since``, then one every 20 days."""
    return [(date.fromordinal(since.toordinal() + 20 * n), A) for n in range(count)]


@pytest.mark.parametrize(("since", "level"), [
    (date(2026, 8, 27), None), (date(2026, 8, 26), StreakLevel.WARNING),
    (date(2026, 5, 27), StreakLevel.WARNING), (date(2026, 5, 26), StreakLevel.SERIOUS),
])
def test_levels_start_on_the_same_day_three_and_six_months_later(since, level):
    assert absence.streak(monthly_absences(since, 6), TODAY).level == level


@pytest.mark.parametrize(("count", "level"), [(2, None), (3, StreakLevel.WARNING), (5, StreakLevel.WARNING),
                                              (6, StreakLevel.SERIOUS)])
def test_a_level_also_needs_that_many_meetings_missed(count, level):
    """One absence in May and no meeting since is not "half a year without organizational life"."""
    assert absence.streak(monthly_absences(date(2026, 4, 1), count), TODAY).level == level


def test_months_before_keeps_the_day_or_the_months_end():
    from meetings.services.absence import months_before
    assert months_before(date(2026, 11, 26), 3) == date(2026, 8, 26)
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert months_before(date(2026, 2, 15), 3) == date(2025, 11, 15)


@pytest.mark.parametrize(("key", "first", "last"), [
    ("2026", date(2026, 1, 1), date(2026, 12, 31)), ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-q4", date(2026, 10, 1), date(2026, 12, 31)), ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
])
def test_periods_read_from_keys(key, first, last):
    period = periods.parse(key)
    assert (period.first_day, period.last_day, period.key) == (first, last, key.upper())


@pytest.mark.parametrize("key", ["", "2026-13", "2026-Q5", "26", "2026-1", "1999", "abc", "2026-00"])
def test_unreadable_period_keys_are_refused(key):
    with pytest.raises(periods.PeriodError):
        periods.parse(key)


def test_utc_bounds_are_beijing_midnights():
    start, end = periods.parse("2026-Q1").utc_bounds()
    assert start == datetime(2025, 12, 31, 16, tzinfo=UTC) and end == datetime(2026, 3, 31, 16, tzinfo=UTC)


def test_yearly_deadline_by_attributed_year_runs_to_march():
    year = periods.parse("2026")
    assert year.deadline(by_attributed_year=True) == date(2027, 3, 31)
    assert periods.days_left(year, date(2027, 3, 31), by_attributed_year=True) == 1
    assert periods.days_left(year, date(2027, 4, 1), by_attributed_year=True) == 0


@pytest.mark.parametrize(("span", "kind", "keys"), [
    ("2026-Q2", PeriodKind.MONTH, ["2026-04", "2026-05", "2026-06"]),
    ("2026-05", PeriodKind.QUARTER, ["2026-Q2"]),  # a coarser rule: the period that holds the span
    ("2026", PeriodKind.QUARTER, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]),
])
def test_subperiods(span, kind, keys):
    assert [p.key for p in periods.parse(span).subperiods(kind)] == keys
