"""The SQL aggregate gives the same answers as the pure engine, cell for cell, on random data."""
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from meetings.domain import compliance as engine
from meetings.domain import periods
from meetings.domain.terms import OrgKind
from meetings.extensions import db
from meetings.models import Organization
from meetings.services import requirements
from meetings.services.compliance import facts as compliance_facts
from meetings.services.compliance import sql as compliance_sql
from meetings.services.compliance.sql import Grouping
from tests.builders import make_org
from tests.compliance_builders import change_rule, install_rules, random_meetings

MOMENTS = [datetime(2026, 3, 31, 15, 40, tzinfo=UTC),  # 23:40 Beijing, the last day of Q1
           datetime(2026, 11, 26, 2, 0, tzinfo=UTC), datetime(2027, 2, 10, 2, 0, tzinfo=UTC)]
SPANS = ["2026", "2026-Q1", "2026-03", "2026-Q4", "2027-01"]
# Every (moment, span) where the span has begun: before that there is nothing to judge.
CASES = [(now, key) for now in MOMENTS for key in SPANS
         if periods.parse(key).first_day <= now.date()]


@pytest.fixture
def province(world):
    """The standard world plus two more branches (one with groups) and 580 random meetings."""
    extra = make_org("信息中心党支部", OrgKind.BRANCH, world.pc_b)
    make_org("第一党小组", OrgKind.PARTY_GROUP, extra)
    make_org("第三党小组", OrgKind.PARTY_GROUP, world.b1)
    types = install_rules()
    change_rule(world["admin"], "theme_day", date(2026, 9, 1), min_count=2)
    branches = list(db.session.scalars(sa.select(Organization).where(Organization.kind == OrgKind.BRANCH)))
    groups = {b.id: [g for g in b.children if g.kind == OrgKind.PARTY_GROUP] for b in branches}
    rng = random.Random(5)
    random_meetings(rng, branches, groups, types, 400)
    for moment in MOMENTS:  # crowd the days around each moment: grace periods, meetings under way
        random_meetings(rng, branches, groups, types, 60, start=moment - timedelta(days=10), hours=24 * 11)
    make_org("新设党支部", OrgKind.BRANCH, world.pc_a)  # no meetings at all: due, at risk, missed
    db.session.commit()
    return world


def python_answer(root, span, now, grouping):
    """What the engine says, counted the way the SQL counts."""
    rules = requirements.rules()
    answer = Counter()
    for branch in db.session.scalars(sa.select(Organization).where(
            Organization.in_subtree(root), Organization.kind == OrgKind.BRANCH)):
        facts = compliance_facts.of_branch(branch)
        for cell in engine.evaluate(rules, compliance_facts.units_of(branch), facts, span, now):
            answer[(_row(root, branch, grouping), cell.rule.requirement_id or cell.rule.id,
                    cell.period.key, str(cell.status))] += 1
    return answer


def _row(root, branch, grouping):
    if grouping == Grouping.BRANCH or root.kind == OrgKind.BRANCH:
        return branch.id if grouping == Grouping.BRANCH else root.id
    child_id = branch.ancestor_ids()[root.depth + 1]
    return child_id


def sql_answer(root, span, now, grouping):
    slots = compliance_sql.slots_for(requirements.rules(), span, now)
    found = Counter()
    for row_id, requirement_id, period_key, status, n in compliance_sql.counts(
            root, slots, now, engine.WAIT_DAYS, grouping):
        found[(row_id, requirement_id, period_key, status)] += n
    return found


@pytest.mark.parametrize(("now", "span_key"), CASES)
def test_sql_and_engine_agree_for_every_cell(province, now, span_key):
    span = periods.parse(span_key)
    for root in (province.root, province.pc_b, province.a1):
        for grouping in (Grouping.CHILD, Grouping.BRANCH):
            expected = python_answer(root, span, now, grouping)
            assert expected, "the random data judged nothing: the comparison would prove nothing"
            assert sql_answer(root, span, now, grouping) == expected


def test_every_status_occurs_in_the_random_data(province):
    """Otherwise agreement on it would be agreement on nothing."""
    now = MOMENTS[1]
    seen = {key[3] for span in ("2026", "2026-Q4")
            for key in python_answer(province.root, periods.parse(span), now, Grouping.BRANCH)}
    assert seen == {str(s) for s in engine.PeriodStatus}
