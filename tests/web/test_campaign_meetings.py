"""Meetings for a campaign (专项行动): the schedule form's and the API's link, the refusals (another
branch, another type, outside the window), the to-do, demo."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.campaigns import CampaignStatus
from meetings.domain.scheduling import local_date
from meetings.extensions import db
from meetings.models import Campaign, Meeting, MeetingType, OutboxMessage
from meetings.seeding.demo import seed_demo
from meetings.services import campaigns, campaigns_query, scheduling
from tests.api_client import bearer, problem_fields, send
from tests.campaign_builders import campaign_fields, make_campaign
from tests.compliance_builders import add_meeting
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import NOW, branch_member_ids, make_fields, make_meeting, type_id


def selected(body: str, select_id: str) -> str | None:
    block = re.search(rf'<select[^>]*id="{select_id}".*?</select>', body, re.S)
    chosen = re.search(r'<option selected value="([^"]*)"', block.group(0)) if block else None
    return chosen.group(1) if chosen else None


def test_schedule_form_is_prefilled_from_the_campaign(client, auth, world):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    db.session.commit()
    auth.login("secretary")
    body = client.get(f"/branches/{world.a1.id}/meetings/new?campaign={campaign.id}").get_data(as_text=True)
    assert selected(body, "campaign_id") == str(campaign.id)
    assert f'value="{campaign.title}"' in body
    special = type_id("special_org_life_meeting")
    assert re.search(rf'<input checked id="type_ids-\d+" name="type_ids"[^>]*value="{special}"', body)
    day = re.search(r'id="date" name="date" required type="date" value="([\d-]+)"', body).group(1)
    assert campaign.window_start.isoformat() <= day <= campaign.deadline.isoformat()


@pytest.mark.parametrize("wanted", ["foreign", "abc", "99999999999999999999"])
def test_an_unknown_or_foreign_campaign_in_the_address_is_ignored(client, auth, world, wanted):
    foreign = make_campaign(world, scope_id=world.pc_b.id)
    db.session.commit()
    auth.login("secretary")
    value = str(foreign.id) if wanted == "foreign" else wanted
    response = client.get(f"/branches/{world.a1.id}/meetings/new?campaign={value}")
    assert response.status_code == 200
    assert 'id="campaign_id"' not in response.get_data(as_text=True)  # nothing to offer a1


def schedule_data(world, campaign_id) -> dict:
    day = local_date(TEST_NOW) + timedelta(days=5)
    return {"type_ids": [str(type_id("special_org_life_meeting"))], "title": "专题组织生活会",
            "date": day.isoformat(), "start_time": "14:30", "end_time": "17:30",
            "invitees": [str(world["secretary"].id), str(world["member"].id)],
            "campaign_id": str(campaign_id), "reminder": "1440"}


def test_a_meeting_scheduled_for_the_campaign_links_to_it(client, auth, world):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    db.session.commit()
    auth.login("secretary")
    response = client.post(f"/branches/{world.a1.id}/meetings/new", data=schedule_data(world, campaign.id))
    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert meeting.campaign_id == campaign.id
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'<a href="/campaigns/{campaign.id}">{campaign.title}</a>' in page
    auth.logout()
    auth.login("member")  # sees which campaign it is for, without a link to the oversight page
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert campaign.title in page and f'href="/campaigns/{campaign.id}"' not in page


def test_the_schedule_form_refuses_a_campaign_not_covering_the_branch(client, auth, world):
    foreign = make_campaign(world, scope_id=world.pc_b.id)
    db.session.commit()
    auth.login("secretary")
    response = client.post(f"/branches/{world.a1.id}/meetings/new", data=schedule_data(world, foreign.id))
    assert response.status_code == 200
    assert "所选专项行动不包括本支部" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0


def test_the_service_refuses_a_campaign_not_covering_the_branch(world):
    foreign = make_campaign(world, scope_id=world.pc_b.id)
    with pytest.raises(scheduling.SchedulingError) as error:
        scheduling.schedule_meeting(world["secretary"], world.a1, make_fields(world, campaign_id=foreign.id),
                                    NOW)
    assert error.value.errors == [("campaign_id", "所选专项行动不包括本支部。")]


def test_the_form_offers_open_campaigns_covering_the_branch(world):
    today = local_date(TEST_NOW)
    open_a = make_campaign(world, title="甲", scope_id=world.pc_a.id, deadline=today + timedelta(days=3))
    open_root = make_campaign(world, title="乙", deadline=today + timedelta(days=9))
    make_campaign(world, title="已截止", window_start=today - timedelta(days=40),
                  deadline=today - timedelta(days=1))
    make_campaign(world, title="他单位", scope_id=world.pc_b.id)
    assert campaigns_query.open_for_meeting_form(world.a1, TEST_NOW) == [open_a, open_root]


def test_the_to_do_lists_unfinished_campaigns_until_60_days_past_the_deadline(world):
    today, now = local_date(TEST_NOW), TEST_NOW
    kind = db.session.get(MeetingType, type_id("special_org_life_meeting"))
    upcoming = make_campaign(world, title="下月", window_start=today + timedelta(days=5),
                             deadline=today + timedelta(days=40))
    missed = make_campaign(world, title="上月", window_start=today - timedelta(days=70),
                           deadline=today - timedelta(days=50))
    make_campaign(world, title="去年", window_start=today - timedelta(days=120),
                  deadline=today - timedelta(days=61))
    done = make_campaign(world, title="已报送")
    add_meeting(world.a1, [kind], now - timedelta(days=3), campaign_id=done.id,
                finalized_at=now - timedelta(days=1))
    todo = campaigns_query.open_for_branch(world.a1, now)
    assert todo == [(missed, CampaignStatus.OVERDUE), (upcoming, CampaignStatus.NOT_STARTED)]
    assert (done, CampaignStatus.REPORTED) not in todo


def test_the_demo_campaign_shows_reported_late_and_overdue_branches(ctx):
    seed_demo()
    db.session.commit()
    campaign = db.session.scalar(sa.select(Campaign))
    assert "双胜利" in campaign.title and campaign.report_days == 15
    assert (campaign.window_start.month, campaign.window_start.day, campaign.deadline.day) == (6, 1, 31)
    statuses = {s.status for s in campaigns_query.branch_statuses(campaign, TEST_NOW)}
    assert {CampaignStatus.REPORTED, CampaignStatus.LATE, CampaignStatus.OVERDUE} <= statuses
    linked = db.session.scalars(sa.select(Meeting).where(Meeting.campaign_id == campaign.id)).all()
    assert linked and all(campaign.meeting_type_id in {t.id for t in m.types} for m in linked)
    assert all(campaign.window_start <= local_date(m.starts_at) <= campaign.deadline for m in linked)
    count = db.session.scalar(sa.select(sa.func.count(Meeting.id)))
    assert seed_demo().meetings == 0
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == count


# ---- a campaign claims only meetings of its type, held within its window -----------------------

TYPE_REFUSED = "所选专项行动要求召开“专题组织生活会”，会议类型中须勾选“专题组织生活会”。"


def window_refused(campaign: Campaign) -> str:
    return (f"所选专项行动要求在 {campaign.window_start.isoformat()} 至 {campaign.deadline.isoformat()} "
            "期间召开，本次会议的日期不在此期间。")


def written() -> tuple[int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (Meeting, OutboxMessage))


def wrong_link(world, campaign: Campaign, wrong: str) -> tuple[dict, str]:
    """Form data for a 主题党日 (``wrong="type"``) or one the day after the deadline, and the refusal."""
    data = schedule_data(world, campaign.id)
    if wrong == "type":
        return {**data, "type_ids": [str(type_id("theme_day"))]}, TYPE_REFUSED
    return {**data, "date": (campaign.deadline + timedelta(days=1)).isoformat()}, window_refused(campaign)


@pytest.mark.parametrize("wrong", ["type", "window"])
def test_the_schedule_form_refuses_a_meeting_the_campaign_does_not_ask_for(client, auth, world, wrong):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    db.session.commit()
    data, message = wrong_link(world, campaign, wrong)
    auth.login("secretary")
    before = written()
    response = client.post(f"/branches/{world.a1.id}/meetings/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert written() == before


def test_a_meeting_of_several_types_including_the_campaigns_is_linked(client, auth, world):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    db.session.commit()
    both = [str(type_id("org_life_meeting")), str(type_id("special_org_life_meeting"))]
    auth.login("secretary")
    response = client.post(f"/branches/{world.a1.id}/meetings/new",
                           data={**schedule_data(world, campaign.id), "type_ids": both})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Meeting.campaign_id)) == campaign.id


def linked_meeting(world, campaign: Campaign) -> Meeting:
    """A 专题组织生活会 of a1 for ``campaign`` in three days (committed)."""
    meeting = make_meeting(world, code="special_org_life_meeting", title="专题组织生活会", now=TEST_NOW,
                           starts_at=TEST_NOW + timedelta(days=3), campaign_id=campaign.id)
    db.session.commit()
    return meeting


@pytest.mark.parametrize("wrong", ["type", "window"])
def test_the_edit_form_refuses_a_linked_meeting_moved_out_of_the_campaign(client, auth, world, wrong):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    meeting = linked_meeting(world, campaign)
    version, starts, sequence = meeting.version, meeting.starts_at, meeting.ical_sequence
    data, message = wrong_link(world, campaign, wrong)
    auth.login("secretary")
    before = written()
    response = client.post(f"/meetings/{meeting.id}/edit", data={**data, "version": str(version)})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(Meeting, meeting.id)
    assert (kept.version, kept.starts_at, kept.ical_sequence) == (version, starts, sequence)
    assert [t.code for t in kept.types] == ["special_org_life_meeting"]
    assert written() == before


def api_plan(world, campaign: Campaign, wrong: str | None = None) -> dict:
    """An API body for a 专题组织生活会 of a1 in five days, linked to ``campaign``."""
    day = local_date(TEST_NOW) + timedelta(days=5)
    if wrong == "window":
        day = campaign.deadline + timedelta(days=1)
    return {"organization_id": world.a1.id, "title": "专题组织生活会", "campaign_id": campaign.id,
            "types": ["theme_day"] if wrong == "type" else ["special_org_life_meeting"],
            "starts_at": f"{day}T14:30:00+08:00", "ends_at": f"{day}T17:30:00+08:00",
            "invitee_ids": branch_member_ids(world.a1)}


def campaign_refusals(response) -> list[str]:
    assert problem_fields(response) == {"campaign_id"}
    return [e["message"] for e in response.get_json()["errors"]]


@pytest.mark.parametrize("wrong", ["type", "window"])
def test_the_api_refuses_a_meeting_the_campaign_does_not_ask_for(client, world, wrong):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    db.session.commit()
    before = written()
    response = send(client, "POST", "/api/v1/meetings", bearer(world["secretary"], read_only=False),
                    api_plan(world, campaign, wrong), 422)
    expected = TYPE_REFUSED if wrong == "type" else window_refused(campaign)
    assert campaign_refusals(response) == [expected]
    assert written() == before


def test_the_api_accepts_a_meeting_of_several_types_including_the_campaigns(client, world):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    db.session.commit()
    body = {**api_plan(world, campaign), "types": ["org_life_meeting", "special_org_life_meeting"]}
    created = send(client, "POST", "/api/v1/meetings", bearer(world["secretary"], read_only=False), body, 201)
    assert db.session.get(Meeting, created.get_json()["id"]).campaign_id == campaign.id


@pytest.mark.parametrize("wrong", ["type", "window"])
def test_the_api_refuses_to_move_a_linked_meeting_out_of_the_campaign(client, world, wrong):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    meeting = linked_meeting(world, campaign)
    url, headers = f"/api/v1/meetings/{meeting.id}", bearer(world["secretary"], read_only=False)
    etag, version = client.get(url, headers=headers).headers["ETag"], meeting.version
    body = api_plan(world, campaign, wrong)
    change = {"types": body["types"]} if wrong == "type" else {k: body[k] for k in ("starts_at", "ends_at")}
    response = send(client, "PATCH", url, headers, change, 422, more_headers={"If-Match": etag})
    assert len(campaign_refusals(response)) == 1
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).version == version


def test_the_refusal_reads_in_english_for_an_english_reader(client, world):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    world["secretary"].locale = "en"
    db.session.commit()
    response = send(client, "POST", "/api/v1/meetings", bearer(world["secretary"], read_only=False),
                    api_plan(world, campaign, "type"), 422)
    assert campaign_refusals(response) == [
        "The chosen campaign calls for a “专题组织生活会”: tick “专题组织生活会” among the meeting types."]


@pytest.mark.parametrize("wrong", ["type", "window"])
def test_a_row_linked_before_the_check_does_not_count_for_the_campaign(world, wrong):
    """Rows linked before the link was checked: a 主题党日, or a meeting before the window opened."""
    now = TEST_NOW
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    code, days = ("theme_day", 3) if wrong == "type" else ("special_org_life_meeting", 12)
    kind, starts = db.session.get(MeetingType, type_id(code)), now - timedelta(days=days)
    add_meeting(world.a1, [kind], starts, campaign_id=campaign.id, finalized_at=starts + timedelta(days=1))
    standing = {s.branch.id: s for s in campaigns_query.branch_statuses(campaign, now)}[world.a1.id]
    assert (standing.status, standing.meeting) == (CampaignStatus.NOT_STARTED, None)
    assert campaigns_query.statuses_for_branch(world.a1, [campaign], now) == {
        campaign.id: CampaignStatus.NOT_STARTED}
    assert (campaign, CampaignStatus.NOT_STARTED) in campaigns_query.open_for_branch(world.a1, now)


def _campaign_with_a_report(world):
    campaign = make_campaign(world)
    kind = db.session.get(MeetingType, type_id("special_org_life_meeting"))
    add_meeting(world.a1, [kind], TEST_NOW - timedelta(days=3), campaign_id=campaign.id)
    db.session.commit()
    return campaign


@pytest.mark.parametrize("change", ["type", "window", "scope"])
def test_a_change_that_would_strand_a_reported_meeting_is_refused(world, change):
    campaign = _campaign_with_a_report(world)
    today = local_date(TEST_NOW)
    overrides = {"type": {"meeting_type_id": type_id("theme_day")},
                 "window": {"window_start": today - timedelta(days=1)},
                 "scope": {"scope_id": world.pc_b.id}}[change]
    with pytest.raises(campaigns.CampaignError) as refused:
        campaigns.update(world["admin"], campaign, campaign_fields(world, **overrides))
    assert "办公室党支部" in str(refused.value.message) and "不再符合" in str(refused.value.message)
    db.session.rollback()
    assert db.session.get(Campaign, campaign.id).meeting_type_id == type_id("special_org_life_meeting")


def test_a_change_that_keeps_the_reports_is_saved(world):
    campaign = _campaign_with_a_report(world)
    today = local_date(TEST_NOW)
    campaigns.update(world["admin"], campaign, campaign_fields(
        world, title="新名称", deadline=today + timedelta(days=40), scope_id=world.pc_a.id))
    db.session.commit()
    assert (campaign.title, campaign.scope_id) == ("新名称", world.pc_a.id)


def test_the_edit_page_says_why_a_stranding_change_is_refused(client, auth, world):
    campaign = _campaign_with_a_report(world)
    auth.login("admin")
    fields = campaign_fields(world)
    data = {"title": fields.title, "instructions": fields.instructions,
            "meeting_type_id": str(type_id("theme_day")), "scope_id": str(fields.scope_id),
            "window_start": fields.window_start.isoformat(), "deadline": fields.deadline.isoformat(),
            "report_days": "15"}
    response = client.post(f"/campaigns/{campaign.id}/edit", data=data)
    assert response.status_code == 200 and "不再符合修改后的会议类型" in response.get_data(as_text=True)


def test_the_report_days_may_grow_but_not_shrink_once_meetings_are_reported(world):
    campaign = _campaign_with_a_report(world)
    with pytest.raises(campaigns.CampaignError) as refused:
        campaigns.update(world["admin"], campaign, campaign_fields(world, report_days=1))
    assert refused.value.field == "report_days" and "不能缩短" in str(refused.value.message)
    db.session.rollback()
    campaigns.update(world["admin"], campaign, campaign_fields(world, report_days=30))
    db.session.commit()
    assert campaign.report_days == 30
