"""专项行动: one branch's status on a campaign, from its linked meetings (DESIGN §5), as plain data."""
from datetime import UTC, date, datetime, time, timedelta

import pytest

from meetings.domain.campaigns import (
    CampaignStatus,
    CampaignWindow,
    campaign_status,
    deciding_meeting,
    is_of_campaign_type,
    starts_in_window,
)
from meetings.domain.compliance import MeetingFacts
from meetings.domain.scheduling import BEIJING
from meetings.domain.terms import MeetingStatus

SPECIAL, ORG_LIFE, THEME_DAY = 8, 5, 3  # 专题组织生活会, 组织生活会, 主题党日
WINDOW = CampaignWindow(date(2026, 6, 1), date(2026, 7, 31), report_days=15, meeting_type_id=SPECIAL)
MEETING_DAY = date(2026, 6, 26)


def beijing(day: date, clock: time = time(14, 30)) -> datetime:
    return datetime.combine(day, clock, tzinfo=BEIJING)


def meeting(day: date = MEETING_DAY, *, status: MeetingStatus = MeetingStatus.HELD,
            final_at: datetime | None = None, at: time = time(14, 30), number: int = 1,
            types: frozenset[int] = frozenset({SPECIAL})) -> MeetingFacts:
    """A 专题组织生活会 of three hours; ``final_at`` is when its minutes became final (定稿)."""
    starts = beijing(day, at)
    return MeetingFacts(id=number, organization_id=7, type_ids=types, starts_at=starts,
                        ends_at=starts + timedelta(hours=3), status=status, attributed_year=day.year,
                        attendance_recorded=status == MeetingStatus.HELD, minutes_final=final_at is not None,
                        minutes_final_at=final_at, campaign_id=1)


def status_on(day: date, *meetings: MeetingFacts, clock: time = time(9, 0)) -> CampaignStatus:
    return campaign_status(WINDOW, meetings, beijing(day, clock))


def final_on_day(n: int, clock: time = time(10, 0)) -> datetime:
    """Minutes finalized on day ``n`` after the meeting (day 0 is the meeting's own day)."""
    return beijing(MEETING_DAY + timedelta(days=n), clock)


@pytest.mark.parametrize("today", [date(2026, 5, 20), date(2026, 6, 10), date(2026, 7, 31)])
def test_nothing_linked_while_the_window_is_open_is_not_started(today):
    assert status_on(today) == CampaignStatus.NOT_STARTED


def test_window_closed_with_nothing_held_is_overdue():
    assert status_on(date(2026, 8, 1)) == CampaignStatus.OVERDUE


def test_a_meeting_ahead_in_the_window_is_scheduled():
    assert status_on(date(2026, 6, 10), meeting(status=MeetingStatus.SCHEDULED)) == CampaignStatus.SCHEDULED


def test_held_without_final_minutes_is_held_until_the_report_deadline():
    held = meeting()
    assert status_on(MEETING_DAY + timedelta(days=15), held) == CampaignStatus.HELD
    assert status_on(MEETING_DAY + timedelta(days=16), held) == CampaignStatus.OVERDUE


@pytest.mark.parametrize("day", [0, 1, 14, 15])
def test_minutes_final_within_the_report_days_is_reported(day):
    assert status_on(date(2026, 9, 1), meeting(final_at=final_on_day(day))) == CampaignStatus.REPORTED


def test_minutes_final_on_day_16_of_a_15_day_report_window_is_late():
    assert status_on(date(2026, 9, 1), meeting(final_at=final_on_day(16))) == CampaignStatus.LATE


def test_the_report_deadline_is_a_beijing_date():
    # 23:30 Beijing on day 15 is still day 15 (15:30 UTC); 00:30 on day 16 is 16:30 UTC of day 15.
    on_time = meeting(final_at=final_on_day(15, time(23, 30)))
    late = meeting(final_at=final_on_day(16, time(0, 30)))
    assert status_on(date(2026, 9, 1), on_time) == CampaignStatus.REPORTED
    assert status_on(date(2026, 9, 1), late) == CampaignStatus.LATE


