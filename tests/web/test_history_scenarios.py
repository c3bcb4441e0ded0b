"""The issue's cases, each played through the services the pages call and read back through
``GET /api/v1/compliance``: the tree as it was, the quorum as the regulation counts it, who has
a 支部委员会, and as-of dates that show what had been recorded by then."""
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from meetings.domain.terms import Attendance, CommitteeTitle, OrgKind, PersonCategory, PersonStatus
from meetings.extensions import db
from meetings.models import UnitVersion
from meetings.services import attendance, minutes, orgs, roster, scheduling
from meetings.services.attendance import Mark
from tests.api_client import bearer, get_json
from tests.builders import make_person
from tests.compliance_builders import add_meeting, install_rules, recorded_at
from tests.meeting_builders import make_fields, type_id


def at(month: int, day: int, hour: int = 2) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def cells(client, headers, org_id: int, period: str = "2026", as_of: str | None = None) -> dict:
    """{(type code, unit id, period key): status} of one branch, as the API gives them."""
    url = f"/api/v1/compliance?org={org_id}&period={period}" + (f"&as_of={as_of}" if as_of else "")
    body = get_json(client, url, headers)
    codes = {c["requirement_id"]: c["meeting_type"]["code"] for c in body["columns"]}
    return {(codes[p["requirement_id"]], p["organization_id"], p["period"]): p for p in body["periods"]}


@pytest.fixture
def admin_api(world):
    install_rules()
    db.session.commit()
    return bearer(world["admin"])


def test_a_branch_founded_in_october_is_judged_from_november(client, world, admin_api):
    with recorded_at(at(10, 10)):
        branch = orgs.create(world["admin"], name="新成立党支部", kind=OrgKind.BRANCH, parent=world.pc_a)
        db.session.commit()
    found = cells(client, admin_api, branch.id)
    months = {key for (code, _, key) in found if code == "theme_day"}
    assert "2026-01" not in months and "2026-10" not in months and "2026-11" in months
    quarterly = ("branch_assembly", "party_lecture")
    assert not any(code in quarterly and key == "2026-Q4" for code, _, key in found)


def test_a_group_dissolved_later_still_counts_one_of_two(client, world, admin_api):
    with recorded_at(at(10, 20)):
        add_meeting(world.a1, [_type("group_meeting")], at(10, 15, 7), group=world.g1)
        db.session.commit()
    with recorded_at(at(11, 3)):
        orgs.deactivate(world["admin"], world.g2)
        db.session.commit()
    found = cells(client, admin_api, world.a1.id)
    assert found[("group_meeting", world.g1.id, "2026-10")]["status"] == "met"
    assert found[("group_meeting", world.g2.id, "2026-10")]["status"] == "missed"  # not erased
    assert ("group_meeting", world.g2.id, "2026-11") not in found  # gone in the month it was dissolved
    body = get_json(client, f"/api/v1/compliance?org={world.pc_a.id}&period=2026-10", admin_api)
    a1 = next(r for r in body["rows"] if r["organization_id"] == world.a1.id)
    group_column = next(c["requirement_id"] for c in body["columns"]
                        if c["meeting_type"]["code"] == "group_meeting")
    share = next(c for c in a1["cells"] if c["requirement_id"] == group_column)
    assert (share["met"], share["missed"]) == (1, 1)


def _type(code: str):
    from meetings.models import MeetingType

    return db.session.get(MeetingType, type_id(code))


def _seven_full_members(branch) -> None:
    with recorded_at(at(1, 2)):
        for n in range(4):
            make_person(branch, f"党员{n}")
        db.session.commit()


def test_a_committee_elected_in_may_is_not_required_in_april(client, world, admin_api):
    _seven_full_members(world.a1)  # the world's a1 has three members and a 书记 seat
    with recorded_at(at(5, 12)):
        people = [world["recorder"], world["member"]]
        titles = (CommitteeTitle.ORGANIZER, CommitteeTitle.PROPAGANDA)
        for person, title in zip(people, titles, strict=True):
            roster.set_committee_seat(world["secretary"], world.a1, person, title)
        db.session.commit()
    months = {key for (code, _, key) in cells(client, admin_api, world.a1.id) if code == "branch_committee"}
    assert "2026-04" not in months and "2026-05" not in months and "2026-06" in months


