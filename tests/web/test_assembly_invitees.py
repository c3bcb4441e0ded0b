"""A 支部党员大会 planned for part of the branch is saved, with a warning: its quorum is counted
against every full member with voting rights (DESIGN §5 "who counts"), whoever was invited."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import PersonCategory, PersonStatus
from meetings.extensions import db
from meetings.models import Meeting
from meetings.services import attendance, meeting_types, scheduling
from tests.builders import make_person
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import make_meeting, make_started_meeting, type_id
from tests.sql_counter import statements_of

ADDED = ["孙党员", "钱党员", "李党员", "周党员甲", "吴党员", "郑党员", "<b>王党员</b>"]
NOTICE = "未邀请的有表决权的正式党员："


def warning(invited: int, base: int, needed: int) -> str:
    return (f"本次支部党员大会只邀请了 {invited}/{base} 名有表决权的正式党员。法定人数按全支部 {base} 人"
            f"计算，须至少 {needed} 人到会；未邀请的党员也应通知参会。")


@pytest.fixture
def branch(world):
    """Branch a1 with ten full, active members (the world's three and seven more), the default types."""
    meeting_types.install_defaults()
    for name in ADDED:
        login = "sun" if name == "孙党员" else None  # one plain member with an account
        world.people[name] = make_person(world.a1, name, login=login)
    db.session.commit()
    return world


def ids(world, *names) -> list[int]:
    return [world[n].id for n in names]


FIRST_SIX = ("secretary", "recorder", "member", "孙党员", "钱党员", "李党员")
LEFT_OUT = ("周党员甲", "吴党员", "郑党员", "<b>王党员</b>")


def form_data(world, code="branch_assembly", invited=FIRST_SIX, **overrides):
    data = {"type_ids": [str(type_id(code))], "title": "第四季度支部党员大会", "agenda": "1. 审议",
            "date": local_date(TEST_NOW + timedelta(days=10)).isoformat(), "start_time": "15:00",
            "end_time": "17:00", "place": "三楼会议室", "online_url": "",
            "invitees": [str(i) for i in ids(world, *invited)], "host_id": str(world["secretary"].id),
            "recorder_id": str(world["recorder"].id), "guests": "", "reminder": "1440", "repeat": ""}
    data.update(overrides)
    return data


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def assembly(world, invited=FIRST_SIX, **overrides) -> Meeting:
    meeting = make_meeting(world, now=TEST_NOW, starts_at=TEST_NOW + timedelta(days=5),
                           code="branch_assembly", invitee_ids=ids(world, *invited), **overrides)
    db.session.commit()
    return meeting


def test_planning_an_assembly_for_part_of_the_branch_saves_it_and_warns(branch, client, auth):
    auth.login("secretary")
    response = client.post(f"/branches/{branch.a1.id}/meetings/new", data=form_data(branch))
    assert response.status_code == 302  # warned, not refused
    [meeting] = db.session.scalars(sa.select(Meeting)).all()
    assert len(meeting.invitations) == 6
    assert ("warning", warning(6, 10, 6)) in flashes(client)


def test_no_warning_when_everyone_with_voting_rights_is_invited(branch, client, auth):
    auth.login("secretary")
    everyone = FIRST_SIX + LEFT_OUT
    client.post(f"/branches/{branch.a1.id}/meetings/new", data=form_data(branch, invited=everyone))
    assert [category for category, _ in flashes(client)] == ["success"]
    [meeting] = db.session.scalars(sa.select(Meeting)).all()
    assert NOTICE not in client.get(f"/meetings/{meeting.id}").text


def test_members_without_voting_rights_left_out_do_not_trigger_it(branch, client, auth):
    for name, status, category in [("免参加甲", PersonStatus.EXEMPT, PersonCategory.FULL),
                                   ("流动乙", PersonStatus.AWAY, PersonCategory.FULL),
                                   ("预备丙", PersonStatus.ACTIVE, PersonCategory.PROBATIONARY)]:
        make_person(branch.a1, name, status=status, category=category)
    db.session.commit()
    auth.login("secretary")
    data = form_data(branch, invited=FIRST_SIX + LEFT_OUT)
    assert client.post(f"/branches/{branch.a1.id}/meetings/new", data=data).status_code == 302
    assert [category for category, _ in flashes(client)] == ["success"]


@pytest.mark.parametrize("code", ["theme_day", "party_lecture", "branch_committee"])
def test_other_types_for_part_of_the_branch_do_not_warn(branch, client, auth, code):
    auth.login("secretary")
    response = client.post(f"/branches/{branch.a1.id}/meetings/new", data=form_data(branch, code=code))
    assert response.status_code == 302
    assert [category for category, _ in flashes(client)] == ["success"]


def test_an_assembly_that_also_counts_as_another_type_warns(branch, client, auth):
    auth.login("secretary")
    data = form_data(branch)
    data["type_ids"] = [str(type_id("theme_day")), str(type_id("branch_assembly"))]
    client.post(f"/branches/{branch.a1.id}/meetings/new", data=data)
    assert ("warning", warning(6, 10, 6)) in flashes(client)


def test_editing_an_assembly_to_leave_members_out_warns(branch, client, auth):
    meeting = assembly(branch, invited=FIRST_SIX + LEFT_OUT)
    auth.login("secretary")
    data = form_data(branch, invited=FIRST_SIX[:5], title=meeting.title, version=str(meeting.version))
    assert client.post(f"/meetings/{meeting.id}/edit", data=data).status_code == 302
    assert ("warning", warning(5, 10, 6)) in flashes(client)


def test_a_series_of_assemblies_for_part_of_the_branch_warns_once(branch, client, auth):
    auth.login("secretary")
    data = form_data(branch, repeat="monthly_by_weekday", count="2")
    preview = client.post(f"/branches/{branch.a1.id}/meetings/new", data=data)
    dates = re.findall(r'name="include_dates" type="checkbox" value="([0-9-]+)"', preview.text)
    data.update(previewed="1", include_dates=dates)
    assert client.post(f"/branches/{branch.a1.id}/meetings/new", data=data).status_code == 302
    assert [c for c, _ in flashes(client)] == ["success", "warning"]


def test_the_meeting_page_names_the_uninvited_voting_members(branch, client, auth):
    meeting = assembly(branch)
    auth.login("secretary")
    page = client.get(f"/meetings/{meeting.id}").text
    notice = page[page.index("assembly-notice"):]
    notice = notice[:notice.index("</div>")]
    assert warning(6, 10, 6) in notice
    shown = notice[notice.index(NOTICE) + len(NOTICE):notice.index("</p>", notice.index(NOTICE))]
    assert sorted(shown.split("、")) == sorted(["周党员甲", "吴党员", "郑党员", "&lt;b&gt;王党员&lt;/b&gt;"])
    assert "<b>王党员</b>" not in page  # the name is text, never markup
    assert "孙党员" not in shown  # invited


def test_the_schedule_form_says_how_the_assembly_quorum_is_counted(branch, client, auth):
    auth.login("secretary")
    page = client.get(f"/branches/{branch.a1.id}/meetings/new").text
    assert "支部党员大会的法定人数按全支部有表决权的正式党员计算" in page


def test_the_notice_goes_once_attendance_is_recorded(branch, client, auth):
    meeting = make_started_meeting(branch, code="branch_assembly", invitee_ids=ids(branch, *FIRST_SIX))
    db.session.commit()
    auth.login("secretary")
    assert NOTICE in client.get(f"/meetings/{meeting.id}").text  # held, not yet recorded
    attendance.record_attendance(branch["secretary"], meeting, [], meeting.starts_at + timedelta(minutes=30),
                                 all_present=True)
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}").text
    assert NOTICE not in page and "assembly-notice" not in page