def test_a_cancelled_meeting_does_not_count():
    cancelled = meeting(status=MeetingStatus.CANCELLED, final_at=final_on_day(2))
    assert status_on(date(2026, 6, 10), meeting(status=MeetingStatus.CANCELLED)) == CampaignStatus.NOT_STARTED
    assert status_on(date(2026, 8, 1), cancelled) == CampaignStatus.OVERDUE


@pytest.mark.parametrize("day", [date(2026, 5, 31), date(2026, 8, 1)])
def test_a_meeting_outside_the_window_does_not_count(day):
    outside = meeting(day, final_at=beijing(day + timedelta(days=2)))
    assert status_on(date(2026, 9, 1), outside) == CampaignStatus.OVERDUE


def test_the_window_ends_at_midnight_beijing_time():
    last_evening = meeting(date(2026, 7, 31), at=time(20, 0), final_at=beijing(date(2026, 8, 2)))
    assert status_on(date(2026, 9, 1), last_evening) == CampaignStatus.REPORTED


def test_a_meeting_reported_in_time_outweighs_one_reported_late():
    late = meeting(date(2026, 6, 2), final_at=beijing(date(2026, 7, 20)), number=1)
    on_time = meeting(final_at=final_on_day(3), number=2)
    assert status_on(date(2026, 9, 1), late, on_time) == CampaignStatus.REPORTED
    assert deciding_meeting(WINDOW, [late, on_time], beijing(date(2026, 9, 1))).id == 2


def test_a_meeting_still_ahead_makes_up_for_one_never_reported():
    unreported = meeting(date(2026, 6, 2), number=1)
    again = meeting(date(2026, 7, 20), status=MeetingStatus.SCHEDULED, number=2)
    assert status_on(date(2026, 7, 1), unreported, again) == CampaignStatus.SCHEDULED


def test_the_deciding_meeting_is_none_without_a_counting_meeting():
    cancelled = meeting(status=MeetingStatus.CANCELLED)
    assert deciding_meeting(WINDOW, [cancelled], beijing(date(2026, 9, 1))) is None


@pytest.mark.parametrize(("types", "fits"), [
    ({SPECIAL}, True),
    ({ORG_LIFE, SPECIAL}, True),  # a meeting may count for several types
    ({THEME_DAY}, False),
    ({ORG_LIFE}, False),
    (set(), False),
])
def test_a_meeting_is_of_the_campaign_type_when_its_types_include_it(types, fits):
    assert is_of_campaign_type(SPECIAL, types) is fits


@pytest.mark.parametrize(("starts", "fits"), [
    (beijing(date(2026, 6, 1), time(0, 0)), True),  # the first day, from midnight Beijing time
    (beijing(date(2026, 7, 31), time(23, 59)), True),  # the deadline's last minute
    (beijing(date(2026, 5, 31), time(23, 59)), False),
    (beijing(date(2026, 8, 1), time(0, 0)), False),
    (datetime(2026, 5, 31, 16, 30, tzinfo=UTC), True),  # 00:30 on 1 June in Beijing
    (datetime(2026, 7, 31, 16, 30, tzinfo=UTC), False),  # 00:30 on 1 August in Beijing
])
def test_a_meeting_starts_in_the_window_by_its_beijing_date(starts, fits):
    assert starts_in_window(date(2026, 6, 1), date(2026, 7, 31), starts) is fits


def test_a_linked_meeting_of_another_type_does_not_count():
    theme_day = meeting(final_at=final_on_day(2), types=frozenset({THEME_DAY}))
    assert status_on(date(2026, 7, 1), theme_day) == CampaignStatus.NOT_STARTED
    assert status_on(date(2026, 9, 1), theme_day) == CampaignStatus.OVERDUE
    assert deciding_meeting(WINDOW, [theme_day], beijing(date(2026, 9, 1))) is None


def test_a_meeting_of_several_types_including_the_campaigns_counts():
    both = meeting(final_at=final_on_day(2), types=frozenset({ORG_LIFE, SPECIAL}))
    assert status_on(date(2026, 9, 1), both) == CampaignStatus.REPORTED