def test_a_five_member_branch_with_a_secretary_is_held_to_no_committee_meeting(client, auth, world,
                                                                              admin_api):
    for n in range(4):
        make_person(world.a2, f"规划处党员{n}")
    roster.set_committee_seat(None, world.a2, world["other_secretary"], CommitteeTitle.SECRETARY)
    db.session.commit()
    assert not any(code == "branch_committee" for code, _, _ in cells(client, admin_api, world.a2.id))
    auth.login("other_secretary")
    page = client.get(f"/orgs/{world.a2.id}").get_data(as_text=True)
    assert "本支部有正式党员 5 人，不足 7 人" in page and "支部委员会会议不纳入考核" in page


def test_the_roster_page_says_when_the_committee_requirement_applies(client, auth, world):
    _seven_full_members(world.a1)
    seats = ((world["recorder"], CommitteeTitle.ORGANIZER), (world["member"], CommitteeTitle.PROPAGANDA))
    for person, title in seats:
        roster.set_committee_seat(None, world.a1, person, title)
    db.session.commit()
    auth.login("secretary")
    for url in (f"/orgs/{world.a1.id}", f"/branches/{world.a1.id}/officers"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "本支部有正式党员 7 人、支委 3 人" in response.get_data(as_text=True), url


def _assembly(world, starts_at: datetime, present, invited=None):
    """A 支部党员大会 of a1 planned a week ahead, attendance recorded the next day: the first
    ``present`` invitees came (or those whose ids ``present`` holds), the rest were absent."""
    fields = make_fields(world, code="branch_assembly", starts_at=starts_at,
                         **({"invitee_ids": invited} if invited is not None else {}))
    with recorded_at(starts_at - timedelta(days=7)):
        planned = starts_at - timedelta(days=7)
        meeting = scheduling.schedule_meeting(world["secretary"], world.a1, fields, planned)
        db.session.commit()
    with recorded_at(starts_at + timedelta(days=1)):
        ordered = sorted(meeting.invitations, key=lambda i: i.id)
        came = [n < present if isinstance(present, int) else i.person_id in present
                for n, i in enumerate(ordered)]
        marks = [Mark(i.id, None, Attendance.PRESENT if c else Attendance.ABSENT)
                 for i, c in zip(ordered, came, strict=True)]
        attendance.record_attendance(world["secretary"], meeting, marks, starts_at + timedelta(days=1))
        db.session.commit()
    return meeting


def _ten_full_members(world) -> list:
    with recorded_at(at(1, 2)):
        added = [make_person(world.a1, f"党员{n}") for n in range(7)]
        db.session.commit()
    return added


def test_an_assembly_inviting_six_of_ten_with_four_present_has_no_quorum(client, world, admin_api):
    added = _ten_full_members(world)
    invited = [world["secretary"].id, world["recorder"].id, world["member"].id] + [p.id for p in added[:3]]
    meeting = _assembly(world, at(6, 10, 7), present=4, invited=invited)
    assert (meeting.quorum_met, meeting.quorum_base, meeting.present_count) == (False, 10, 4)
    found = cells(client, admin_api, world.a1.id, "2026-Q2")
    judged = found[("branch_assembly", world.a1.id, "2026-Q2")]["meetings"]
    standing = {m["id"]: m["standing"] for m in judged}
    assert standing[meeting.id] == "no_quorum"


def test_a_member_transferred_in_june_counts_for_the_old_branch_until_then(world):
    added = _ten_full_members(world)
    before = _assembly(world, at(6, 10, 7), present=5)
    with recorded_at(at(6, 15)):
        transfer = roster.request_transfer(world["secretary"], added[0], world.a2, None)
        roster.decide_transfer(world["other_secretary"], transfer, True)
        db.session.commit()
    after = _assembly(world, at(7, 1, 7), present=5)
    assert (before.quorum_base, before.quorum_met) == (10, False)  # 5 of 10 is not more than half
    assert (after.quorum_base, after.quorum_met) == (9, True)


def test_exempt_and_away_members_are_out_of_the_base_from_the_day_they_are_so(world):
    added = _ten_full_members(world)
    with recorded_at(at(6, 1)):
        roster.set_status(world["secretary"], added[0], PersonStatus.EXEMPT)
        roster.set_status(world["secretary"], added[1], PersonStatus.AWAY)
        added[2].category = PersonCategory.PROBATIONARY
        db.session.commit()
    came = {world["secretary"].id, world["recorder"].id, world["member"].id, added[3].id}
    meeting = _assembly(world, at(6, 10, 7), present=came | {added[0].id, added[1].id, added[2].id})
    assert (meeting.quorum_base, meeting.quorum_met) == (7, True)  # 4 of 7; the other three do not count
    assert _assembly(world, at(6, 11, 7), present={world["secretary"].id, *(p.id for p in added[:3])}
                     ).quorum_met is False  # 1 of 7


def test_as_of_shows_what_had_been_recorded_by_then(client, world, admin_api):
    starts = at(6, 10, 7)
    meeting = _assembly(world, starts, present=3)
    with recorded_at(starts + timedelta(days=30)):  # 定稿 a month later: late, on the record since
        later = starts + timedelta(days=30)
        minutes.save_draft(world["recorder"], meeting, "## 会议内容\n\n讨论。\n", 0, later)
        minutes.finalize(world["secretary"], meeting, later)
        db.session.commit()
    key = ("branch_assembly", world.a1.id, "2026-Q2")
    then = cells(client, admin_api, world.a1.id, "2026-Q2", as_of="2026-06-15")[key]
    now = cells(client, admin_api, world.a1.id, "2026-Q2")[key]
    assert [m["standing"] for m in then["meetings"]] == ["awaiting_minutes"]
    assert [m["standing"] for m in now["meetings"]] == ["counts_late"]
    assert then["status"] == "scheduled" and now["status"] == "late"


def test_as_of_ignores_meetings_entered_afterwards(client, world, admin_api):
    with recorded_at(at(8, 1)):  # 补录 in August of a meeting held in May
        add_meeting(world.a1, [_type("theme_day")], at(5, 8, 7))
        db.session.commit()
    key = ("theme_day", world.a1.id, "2026-05")
    assert cells(client, admin_api, world.a1.id, "2026-05", as_of="2026-07-01")[key]["status"] == "missed"
    assert cells(client, admin_api, world.a1.id, "2026-05")[key]["status"] == "met"


@pytest.mark.parametrize("raw", ["yesterday", "2017-12-31", "2999-01-01", "2026-02-30", "20261130",
                                 "+2026-11-30", "２０２６-１１-３０"])
def test_a_bad_as_of_is_a_clear_422(client, world, admin_api, raw):
    # query_string= encodes the value, so "+" reaches the server as a plus, not a space.
    response = client.get("/api/v1/compliance", query_string={"org": world.a1.id, "as_of": raw},
                          headers=admin_api)
    assert response.status_code == 422
    assert "as_of" in response.get_data(as_text=True)


def test_as_of_opens_no_door(client, world, admin_api):
    headers = bearer(world["other_secretary"])
    response = client.get(f"/api/v1/compliance?org={world.a1.id}&as_of=2026-06-01", headers=headers)
    assert response.status_code in (403, 404)


def test_a_party_group_cannot_move_to_another_branch(world):
    with pytest.raises(orgs.TreeError, match="党小组不能移到其他支部"):
        orgs.move(world["admin"], world.g2, world.a2)
    assert world.g2.parent_id == world.a1.id


def test_a_dissolution_is_undone_only_on_its_day(world):
    with recorded_at(at(11, 3)):
        orgs.deactivate(world["admin"], world.g2)
        db.session.commit()
    with recorded_at(at(11, 4)), pytest.raises(orgs.TreeError, match="只能在撤销当天恢复"):
        orgs.reactivate(world["admin"], world.g2)
    with recorded_at(at(11, 3, 9)):
        orgs.reactivate(world["admin"], world.g2)
    assert world.g2.is_active and world.g2.dissolved_on is None


def test_no_meeting_is_recorded_before_the_branch_was_founded(world):
    with recorded_at(at(10, 10)):
        branch = orgs.create(world["admin"], name="新成立党支部", kind=OrgKind.BRANCH, parent=world.pc_a)
        person = make_person(branch, "新党员")
        db.session.commit()
    fields = make_fields(world, starts_at=at(10, 5, 7), invitee_ids=[person.id], host_id=None,
                         recorder_id=None, late_record=True)
    with pytest.raises(scheduling.SchedulingError) as refused:
        scheduling.schedule_meeting(world["admin"], branch, fields, at(10, 12))
    assert any("早于本支部的成立日期（2026-10-10）" in message for _, message in refused.value.errors)


def _rows(client, headers, org_id: int, as_of: str | None = None) -> dict[int, str]:
    url = f"/api/v1/compliance?org={org_id}&period=2026" + (f"&as_of={as_of}" if as_of else "")
    return {row["organization_id"]: row["name"] for row in get_json(client, url, headers)["rows"]}


def test_a_renamed_and_moved_branch_keeps_its_past_name_and_place(client, auth, world, admin_api):
    with recorded_at(at(5, 8)):
        add_meeting(world.a1, [_type("theme_day")], at(5, 8, 7))
        db.session.commit()
    with recorded_at(at(9, 1)):  # 机构改革: renamed and re-hung under the other 机关党委
        orgs.rename(world["admin"], world.a1, "综合处党支部", at(9, 1))
        orgs.move(world["admin"], world.a1, world.pc_b)
        db.session.commit()
    assert _rows(client, admin_api, world.pc_a.id, as_of="2026-08-31")[world.a1.id] == "办公室党支部"
    assert world.a1.id not in _rows(client, admin_api, world.pc_a.id)
    assert world.a1.id not in _rows(client, admin_api, world.pc_b.id, as_of="2026-08-31")
    assert _rows(client, admin_api, world.pc_b.id)[world.a1.id] == "综合处党支部"
    auth.login("admin")
    then = client.get(f"/compliance/export.csv?org={world.root.id}&period=2026&as_of=2026-08-31")
    line = next(r for r in then.get_data(as_text=True).splitlines() if "办公室党支部" in r)
    assert "省发改委机关党委" in line and "综合处" not in then.get_data(as_text=True)
    assert "%E6%88%AA%E8%87%B32026-08-31" in then.headers["Content-Disposition"]  # 截至 in the name
    page = client.get(f"/compliance?org={world.pc_a.id}&period=2026&as_of=2026-08-31").get_data(as_text=True)
    assert "办公室党支部" in page and "综合处党支部" not in page
    branch_then = client.get(f"/compliance?org={world.a1.id}&period=2026&as_of=2026-08-31").text
    assert "时称“办公室党支部”" in branch_then
    assert "时称" not in client.get(f"/compliance?org={world.a1.id}&period=2026").get_data(as_text=True)
    export = client.get(f"/compliance/export.csv?org={world.a1.id}&period=2026&as_of=2026-08-31")
    assert quote("通报-办公室党支部-2026-截至2026-08-31.csv") in export.headers["Content-Disposition"]


def test_a_unit_renamed_twice_in_a_day_has_one_current_version(world):
    with recorded_at(at(9, 1)):
        orgs.rename(world["admin"], world.a1, "甲党支部", at(9, 1))
        db.session.commit()
        orgs.rename(world["admin"], world.a1, "乙党支部", at(9, 1))
        db.session.commit()
    current = db.session.scalars(sa.select(UnitVersion.name).where(
        UnitVersion.organization_id == world.a1.id, UnitVersion.closed_at.is_(None))).all()
    assert current == ["乙党支部"]


@pytest.mark.parametrize("args", ["as_of=2026-13-01&period=2026-11", "as_of=2018-01-01&period=2026-11",
                                  "period=1999"])
def test_an_export_with_bad_filters_is_refused_not_swapped(client, auth, world, admin_api, args):
    auth.login("admin")
    response = client.get(f"/compliance/export.csv?org={world.root.id}&{args}")
    assert response.status_code == 422 and "Content-Disposition" not in response.headers
    assert response.text.strip()