def test_a_cancelled_assembly_shows_no_notice(branch, client, auth):
    meeting = assembly(branch)
    scheduling.cancel_meeting(branch["secretary"], meeting, "改期", TEST_NOW)
    db.session.commit()
    auth.login("secretary")
    assert NOTICE not in client.get(f"/meetings/{meeting.id}").text


@pytest.mark.parametrize("login", ["admin", "liaison", "secretary", "recorder", "member", "sun"])
def test_whoever_sees_the_branch_sees_the_notice(branch, client, auth, login):
    meeting = assembly(branch)
    auth.login(login)
    page = client.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200 and NOTICE in page.text and warning(6, 10, 6) in page.text


@pytest.mark.parametrize("login", ["b_member", "other_secretary"])
def test_who_may_not_see_the_meeting_gets_no_notice(branch, client, auth, login):
    meeting = assembly(branch)
    auth.login(login)
    page = client.get(f"/meetings/{meeting.id}")
    assert page.status_code in (403, 404) and NOTICE not in page.text and "郑党员" not in page.text


def test_an_invited_guest_from_another_branch_sees_the_meeting_but_not_the_names(branch, client, auth):
    guest = branch["other_secretary"].id
    meeting = assembly(branch, observer_ids=[guest], named_observer_ids=frozenset({guest}))
    auth.login("other_secretary")
    page = client.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200
    assert NOTICE not in page.text and "郑党员" not in page.text and "只邀请了" not in page.text


def test_the_notice_costs_one_statement_for_the_names(branch, client, auth):
    partial, whole = assembly(branch), assembly(branch, invited=FIRST_SIX + LEFT_OUT)
    auth.login("secretary")
    with_notice, without = statements_of(client, f"/meetings/{partial.id}"), statements_of(
        client, f"/meetings/{whole.id}")
    assert with_notice == without + 1 and with_notice <= 20
