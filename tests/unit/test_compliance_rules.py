"""The compliance engine on plain data: the hand-built scenarios and the edges of each rule."""
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from meetings.domain import compliance as engine
from meetings.domain.compliance import MeetingFacts, PeriodStatus, Rule, Standing, Unit
from meetings.domain.periods import parse
from meetings.domain.requirements import DEFAULT_REQUIREMENTS
from meetings.domain.terms import MeetingStatus, OrgKind
from tests.compliance_scenarios import SCENARIOS, M, Scenario

TYPE_IDS = {spec.type_code: n for n, spec in enumerate(DEFAULT_REQUIREMENTS, 1)}
UNITS = {"a1": Unit(1, OrgKind.BRANCH, has_committee=True), "a2": Unit(2, OrgKind.BRANCH),
         "g1": Unit(11, OrgKind.PARTY_GROUP), "g2": Unit(12, OrgKind.PARTY_GROUP)}


def default_rules() -> list[Rule]:
    return [Rule(id=n, requirement_id=n, type_id=TYPE_IDS[spec.type_code], applies_to=spec.applies_to,
                 period=spec.period, needs_quorum=spec.needs_quorum)
            for n, spec in enumerate(DEFAULT_REQUIREMENTS, 1)]


def rules_of(scenario: Scenario) -> list[Rule]:
    rules = default_rules()
    for code, effective_from, changes in scenario.rule_changes:
        old = next(r for r in rules if r.type_id == TYPE_IDS[code])
        rules.remove(old)
        rules += [replace(old, effective_to=effective_from - timedelta(days=1)),
                  replace(old, id=100 + old.id, effective_from=effective_from, **changes)]
    return rules


def facts(n: int, m: M) -> MeetingFacts:
    return MeetingFacts(
        id=n, organization_id=UNITS[m.unit].id, party_group_id=UNITS[m.group].id if m.group else None,
        type_ids=frozenset(TYPE_IDS[c] for c in m.types), starts_at=m.starts_at,
        ends_at=m.starts_at + timedelta(hours=m.hours), status=m.status,
        attributed_year=m.year or int(m.starts[:4]),
        attendance_recorded=m.recorded, quorum_met=m.quorum, minutes_final=m.minutes == "final",
        minutes_late=m.late and m.minutes == "final")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario(scenario: Scenario):
    meetings = [facts(n, m) for n, m in enumerate(scenario.meetings, 1)]
    cells = engine.evaluate(rules_of(scenario), list(UNITS.values()), meetings, parse(scenario.span),
                            scenario.moment)
    by_key = {(_code(c.rule), _unit(c.unit_id), c.period.key): str(c.status) for c in cells}
    for key, status in scenario.expect.items():
        assert by_key.get(key) == status, key


def _code(rule: Rule) -> str:
    return next(code for code, n in TYPE_IDS.items() if n == rule.type_id)


def _unit(unit_id: int) -> str:
    return next(name for name, unit in UNITS.items() if unit.id == unit_id)


NOW = datetime(2026, 7, 15, 1, 0, tzinfo=UTC)
ASSEMBLY = default_rules()[0]


def held(**changes) -> MeetingFacts:
    base = MeetingFacts(id=1, organization_id=1, type_ids=frozenset({ASSEMBLY.type_id}),
                        starts_at=datetime(2026, 6, 10, 6, 30, tzinfo=UTC),
                        ends_at=datetime(2026, 6, 10, 8, 30, tzinfo=UTC),
                        status=MeetingStatus.HELD, attributed_year=2026, attendance_recorded=True,
                        quorum_met=True, minutes_final=True)
    return replace(base, **changes)


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, Standing.COUNTS),
    ({"minutes_late": True}, Standing.COUNTS_LATE),
    ({"quorum_met": False}, Standing.NO_QUORUM),
    ({"quorum_met": False, "minutes_final": False}, Standing.NO_QUORUM),  # no waiting for a lost cause
    ({"minutes_final": False}, Standing.NO_MINUTES),
    ({"status": MeetingStatus.SCHEDULED, "attendance_recorded": False}, Standing.NOT_RECORDED),
    ({"status": MeetingStatus.CANCELLED}, Standing.CANCELLED),
    ({"ends_at": NOW + timedelta(minutes=1)}, Standing.UPCOMING),  # under way: not yet judged
])
def test_standing_says_why_a_meeting_does_not_count(changes, expected):
    assert engine.standing(held(**changes), ASSEMBLY, NOW) == expected


def test_records_are_awaited_for_seven_beijing_days():
    ended = datetime(2026, 7, 8, 8, 0, tzinfo=UTC)  # 8 July 16:00 Beijing
    meeting = held(starts_at=ended - timedelta(hours=2), ends_at=ended, minutes_final=False)
    last_day, day_after = datetime(2026, 7, 15, 15, 59, tzinfo=UTC), datetime(2026, 7, 15, 16, 0, tzinfo=UTC)
    assert engine.standing(meeting, ASSEMBLY, last_day) == Standing.AWAITING_MINUTES  # 15 July 23:59
    assert engine.standing(meeting, ASSEMBLY, day_after) == Standing.NO_MINUTES  # 16 July 00:00
    unrecorded = replace(meeting, status=MeetingStatus.SCHEDULED, attendance_recorded=False)
    in_time = datetime(2026, 7, 10, tzinfo=UTC)
    assert engine.standing(unrecorded, ASSEMBLY, in_time) == Standing.AWAITING_RECORD


def test_a_rule_that_does_not_ask_for_minutes_counts_without_them():
    relaxed = replace(ASSEMBLY, needs_final_minutes=False)
    assert engine.standing(held(minutes_final=False), relaxed, NOW) == Standing.COUNTS


@pytest.mark.parametrize(("tally", "expected"), [
    (engine.Tally(counts=2), PeriodStatus.MET),
    (engine.Tally(counts=1, counts_late=1), PeriodStatus.LATE),
    (engine.Tally(counts=1, pending=1), PeriodStatus.SCHEDULED),
    (engine.Tally(counts=1), PeriodStatus.MISSED),
])
def test_min_count_two_needs_two_meetings(tally, expected):
    rule = replace(ASSEMBLY, min_count=2)
    assert engine.period_status(tally, rule, parse("2026-Q2"), date(2026, 7, 15)) == expected


def test_periods_not_begun_and_rules_not_yet_in_force_make_no_cells():
    theme_day = default_rules()[4]
    assert [p.key for p in engine.periods_for(theme_day, parse("2026"), date(2026, 3, 5))] == [
        "2026-01", "2026-02", "2026-03"]
    newer = replace(theme_day, effective_from=date(2026, 2, 1))
    keys = [p.key for p in engine.periods_for(newer, parse("2026-Q1"), date(2026, 3, 5))]
    assert keys == ["2026-02", "2026-03"]


def test_completion_rate_leaves_open_periods_out():
    assert engine.completion_rate(3, 1) == 0.75
    assert engine.completion_rate(0, 0) is None
