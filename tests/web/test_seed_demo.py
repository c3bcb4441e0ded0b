"""``flask seed-demo``: a believable provincial organs tree, the demo accounts, safe to re-run."""
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from meetings.domain import periods
from meetings.domain.scheduling import BEIJING, local_date
from meetings.domain.terms import OrgKind, OutboxStatus, PeriodKind, PersonCategory, PersonStatus
from meetings.extensions import db
from meetings.models import (
    ApiToken,
    AuditEvent,
    CommitteeSeat,
    InboundMail,
    Organization,
    OutboxMessage,
    Person,
)
from meetings.seeding import demo
from meetings.services import compliance
from meetings.services.compliance import export as compliance_export
from meetings.services.compliance import facts as compliance_facts
from tests.builders import empty_tables
from tests.fixed_time import TEST_NOW

PASSWORD = "orglife-demo"
ACCOUNTS = ("admin", "liaison", "secretary", "recorder", "member")


def seed(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def kind_counts() -> dict:
    rows = db.session.execute(sa.select(Organization.kind, sa.func.count()).group_by(Organization.kind))
    return dict(rows.all())


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def seeded(shared_demo, ctx):
    """The one demo seed of this worker; the tests below read it, and re-running the seed
    over it changes nothing (which is itself tested)."""
    yield shared_demo
    db.session.remove()


shares_demo = pytest.mark.shares_demo


@shares_demo
def test_builds_the_organs_tree(seeded):
    kinds = kind_counts()
    assert kinds[OrgKind.COMMITTEE] == 1
    assert kinds[OrgKind.PARTY_COMMITTEE] == 3
    assert kinds[OrgKind.GENERAL_BRANCH] == 1
    assert kinds[OrgKind.BRANCH] == 8
    assert 16 <= kinds[OrgKind.PARTY_GROUP] <= 24
    general = db.session.scalar(sa.select(Organization).where(Organization.kind == OrgKind.GENERAL_BRANCH))
    assert [c.kind for c in general.children] == [OrgKind.BRANCH]


@shares_demo
def test_every_branch_has_party_groups_and_members_in_them(seeded):
    for branch in db.session.scalars(sa.select(Organization).where(Organization.kind == OrgKind.BRANCH)):
        groups = [c for c in branch.children if c.kind == OrgKind.PARTY_GROUP and c.is_active]
        assert 1 <= len(groups) <= 3, branch.name
        people = db.session.scalars(sa.select(Person).where(Person.branch_id == branch.id)).all()
        assert {p.party_group_id for p in people} == {g.id for g in groups}, branch.name
        assert len({p.name for p in people}) == len(people), f"duplicate name in {branch.name}"


@shares_demo
def test_one_party_group_was_dissolved_last_month_and_still_answers_for_before(seeded):
    (group,) = db.session.scalars(sa.select(Organization).where(Organization.dissolved_on.is_not(None)))
    assert group.kind == OrgKind.PARTY_GROUP and not group.is_active and group.dissolved_on.day == 1
    assert group.parent.name == "价格处党支部"
    units = {u.id: u for u in compliance_facts.units_of(group.parent)}
    before = periods.period_of(PeriodKind.MONTH, group.dissolved_on - timedelta(days=1))
    assert units[group.id].existence.covers(before.first_day, before.last_day)
    assert not units[group.id].existence.holds_on(group.dissolved_on)


@shares_demo
def test_last_months_report_comes_out_as_of_then_with_the_old_name(seeded):
    """The demo's record is dated as it happened: as of the end of last month the 通报 has the
    branch renamed this month under its old name, and the meetings held by then."""
    now = TEST_NOW  # the instant the shared demo was seeded at (the pinned site clock)
    last_day = local_date(now).replace(day=1) - timedelta(days=1)
    moment = datetime.combine(last_day, time(23, 59, 59), tzinfo=BEIJING)
    root, span = demo.find_root(), periods.parse(str(last_day.year))
    then = [row[2] for row in compliance_export.report(root, span, moment, as_of=True).rows]
    assert "规划处党支部" in then and "发展规划处党支部" not in then
    assert "发展规划处党支部" in [row[2] for row in compliance_export.report(root, span, now).rows]
    as_of = compliance.dashboard(root, span, moment, as_of=True).total.done
    known_now = compliance.dashboard(root, span, moment).total.done
    assert known_now > 0 and as_of >= 0.9 * known_now


@shares_demo
def test_roster_has_the_usual_mix_of_standings(seeded):
    assert 140 <= count(Person) <= 160
    assert count(Person, Person.status == PersonStatus.EXEMPT) == 1
    assert count(Person, Person.status == PersonStatus.AWAY) == 1
    assert 5 <= count(Person, Person.category == PersonCategory.PROBATIONARY) <= 12
    exempt = db.session.scalar(sa.select(Person).where(Person.status == PersonStatus.EXEMPT))
    assert "年老体弱" in exempt.note
    emails = db.session.scalars(sa.select(Person.email)).all()
    assert all(e.endswith("@example.org") for e in emails)
    phones = db.session.scalars(sa.select(Person.phone)).all()
    assert all(len(p) == 11 and p.startswith("139") for p in phones)


@shares_demo
def test_committees_only_where_seven_full_members(seeded):
    branches = db.session.scalars(sa.select(Organization).where(Organization.kind == OrgKind.BRANCH)).all()
    without = []
    for branch in branches:
        seats = count(CommitteeSeat, CommitteeSeat.branch_id == branch.id)
        full = count(Person, Person.branch_id == branch.id, Person.category == PersonCategory.FULL)
        if seats:
            assert full >= 7, branch.name
            assert 4 <= seats <= 5, branch.name
        else:
            assert full < 7, branch.name
            without.append(branch.name)
    assert len(without) == 1


@shares_demo
def test_secretary_sits_as_branch_secretary_with_member_and_recorder_beside(seeded):
    people = {p.login: p for p in db.session.scalars(sa.select(Person).where(Person.login.in_(ACCOUNTS)))}
    branch = people["secretary"].branch
    assert people["member"].branch_id == people["recorder"].branch_id == branch.id
    secretary_seats = sa.select(CommitteeSeat).where(CommitteeSeat.person_id == people["secretary"].id)
    seat = db.session.scalar(secretary_seats)
    assert seat.branch_id == branch.id and seat.title == "secretary"
    assert count(CommitteeSeat, CommitteeSeat.person_id == people["member"].id) == 0
    assert {r.role for r in people["admin"].roles} == {"admin"}
    assert people["admin"].roles[0].organization.parent_id is None
    assert {r.organization.kind for r in people["liaison"].roles} == {OrgKind.PARTY_COMMITTEE}
    assert count(AuditEvent) > 0  # seeded through the services, which audit


@shares_demo
@pytest.mark.parametrize("login", ["admin", "liaison", "secretary", "recorder", "member"])
def test_each_demo_account_signs_in_and_sees_its_name(app, seeded, client, login):
    name = db.session.scalar(sa.select(Person.name).where(Person.login == login))
    response = client.post("/login", data={"login": login, "password": PASSWORD})
    assert response.status_code == 302
    if login == "secretary" and "roster.import_upload" not in app.view_functions:
        pytest.xfail("the secretary's home links to the roster import view, not written yet")
    page = client.get("/").get_data(as_text=True)
    assert name in page


@shares_demo
def test_output_lists_the_accounts_and_password(seeded):
    for login in ACCOUNTS:
        assert login in seeded
    assert PASSWORD in seeded
    assert "省直机关工委" in seeded


@shares_demo
def test_running_twice_changes_nothing(app, seeded):
    before = (kind_counts(), count(Person), count(CommitteeSeat), count(AuditEvent))
    output = seed(app)
    db.session.remove()
    assert (kind_counts(), count(Person), count(CommitteeSeat), count(AuditEvent)) == before
    assert "已存在" in output and "already exists" in output
    assert PASSWORD in output and "member" in output


@shares_demo
def test_the_secretary_has_a_script_token_in_use_and_a_revoked_one(app, seeded, client):
    assert client.post("/login", data={"login": "secretary", "password": PASSWORD}).status_code == 302
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "季度通报脚本" in page and "旧导出脚本" in page and "已撤销" in page
    assert "olt_" not in page  # their plaintexts were never kept
    seed(app)
    assert count(ApiToken) == 2


@shares_demo
def test_the_demo_shows_one_invite_the_relay_refused(app, seeded, client):
    failed = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED))
    (row,) = failed.all()
    assert "550" in row.last_error and row.kind == "invite"
    client.post("/login", data={"login": "admin", "password": PASSWORD})
    page = client.get("/mail").get_data(as_text=True)
    assert row.recipient in page and "已放弃" in page


