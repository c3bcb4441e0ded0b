"""Engine and SQL agree on a tree that changes between meetings, now and as of past dates; and a
past 通报, exported back then, comes out byte for byte the same after everything that came later.

The year is played out in order with the site's clock standing at each day: groups are
dissolved, members transferred, exempted or promoted, committees elected and vacated, branches
founded, renamed and moved to another 机关党委, and meetings recorded — each through the
services the pages call.
"""
import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from meetings.domain import compliance as engine
from meetings.domain import periods
from meetings.domain.scheduling import BEIJING
from meetings.domain.terms import CommitteeTitle, OrgKind, PersonCategory, PersonStatus
from meetings.extensions import db
from meetings.models import CommitteeSeat, Organization, Person, UnitVersion
from meetings.services import orgs, requirements, roster
from meetings.services.compliance import export as compliance_export
from meetings.services.compliance import facts as compliance_facts
from meetings.services.compliance import sql as compliance_sql
from meetings.services.compliance.sql import Grouping
from tests.builders import make_org, make_person
from tests.compliance_builders import install_rules, random_meetings, recorded_at

YEAR_START = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
MOMENTS = [datetime(2026, 4, 10, 15, 59, 59, tzinfo=UTC), datetime(2026, 6, 30, 15, 59, 59, tzinfo=UTC),
           datetime(2026, 9, 30, 15, 59, 59, tzinfo=UTC), datetime(2026, 12, 20, 15, 59, 59, tzinfo=UTC)]
SPANS = ["2026", "2026-Q2", "2026-06"]


def _branches() -> list[Organization]:
    return list(db.session.scalars(sa.select(Organization).where(Organization.kind == OrgKind.BRANCH,
                                                                 Organization.is_active.is_(True))))


def _groups(branches) -> dict[int, list[Organization]]:
    return {b.id: [g for g in b.children if g.kind == OrgKind.PARTY_GROUP and g.is_active] for b in branches}


def _tree_change(rng: random.Random, admin: Person, parents: list[Organization], now: datetime) -> None:
    """One random change of the tree, recorded at ``now`` (where the site's clock stands)."""
    branches = _branches()
    branch = rng.choice(branches)
    members = [p for p in db.session.scalars(sa.select(Person).where(Person.branch_id == branch.id))
               if p.status != PersonStatus.TRANSFERRED_OUT]
    kind = rng.choice(["dissolve", "transfer", "status", "seat", "unseat", "found", "promote",
                       "rename", "move"])
    if kind == "dissolve" and _groups([branch])[branch.id]:
        orgs.deactivate(admin, rng.choice(_groups([branch])[branch.id]))
    elif kind == "transfer" and members and len(branches) > 1:
        person = rng.choice(members)
        if roster.pending_transfer(person) is None:
            target = rng.choice([b for b in branches if b.id != branch.id])
            roster.decide_transfer(admin, roster.request_transfer(admin, person, target, None), True)
    elif kind == "status" and members:
        roster.set_status(admin, rng.choice(members), rng.choice(list(PersonStatus)))
    elif kind == "seat":
        seated = {s.person_id for s in roster.committee(branch)}
        free = [p for p in members if p.id not in seated and p.category == PersonCategory.FULL]
        titles = [t for t in CommitteeTitle if t not in {s.title for s in roster.committee(branch)}]
        if free and titles:
            roster.set_committee_seat(admin, branch, rng.choice(free), titles[0])
    elif kind == "unseat" and roster.committee(branch):
        roster.remove_committee_seat(admin, rng.choice(roster.committee(branch)))
    elif kind == "found":
        new = orgs.create(admin, name=f"新支部{rng.randrange(10**6)}", kind=OrgKind.BRANCH,
                          parent=rng.choice(parents))
        for n in range(rng.randrange(0, 9)):
            make_person(new, f"新党员{n}")
    elif kind == "rename":
        unit = rng.choice([branch, *parents])
        orgs.rename(admin, unit, f"{unit.name.split('·')[0]}·{rng.randrange(10**4)}", now)
    elif kind == "move":
        orgs.move(admin, branch, rng.choice([p for p in parents if p.id != branch.parent_id]))
    elif kind == "promote" and members:
        person = rng.choice(members)
        full = person.category == PersonCategory.FULL
        person.category = PersonCategory.PROBATIONARY if full else PersonCategory.FULL
    db.session.flush()


