"""应到 / 实到 / quorum / check-in window as pure rules (DESIGN §5 "who counts")."""
from datetime import UTC, datetime, timedelta

import pytest

from meetings.domain.attendance import (
    Seat,
    check_in_window,
    quorum,
    quorums,
    self_check_in_mark,
    tally,
)
from meetings.domain.terms import Attendance, InvitationRole, QuorumRule

P, L, A, LV = Attendance.PRESENT, Attendance.LATE, Attendance.ABSENT, Attendance.LEAVE
START = datetime(2026, 7, 1, 6, 30, tzinfo=UTC)  # 14:30 Beijing


def full(n: int, mark, **kw) -> list[Seat]:
    return [Seat(f"正式{i}", mark, **kw) for i in range(n)]


def probationary(n: int, mark) -> list[Seat]:
    return [Seat(f"预备{i}", mark, full_member=False) for i in range(n)]


def test_tally_counts_expected_present_leave_and_absent_apart():
    seats = [*full(3, P), Seat("迟到", L), Seat("请假", LV, absence_reason="出差"), Seat("缺席", A),
             Seat("未登记", None)]
    t = tally(seats)
    assert (t.expected, t.present, t.late, t.on_leave, t.absent, t.unmarked) == (7, 4, 1, 1, 1, 1)
    assert t.absentees == (("请假", LV, "出差"), ("缺席", A, None))
    assert t.rate == pytest.approx(4 / 7)
    assert not t.complete


def test_exempt_away_and_observers_stay_out_of_expected_but_are_listed_when_they_come():
    seats = [*full(2, P), Seat("年老体弱", P, optional=True), Seat("流动", None, optional=True),
             Seat("列席", P, role=InvitationRole.OBSERVER, optional=True, full_member=False)]
    t = tally(seats)
    assert (t.expected, t.present) == (2, 2)
    assert t.extra_present == ("年老体弱",)
    assert t.observers_present == ("列席",)
    assert t.complete


def test_nobody_expected_has_no_rate():
    assert tally([]).rate is None


def test_assembly_quorum_exactly_half_of_full_members_is_not_enough():
    q = quorum(QuorumRule.FULL_MEMBERS_MAJORITY, [*full(5, P), *full(5, A)])
    assert (q.present, q.base, q.met, q.needed) == (5, 10, False, 6)


def test_assembly_quorum_more_than_half_is_enough():
    q = quorum(QuorumRule.FULL_MEMBERS_MAJORITY, [*full(6, P), *full(4, A)])
    assert q.met


def test_probationary_members_present_do_not_make_a_quorum():
    seats = [*full(4, P), *full(6, A), *probationary(10, P)]
    q = quorum(QuorumRule.FULL_MEMBERS_MAJORITY, seats)
    assert (q.present, q.base, q.met) == (4, 10, False)
    assert tally(seats).present == 14  # but they count for attendance


def test_exempt_and_away_members_change_the_quorum_base():
    seats = [*full(3, P), *full(2, A), *full(4, None, optional=True)]
    q = quorum(QuorumRule.FULL_MEMBERS_MAJORITY, seats)
    assert (q.present, q.base, q.met) == (3, 5, True)


def test_late_counts_as_present_for_the_quorum():
    assert quorum(QuorumRule.FULL_MEMBERS_MAJORITY, [*full(2, L), Seat("x", A)]).met


def test_committee_quorum_counts_present_seat_holders_against_the_seats():
    seats = [*full(3, P, committee_member=True), *full(2, A, committee_member=True), *full(4, P)]
    assert quorum(QuorumRule.COMMITTEE_MAJORITY, seats, committee_seats=5).met
    assert not quorum(QuorumRule.COMMITTEE_MAJORITY, seats, committee_seats=6).met  # 3 of 6


def test_committee_without_seats_never_has_a_quorum():
    assert not quorum(QuorumRule.COMMITTEE_MAJORITY, full(3, P), committee_seats=0).met


def test_no_rule_no_quorum_and_each_rule_once():
    seats = full(3, P)
    assert quorum(QuorumRule.NONE, seats) is None
    found = quorums([QuorumRule.NONE, QuorumRule.FULL_MEMBERS_MAJORITY,
                     QuorumRule.FULL_MEMBERS_MAJORITY], seats)
    assert [q.rule for q in found] == [QuorumRule.FULL_MEMBERS_MAJORITY]


def test_nobody_expected_is_not_a_quorum():
    assert not quorum(QuorumRule.FULL_MEMBERS_MAJORITY, []).met


@pytest.mark.parametrize(("offset", "is_open"), [
    (timedelta(minutes=-31), False), (timedelta(minutes=-30), True), (timedelta(0), True),
    (timedelta(minutes=119, seconds=59), True), (timedelta(minutes=120), False),
])
def test_check_in_opens_30_minutes_before_and_closes_at_the_end(offset, is_open):
    window = check_in_window(START, START + timedelta(minutes=120))
    assert window.is_open(START + offset) is is_open


@pytest.mark.parametrize(("offset", "mark"), [
    (timedelta(minutes=-20), P), (timedelta(minutes=15), P), (timedelta(minutes=15, seconds=1), L),
])
def test_self_check_in_is_late_after_start_plus_15_minutes(offset, mark):
    assert self_check_in_mark(START, START + offset) == mark