# These seed tables of their own.
def test_same_people_every_time(ctx):
    seed(ctx)
    db.session.remove()
    first = db.session.scalars(sa.select(Person.name).order_by(Person.id)).all()
    db.session.remove()  # TRUNCATE waits for every open transaction on the tables
    empty_tables()
    seed(ctx)
    db.session.remove()
    assert db.session.scalars(sa.select(Person.name).order_by(Person.id)).all() == first


def test_custom_password_is_used(ctx):
    result = ctx.test_cli_runner().invoke(args=["seed-demo", "--password", "another-secret"])
    assert result.exit_code == 0, result.output
    assert "another-secret" in result.output
    rerun = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert rerun.exit_code == 0
    assert "密码已被修改" in rerun.output


def test_refuses_when_a_demo_login_is_taken(ctx):
    db.session.add(Person(name="某人", login="member"))
    db.session.commit()
    result = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "member" in result.output
    db.session.remove()
    assert count(Organization) == 0


@shares_demo
def test_calendar_answers_are_part_of_the_demo(app, seeded, client):
    """Three answers from calendars, a proposed new time and a forged answer that changed nothing."""
    rows = list(db.session.scalars(sa.select(InboundMail).order_by(InboundMail.id)))
    assert [(r.kind, r.outcome, r.reason) for r in rows] == [
        ("reply", "applied", "accepted"), ("reply", "applied", "declined"), ("reply", "applied", "tentative"),
        ("counter", "shown", "counter"), ("reply", "ignored", "not_the_invitee")]
    client.post("/login", data={"login": "secretary", "password": PASSWORD})
    page = client.get(f"/meetings/{rows[0].meeting_id}").text
    assert "待定" in page and "改期建议" in page and "在外地参加培训" in page
