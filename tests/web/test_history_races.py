"""Two officers at the same moment (barrier-synchronized, on SQLite and PostgreSQL): two saves
of a 党员大会's sheet never give a 500, two changes of one member leave one history, and two
moves of one branch leave its party groups under it."""
import pytest
import sqlalchemy as sa

from meetings.domain.terms import Role
from meetings.extensions import db
from meetings.models import MembershipSpan, Organization, UnitVersion
from meetings.services import attendance, orgs, roster
from tests.builders import make_person
from tests.meeting_builders import make_started_meeting
from tests.races import posts_at_once

ROUNDS = 3


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_sheets_of_an_assembly_saved_at_once_never_fail(app, world, clock, monkeypatch, round_):
    meeting = make_started_meeting(world, code="branch_assembly")
    db.session.commit()
    url = f"/meetings/{meeting.id}/attendance"
    answers = posts_at_once(app, monkeypatch, attendance, ["record_attendance"], [
        ("secretary", url, {"all_present": "1"}), ("recorder", url, {"all_present": "1"})])
    assert all(status < 500 for status, _ in answers), [status for status, _ in answers]
    db.session.expire_all()
    assert meeting.quorum_base == 3 and meeting.quorum_met is True


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_status_changes_at_once_leave_one_open_span(app, world, clock, monkeypatch, round_):
    person = world["member"]
    url = f"/people/{person.id}/status"
    answers = posts_at_once(app, monkeypatch, roster, ["set_status"], [
        ("secretary", url, {"status": "away"}), ("admin", url, {"status": "exempt"})])
    assert all(status < 500 for status, _ in answers)
    db.session.expire_all()
    open_spans = db.session.scalars(sa.select(MembershipSpan).where(
        MembershipSpan.person_id == person.id, MembershipSpan.valid_to.is_(None))).all()
    assert len(open_spans) == 1 and open_spans[0].status == person.status


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_moves_of_a_branch_at_once_keep_its_groups_with_it(app, world, clock, monkeypatch, round_):
    second = make_person(None, "钱管理", login="admin2")
    roster.assign_role(None, second, world.root, Role.ADMIN)
    db.session.commit()
    url = f"/orgs/{world.a1.id}/edit"
    answers = posts_at_once(app, monkeypatch, orgs, ["rename"], [
        ("admin", url, {"name": "甲党支部", "parent_id": str(world.pc_b.id)}),
        ("admin2", url, {"name": "乙党支部", "parent_id": str(world.general.id)})])
    assert all(status < 500 for status, _ in answers)
    db.session.expire_all()
    branch = db.session.get(Organization, world.a1.id)
    for group in (world.g1, world.g2):
        assert db.session.get(Organization, group.id).path.startswith(branch.path)
    placed = {v.organization_id: v.path for v in db.session.scalars(
        sa.select(UnitVersion).where(UnitVersion.closed_at.is_(None)))}
    stored = dict(db.session.execute(sa.select(Organization.id, Organization.path)).all())
    assert placed == stored  # the versions say where each unit is
