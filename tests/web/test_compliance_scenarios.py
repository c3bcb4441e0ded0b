"""The hand-built scenarios through the SQL aggregate on a real database (SQLite or PostgreSQL)."""
from collections import Counter

import pytest

from meetings.domain import compliance as engine
from meetings.domain.periods import parse
from meetings.domain.terms import MinutesState
from meetings.extensions import db
from meetings.services import requirements
from meetings.services.compliance import sql as compliance_sql
from meetings.services.compliance.sql import Grouping
from tests.builders import elect_committee
from tests.compliance_builders import add_meeting, change_rule, install_rules
from tests.compliance_scenarios import SCENARIOS, Scenario


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario_in_sql(world, scenario: Scenario):
    types = install_rules()
    units = {"a1": world.a1, "a2": world.a2, "g1": world.g1, "g2": world.g2}
    elect_committee(world.a1)  # the scenarios' a1 has a 支部委员会 (as UNITS says in the unit test)
    for code, effective_from, changes in scenario.rule_changes:
        change_rule(world["admin"], code, effective_from, **changes)
    for m in scenario.meetings:
        minutes = {"final": MinutesState.FINAL, "draft": MinutesState.DRAFT}.get(m.minutes)
        add_meeting(units[m.unit], [types[c] for c in m.types], m.starts_at, status=m.status,
                    recorded=m.recorded, quorum_met=m.quorum, minutes=minutes, minutes_late=m.late,
                    group=units[m.group] if m.group else None, attributed_year=m.year,
                    hours=m.hours)
    db.session.commit()
    got = _sql_cells(world, scenario)
    for (code, unit, period), status in scenario.expect.items():
        branch = units[unit].parent if unit.startswith("g") else units[unit]
        key = (branch.id, requirements_by_code()[code], period)
        if status is None:
            assert not any(k[:3] == key for k in got), key
        else:
            assert got[(*key, status)] >= 1, (key, status, got)


def _sql_cells(world, scenario: Scenario) -> Counter:
    slots = compliance_sql.slots_for(requirements.rules(), parse(scenario.span), scenario.moment)
    found = Counter()
    for row_id, requirement_id, period_key, status, n in compliance_sql.counts(
            world.root, slots, scenario.moment, engine.WAIT_DAYS, Grouping.BRANCH):
        found[(row_id, requirement_id, period_key, status)] += n
    return found


def requirements_by_code() -> dict[str, int]:
    return {r.meeting_type.code: r.replaces_id or r.id for r in requirements.all_versions()}


def test_party_groups_fold_into_their_branch_as_a_share(world):
    """g1 met, g2 missed: the branch row holds one of each (the share of groups that met it)."""
    types = install_rules()
    scenario = next(s for s in SCENARIOS if s.name == "党小组会 per party group")
    add_meeting(world.g1.parent, [types["group_meeting"]], scenario.meetings[0].starts_at, group=world.g1)
    db.session.commit()
    got = _sql_cells(world, scenario)
    key = (world.a1.id, requirements_by_code()["group_meeting"], "2026-05")
    assert (got[(*key, "met")], got[(*key, "missed")]) == (1, 1)
