"""Scheduling rules (安排会议) as pure checks: times, people, types, attributed year and title."""
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from meetings.domain.scheduling import (
    BEIJING,
    MAX_AHEAD,
    MAX_DURATION,
    TITLE_LENGTH,
    Plan,
    allowed_attributed_years,
    check,
    default_attributed_year,
    local_date,
)

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # Monday 1 June 2026, 10:00 in Beijing
SECRETARY, RECORDER, MEMBER, OUTSIDER = 1, 2, 3, 99


def make_plan(**changes) -> Plan:
    """A valid 主题党日 three days ahead, two hours, the whole branch invited."""
    starts = NOW + timedelta(days=3)
    plan = Plan(title="学习贯彻主题党日", starts_at=starts, ends_at=starts + timedelta(hours=2),
                type_codes=["theme_day"], invitee_ids=[SECRETARY, RECORDER, MEMBER],
                host_id=SECRETARY, recorder_id=RECORDER)
    return replace(plan, **changes)


def beijing(*args) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


def fields(plan: Plan, now: datetime = NOW) -> list[str]:
    return [error.field for error in check(plan, now)]


def held_at(starts: datetime, **changes) -> Plan:
    """A 补录 record of a two-hour meeting that started at ``starts``."""
    return make_plan(starts_at=starts, ends_at=starts + timedelta(hours=2), late_record=True, **changes)


def test_a_sound_plan_has_no_problems():
    assert check(make_plan(), NOW) == []


@pytest.mark.parametrize("minutes", [0, -30])
def test_the_meeting_must_end_after_it_starts(minutes):
    plan = make_plan()
    errors = check(replace(plan, ends_at=plan.starts_at + timedelta(minutes=minutes)), NOW)
    assert [(e.field, e.message) for e in errors] == [("ends_at", "结束时间必须晚于开始时间。")]


def test_a_meeting_may_last_twelve_hours_but_not_longer():
    plan = make_plan()
    assert check(replace(plan, ends_at=plan.starts_at + MAX_DURATION), NOW) == []
    (error,) = check(replace(plan, ends_at=plan.starts_at + MAX_DURATION + timedelta(minutes=1)), NOW)
    assert (error.field, error.params) == ("ends_at", {"hours": 12})
    assert error.text == "一次会议不能超过 12 小时。"


def test_a_meeting_more_than_two_years_ahead_is_refused():
    near = NOW + MAX_AHEAD
    assert fields(make_plan(starts_at=near, ends_at=near + timedelta(hours=1))) == []
    far = near + timedelta(minutes=1)
    assert fields(make_plan(starts_at=far, ends_at=far + timedelta(hours=1))) == ["starts_at"]


def test_meeting_in_the_past_needs_the_late_record_flag():
    yesterday = NOW - timedelta(days=1)
    (error,) = check(make_plan(starts_at=yesterday, ends_at=yesterday + timedelta(hours=2)), NOW)
    assert error.field == "starts_at" and "补录" in error.message
    assert check(held_at(yesterday), NOW) == []


def test_a_meeting_starting_now_is_not_in_the_past():
    assert check(make_plan(starts_at=NOW, ends_at=NOW + timedelta(hours=1)), NOW) == []


def test_late_record_of_a_meeting_still_in_the_future_is_refused():
    (error,) = check(held_at(NOW + timedelta(hours=1)), NOW)
    assert error.field == "late_record"


def test_the_host_must_be_invited():
    assert fields(make_plan(host_id=OUTSIDER)) == ["host_id"]


def test_the_recorder_must_be_invited():
    assert fields(make_plan(recorder_id=OUTSIDER)) == ["recorder_id"]


def test_a_meeting_without_host_or_recorder_is_fine():
    assert check(make_plan(host_id=None, recorder_id=None), NOW) == []


def test_a_meeting_needs_at_least_one_invitee():
    errors = check(make_plan(invitee_ids=[], host_id=None, recorder_id=None), NOW)
    assert [(e.field, e.message) for e in errors] == [("invitees", "请至少邀请一人参会。")]


def test_no_invitee_is_reported_once_even_with_a_host_named():
    assert fields(make_plan(invitee_ids=[])) == ["invitees"]


def test_a_meeting_needs_a_type():
    assert fields(make_plan(type_codes=[])) == ["type_ids"]


def test_branch_committee_meeting_needs_a_committee():
    committee = make_plan(type_codes=["branch_committee"])
    assert check(committee, NOW) == []
    (error,) = check(replace(committee, branch_has_committee=False), NOW)
    assert error.field == "type_ids" and "支部委员会" in error.message


def test_a_branch_without_committee_may_hold_other_meetings():
    assert check(make_plan(type_codes=["theme_day", "party_lecture"], branch_has_committee=False), NOW) == []


@pytest.mark.parametrize("month", [1, 2, 3])
def test_january_to_march_may_count_for_the_previous_year(month):
    starts = beijing(2026, month, 20, 9, 0)
    plan = held_at(starts, type_codes=["org_life_meeting"], attributed_year=2025)
    assert check(plan, NOW) == []
    assert allowed_attributed_years(starts) == (2026, 2025)


def test_april_counts_only_for_its_own_year():
    starts = beijing(2026, 4, 1, 9, 0)
    assert fields(held_at(starts, attributed_year=2025)) == ["attributed_year"]
    assert check(held_at(starts, attributed_year=2026), NOW) == []
    assert allowed_attributed_years(starts) == (2026,)


def test_a_meeting_never_counts_for_the_next_year():
    starts = beijing(2026, 3, 31, 9, 0)
    assert fields(held_at(starts, attributed_year=2027)) == ["attributed_year"]


def test_the_year_is_the_beijing_year():
    # 31 Dec 2025 17:00 UTC is already 1 January 2026 in Beijing, so 2025 is still allowed.
    starts = datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
    assert local_date(starts).isoformat() == "2026-01-01"
    assert default_attributed_year(starts) == 2026
    assert allowed_attributed_years(starts) == (2026, 2025)


@pytest.mark.parametrize("title", ["", "   ", "\t\n"])
def test_an_empty_title_is_refused(title):
    errors = check(make_plan(title=title), NOW)
    assert [(e.field, e.message) for e in errors] == [("title", "请填写会议主题。")]


def test_a_title_of_200_characters_is_the_longest_allowed():
    assert check(make_plan(title="党" * TITLE_LENGTH), NOW) == []
    assert check(make_plan(title=f"  {'党' * TITLE_LENGTH}  "), NOW) == []  # surrounding blanks do not count
    (error,) = check(make_plan(title="党" * (TITLE_LENGTH + 1)), NOW)
    assert (error.field, error.text) == ("title", "会议主题不能超过 200 个字。")


def test_every_problem_is_reported_at_once():
    yesterday = NOW - timedelta(days=1)
    plan = make_plan(title="", starts_at=yesterday, ends_at=yesterday + timedelta(hours=13),
                     type_codes=[], host_id=OUTSIDER)
    assert sorted(fields(plan)) == ["ends_at", "host_id", "starts_at", "title", "type_ids"]


def test_naive_times_are_a_programming_error():
    naive = datetime(2026, 6, 4, 15, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        check(make_plan(starts_at=naive, ends_at=naive + timedelta(hours=1)), NOW)
