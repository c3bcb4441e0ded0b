"""Meetings for a campaign (专项行动): the schedule form's link, the service's refusal, the to-do, demo."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.campaigns import CampaignStatus
from meetings.domain.scheduling import local_date
from meetings.extensions import db
from meetings.models import Campaign, Meeting, MeetingType
from meetings.services import campaigns_query, scheduling
from meetings.services.demo import seed_demo
from tests.campaign_builders import make_campaign
from tests.compliance_builders import add_meeting
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import NOW, make_fields, type_id


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
    count = db.session.scalar(sa.select(sa.func.count(Meeting.id)))
    assert seed_demo().meetings == 0
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == count
