"""§31 absence streaks from real invitation rows, and the page that lists them per scope."""
from datetime import UTC, datetime

import pytest

from meetings.domain.terms import Attendance, InvitationRole
from meetings.extensions import db
from meetings.models import Invitation
from meetings.services import absence
from tests.builders import make_person
from tests.compliance_builders import add_meeting, install_rules

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
DAYS = [datetime(2026, m, 10, 7, 0, tzinfo=UTC) for m in (4, 5, 7, 9, 11)]


@pytest.fixture
def absentees(world):
    """Five recorded meetings of A1 (April–November) and members with different records."""
    types = install_rules()
    people = {name: make_person(world.a1, name) for name in ("缺席半年", "请过假", "新近缺席", "免于参加")}
    absent, present = Attendance.ABSENT, Attendance.PRESENT
    marks = {"缺席半年": [present, absent, None, absent, absent],
             "请过假": [absent, absent, absent, Attendance.LEAVE, absent],
             "新近缺席": [present] * 3 + [absent, absent],
             "免于参加": [absent] * 5}
    for n, day in enumerate(DAYS):
        meeting = add_meeting(world.a1, [types["theme_day"]], day)
        for name, person in people.items():
            db.session.add(Invitation(meeting_id=meeting.id, person_id=person.id,
                                      role=InvitationRole.ATTENDEE, optional=name == "免于参加",
                                      attendance=marks[name][n]))
    db.session.commit()
    return world


def test_only_unbroken_unexcused_runs_of_three_months_are_listed(absentees):
    found = {m.name: m for m in absence.absent_members(absentees.root, NOW)}
    assert set(found) == {"缺席半年"}  # 请过假: leave in Sept; 新近缺席: since Sept; 免于参加: not 应到
    member = found["缺席半年"]
    # May, September and November (July's mark is missing: no evidence either way)
    assert (member.since.isoformat(), member.meetings, member.months) == ("2026-05-10", 3, 6)
    assert member.level == 3  # six months, but only three meetings missed


def test_the_list_is_limited_to_the_scope(absentees):
    assert absence.absent_members(absentees.pc_b, NOW) == []


@pytest.mark.parametrize(("login", "org", "status"), [
    ("admin", "root", 200), ("liaison", "pc_a", 200), ("secretary", "a1", 200),
    # 404: a unit they cannot see
    ("secretary", "a2", 404), ("member", "a1", 403), ("other_secretary", "a1", 404)])
def test_absence_page_per_role(client, auth, absentees, login, org, status):
    auth.login(login)
    response = client.get(f"/compliance/absences?org={getattr(absentees, org).id}")
    assert response.status_code == status
    if status == 200 and org != "pc_b":
        assert "连续缺席提醒" in response.get_data(as_text=True)
