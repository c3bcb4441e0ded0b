"""The tree as it was (domain.history) and the engine judging by it, on plain data."""
from datetime import UTC, date, datetime, timedelta

import pytest

from meetings.domain import compliance as engine
from meetings.domain import history
from meetings.domain.attendance import Seat, quorum
from meetings.domain.compliance import MeetingFacts, PeriodStatus, Rule, Unit
from meetings.domain.history import MemberSpan, Recorded, SeatSpan, Span
from meetings.domain.periods import parse
from meetings.domain.terms import (
    AppliesTo,
    Attendance,
    MeetingStatus,
    OrgKind,
    PeriodKind,
    PersonCategory,
    PersonStatus,
    QuorumRule,
)

FULL, PROBATIONARY = PersonCategory.FULL, PersonCategory.PROBATIONARY
ACTIVE, AWAY, EXEMPT = PersonStatus.ACTIVE, PersonStatus.AWAY, PersonStatus.EXEMPT
OUT = PersonStatus.TRANSFERRED_OUT
THEME_DAY = Rule(id=1, type_id=1, applies_to=AppliesTo.BRANCH, period=PeriodKind.MONTH)
GROUP_MEETING = Rule(id=2, type_id=2, applies_to=AppliesTo.PARTY_GROUP, period=PeriodKind.MONTH)
COMMITTEE_MEETING = Rule(id=3, type_id=3, applies_to=AppliesTo.BRANCH_WITH_COMMITTEE, period=PeriodKind.MONTH,
                         needs_quorum=True)
ASSEMBLY = Rule(id=4, type_id=4, applies_to=AppliesTo.BRANCH, period=PeriodKind.QUARTER, needs_quorum=True)
NOW = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)


def held(meeting_id: int, unit: int, type_id: int, day: date, group: int | None = None) -> MeetingFacts:
    start = datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)
    return MeetingFacts(id=meeting_id, organization_id=unit, party_group_id=group,
                        type_ids=frozenset({type_id}),
                        starts_at=start, ends_at=start + timedelta(hours=2), status=MeetingStatus.HELD,
                        attributed_year=day.year, attendance_recorded=True, quorum_met=True,
                        minutes_final=True)


def statuses(rule: Rule, units: list[Unit], meetings: list[MeetingFacts], span: str) -> dict:
    return {(c.unit_id, c.period.key): c.status for c in
            engine.evaluate([rule], units, meetings, parse(span), NOW)}


def test_spans_are_half_open_and_open_ended():
    june = Span(date(2026, 6, 15), None)
    assert not june.holds_on(date(2026, 6, 14)) and june.holds_on(date(2026, 6, 15))
    assert Span(None, date(2026, 6, 15)).holds_on(date(2026, 6, 14))
    assert not Span(None, date(2026, 6, 15)).holds_on(date(2026, 6, 15))
    assert Span(None, date(2026, 7, 1)).covers(date(2026, 6, 1), date(2026, 6, 30))
    assert not Span(None, date(2026, 6, 30)).covers(date(2026, 6, 1), date(2026, 6, 30))


def test_a_branch_founded_in_october_is_not_judged_before_november():
    branch = Unit(1, OrgKind.BRANCH, existence=Span(date(2026, 10, 10), None))
    found = statuses(THEME_DAY, [branch], [], "2026")
    assert (1, "2026-01") not in found and (1, "2026-10") not in found
    assert found[(1, "2026-11")] == PeriodStatus.MISSED


def test_a_group_dissolved_in_december_still_counts_one_of_two_for_november():
    kept = Unit(11, OrgKind.PARTY_GROUP)
    dissolved = Unit(12, OrgKind.PARTY_GROUP, existence=Span(None, date(2026, 12, 5)))
    meetings = [held(1, 1, 2, date(2026, 11, 10), group=11)]
    found = statuses(GROUP_MEETING, [kept, dissolved], meetings, "2026-11")
    assert found == {(11, "2026-11"): PeriodStatus.MET, (12, "2026-11"): PeriodStatus.MISSED}
    assert (12, "2026-12") not in statuses(GROUP_MEETING, [kept, dissolved], meetings, "2026-12")


def test_a_committee_elected_in_may_is_required_from_june_not_april():
    members = [MemberSpan(p, 1, None, FULL, ACTIVE) for p in range(1, 8)]
    seats = [SeatSpan(1, p, Span(date(2026, 5, 12), None)) for p in (1, 2, 3)]
    branch = Unit(1, OrgKind.BRANCH, committee=history.committee_spans(members, seats, 1))
    found = statuses(COMMITTEE_MEETING, [branch], [], "2026-Q2")
    assert set(found) == {(1, "2026-06")}


def test_a_five_member_branch_with_a_secretary_has_no_committee_to_hold():
    members = [MemberSpan(p, 1, None, FULL, ACTIVE) for p in range(1, 6)]
    seats = [SeatSpan(1, 1), SeatSpan(1, 2), SeatSpan(1, 3)]
    standing = history.committee_standing(members, seats, 1, date(2026, 6, 1))
    assert not standing.has_committee and standing.reason == "too_few_members"
    assert history.committee_spans(members, seats, 1) == ()