@pytest.fixture
def changing_year(world):
    """Seven to twelve members per branch, committees in some, then a year of meetings and changes."""
    rng = random.Random(16)
    types = install_rules()
    extra = make_org("信息中心党支部", OrgKind.BRANCH, world.pc_b)
    make_org("第一党小组", OrgKind.PARTY_GROUP, extra)
    make_org("第三党小组", OrgKind.PARTY_GROUP, world.b1)
    for branch in _branches():
        for n in range(rng.randrange(4, 10)):
            make_person(branch, f"党员{branch.id}-{n}", category=rng.choice(
                [PersonCategory.FULL] * 4 + [PersonCategory.PROBATIONARY]))
    db.session.flush()
    for branch in _branches()[:3]:
        full = [p for p in db.session.scalars(sa.select(Person).where(Person.branch_id == branch.id))
                if p.category == PersonCategory.FULL]
        for person, title in zip(full, list(CommitteeTitle), strict=False):
            seated = sa.select(CommitteeSeat).where(CommitteeSeat.person_id == person.id)
            if db.session.scalar(seated) is None:
                roster.set_committee_seat(None, branch, person, title)
    db.session.commit()
    exports = {}
    day = YEAR_START
    while day < datetime(2026, 12, 31, tzinfo=UTC):
        with recorded_at(day):
            branches = _branches()
            random_meetings(rng, branches, _groups(branches), types, 6, start=day - timedelta(days=20),
                            hours=24 * 30)
            for _ in range(rng.randrange(0, 3)):
                _tree_change(rng, world["admin"], [world.pc_a, world.pc_b], day)
            db.session.commit()
        for moment in MOMENTS:
            if day < moment <= day + timedelta(days=7):
                with recorded_at(moment):  # the 通报 as it was exported that evening
                    for scope in (world.root, world.pc_a):
                        report = compliance_export.report(scope, periods.parse("2026"), moment)
                        exports[moment, scope.id] = report.csv()
        day += timedelta(days=7)
    world.exports = exports
    return world


def _branches_under(root, moment) -> list[Organization]:
    """The branches under ``root`` now, or (``moment``) in the tree as it stood then."""
    if moment is None:
        return list(db.session.scalars(sa.select(Organization).where(
            Organization.in_subtree(root), Organization.kind == OrgKind.BRANCH)))
    then = {v.organization_id: v.path for v in db.session.scalars(sa.select(UnitVersion).where(
        sa.or_(UnitVersion.recorded_at.is_(None), UnitVersion.recorded_at <= moment),
        sa.or_(UnitVersion.closed_at.is_(None), UnitVersion.closed_at > moment)))}
    return [o for o in db.session.scalars(sa.select(Organization).where(Organization.kind == OrgKind.BRANCH))
            if root.id in then and then.get(o.id, "").startswith(then[root.id])]


def engine_answer(root, span, now, as_of: bool) -> Counter:
    rules, answer = requirements.rules(), Counter()
    moment = now if as_of else None
    for branch in _branches_under(root, moment):
        facts = compliance_facts.of_branch(branch, None, moment)
        for cell in engine.evaluate(rules, compliance_facts.units_of(branch, moment), facts, span, now):
            key = (branch.id, cell.rule.requirement_id or cell.rule.id, cell.period.key, str(cell.status))
            answer[key] += 1
    return answer


def sql_answer(root, span, now, as_of: bool) -> Counter:
    found = Counter()
    slots = compliance_sql.slots_for(requirements.rules(), span, now)
    for row_id, requirement_id, period_key, status, n in compliance_sql.counts(
            root, slots, now, engine.WAIT_DAYS, Grouping.BRANCH, as_of=as_of):
        found[(row_id, requirement_id, period_key, status)] += n
    return found


@pytest.mark.parametrize("as_of", [False, True], ids=["as known now", "as recorded then"])
def test_engine_and_sql_agree_on_a_changing_tree(changing_year, as_of):
    checked = 0
    for now in MOMENTS:
        for key in SPANS:
            span = periods.parse(key)
            if span.first_day > now.date():
                continue
            for scope in (changing_year.root, changing_year.pc_a):
                expected = engine_answer(scope, span, now, as_of)
                assert sql_answer(scope, span, now, as_of) == expected, (now, key, scope.name)
                checked += sum(expected.values())
    assert checked > 500


def test_the_tree_really_changed_during_the_year(changing_year):
    dissolved = db.session.scalar(sa.select(sa.func.count()).where(Organization.dissolved_on.is_not(None)))
    founded = db.session.scalar(sa.select(sa.func.count()).where(Organization.founded_on.is_not(None)))
    moved = db.session.scalar(sa.text("SELECT count(*) FROM membership_span WHERE valid_to IS NOT NULL"))
    replaced = db.session.scalars(sa.select(UnitVersion).where(UnitVersion.closed_at.is_not(None))).all()
    renamed = [v for v in replaced if v.name != db.session.get(Organization, v.organization_id).name]
    rehung = [v for v in replaced if v.parent_id != db.session.get(Organization, v.organization_id).parent_id]
    assert dissolved and founded and moved > 10 and renamed and rehung


def test_as_known_now_and_as_recorded_then_differ(changing_year):
    """Later changes do move the past under "as known now" — that is what as-of is for."""
    now, span = MOMENTS[1], periods.parse("2026")
    then = engine_answer(changing_year.root, span, now, True)
    assert then != engine_answer(changing_year.root, span, now, False)


@pytest.mark.parametrize("index", range(len(MOMENTS)))
def test_a_past_report_comes_out_byte_for_byte_after_later_changes(changing_year, index):
    """Names, 上级单位 and which branches a 机关党委's 通报 lists included."""
    moment = MOMENTS[index]
    day = moment.astimezone(BEIJING).date()
    for scope in (changing_year.root, changing_year.pc_a):
        again = compliance_export.report(scope, periods.parse("2026"),
                                         datetime.combine(day, time(23, 59, 59), tzinfo=BEIJING), as_of=True)
        assert again.csv() == changing_year.exports[moment, scope.id], scope.name
    assert day < date(2026, 12, 31)