@pytest.mark.parametrize(("full", "seats", "reason"), [
    (7, 3, "elected"), (7, 2, "too_few_seats"), (6, 5, "too_few_members"), (12, 1, "too_few_seats")])
def test_committee_needs_seven_full_members_and_three_seats(full, seats, reason):
    members = [MemberSpan(p, 1, None, FULL, ACTIVE) for p in range(full)]
    members += [MemberSpan(100 + p, 1, None, PROBATIONARY, ACTIVE) for p in range(5)]  # 预备党员 do not count
    seated = [SeatSpan(1, p) for p in range(seats)]
    standing = history.committee_standing(members, seated, 1, date(2026, 6, 1))
    assert standing.reason == reason and standing.has_committee == (reason == "elected")


def test_committee_spans_follow_a_member_moving_out():
    members = [MemberSpan(p, 1, None, FULL, ACTIVE) for p in range(1, 7)]
    members += [MemberSpan(7, 1, None, FULL, ACTIVE, Span(None, date(2026, 6, 15))),
                MemberSpan(7, 2, None, FULL, ACTIVE, Span(date(2026, 6, 15), None))]
    seats = [SeatSpan(1, p) for p in (1, 2, 3)]
    assert history.committee_spans(members, seats, 1) == (Span(None, date(2026, 6, 15)),)


def test_a_member_transferred_in_june_counts_for_the_old_branch_until_then():
    spans = [MemberSpan(1, 10, None, FULL, ACTIVE, Span(None, date(2026, 6, 15))),
             MemberSpan(1, 20, None, FULL, ACTIVE, Span(date(2026, 6, 15), None))]
    assert history.voting_base(spans, 10, date(2026, 6, 14)) == {1}
    assert history.voting_base(spans, 10, date(2026, 6, 15)) == frozenset()
    assert history.voting_base(spans, 20, date(2026, 6, 15)) == {1}


def test_exempt_away_probationary_and_departed_members_are_out_of_the_voting_base():
    spans = [MemberSpan(1, 10, None, FULL, ACTIVE), MemberSpan(2, 10, None, FULL, EXEMPT),
             MemberSpan(3, 10, None, FULL, AWAY), MemberSpan(4, 10, None, PROBATIONARY, ACTIVE),
             MemberSpan(5, 10, None, FULL, OUT)]
    assert history.voting_base(spans, 10, date(2026, 6, 1)) == {1}


def seat(person_id: int, attendance: Attendance | None, **kw) -> Seat:
    return Seat(name=f"p{person_id}", attendance=attendance, person_id=person_id, **kw)


def test_an_assembly_that_invites_six_of_ten_counts_against_all_ten():
    base = frozenset(range(1, 11))
    invited = [seat(p, Attendance.PRESENT) for p in (1, 2, 3, 4)]
    invited += [seat(p, Attendance.ABSENT) for p in (5, 6)]
    q = quorum(QuorumRule.FULL_MEMBERS_MAJORITY, invited, voting_base=base)
    assert (q.present, q.base, q.met, q.needed) == (4, 10, False, 6)
    assert quorum(QuorumRule.FULL_MEMBERS_MAJORITY, invited).met  # the invitation-only count said yes


def test_only_base_members_present_make_the_quorum():
    base = frozenset({1, 2, 3})
    seats = [seat(1, Attendance.PRESENT), seat(2, Attendance.LATE), seat(9, Attendance.PRESENT),
             Seat(name="guest", attendance=Attendance.PRESENT)]
    q = quorum(QuorumRule.FULL_MEMBERS_MAJORITY, seats, voting_base=base)
    assert (q.present, q.base, q.met) == (2, 3, True)


def test_an_empty_base_is_never_a_quorum():
    q = quorum(QuorumRule.FULL_MEMBERS_MAJORITY, [seat(1, Attendance.PRESENT)], voting_base=frozenset())
    assert not q.met


def test_a_span_recorded_later_is_unknown_as_of_earlier():
    at = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
    dissolved = Recorded(Span(None, date(2026, 10, 5)), recorded_at=None, closed_at=at)
    assert dissolved.as_of(at - timedelta(days=1)) == Span(None, None)
    assert dissolved.as_of(at) == Span(None, date(2026, 10, 5))
    joined = Recorded(Span(date(2026, 10, 5), None), recorded_at=at)
    assert joined.as_of(at - timedelta(seconds=1)) is None and joined.as_of(None) == joined.span


def test_true_spans_merge_adjacent_stretches():
    days = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert history.true_spans(days, lambda d: date(2026, 1, 1) <= d < date(2026, 3, 1)) == (
        Span(date(2026, 1, 1), date(2026, 3, 1)),)
    assert history.true_spans([], lambda d: True) == (Span(),)
