"""整改事项 in Chromium on a phone: the secretary raises one on the meeting page, the owner sees
it on their home page and closes it with evidence (real CSRF, strict CSP, 375 px wide).
"""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.terms import ActionStatus
from meetings.extensions import db
from meetings.models import ActionItem, MeetingType, Organization, Person
from meetings.services import meeting_types, scheduling
from tests.e2e.test_meeting_flow import BEIJING, assert_fits_a_phone, on_phone
from tests.fixed_time import TEST_NOW

pytestmark = pytest.mark.e2e

TEXT = "补齐近三个月的党费收缴记录"
EVIDENCE = "已补齐 9—11 月收缴记录，存支部档案盒第 2 册"


@pytest.fixture
def held_meeting(app, seed) -> int:
    """A 主题党日 of branch a1 held a week ago, recorded after the fact (补录)."""
    with app.app_context():
        meeting_types.install_defaults()
        branch = db.session.get(Organization, seed["orgs"]["a1"])
        secretary = db.session.get(Person, seed["people"]["secretary"]["id"])
        now = TEST_NOW
        starts = now - timedelta(days=7)
        fields = scheduling.MeetingFields(
            title="九月主题党日", starts_at=starts, ends_at=starts + timedelta(hours=2),
            type_ids=[db.session.scalar(sa.select(MeetingType.id).where(MeetingType.code == "theme_day"))],
            invitee_ids=[p.id for p in scheduling.branch_people(branch)], late_record=True)
        meeting = scheduling.schedule_meeting(secretary, branch, fields, now)
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def test_secretary_raises_and_the_owner_closes_on_a_phone(app, pages, site, held_meeting):
    secretary = on_phone(pages)
    site.sign_in(secretary, "secretary")
    secretary.goto(f"/meetings/{held_meeting}")
    secretary.locator("#action-text").fill(TEXT)
    secretary.locator("#action-owner_id").select_option(str(site.person("member")["id"]))
    due = (TEST_NOW.astimezone(BEIJING).date() + timedelta(days=14)).isoformat()
    secretary.locator("#action-due_on").fill(due)
    secretary.get_by_role("button", name="添加整改事项").click()
    secretary.wait_for_load_state()
    assert "已添加整改事项" in secretary.content()
    assert secretary.locator("#actions").get_by_text(TEXT).is_visible()
    assert_fits_a_phone(secretary, "the meeting page with an action item")

    member = on_phone(pages)
    site.sign_in(member, "member")
    card = member.locator("section[aria-labelledby=my-actions-h]")
    assert card.get_by_text(TEXT).is_visible()
    assert_fits_a_phone(member, "the home page with an action item")
    card.get_by_role("link", name="办结").click()
    member.wait_for_load_state()
    assert_fits_a_phone(member, "the close page")
    member.locator("#evidence").fill(EVIDENCE)
    member.get_by_role("button", name="确认办结").click()
    member.wait_for_load_state()
    assert "整改事项已办结" in member.content()
    assert member.locator("section[aria-labelledby=my-actions-h]").count() == 0

    with app.app_context():
        item = db.session.scalar(sa.select(ActionItem))
        assert (item.status, item.evidence, item.closed_by_id) == (
            ActionStatus.DONE, EVIDENCE, site.person("member")["id"])
        db.session.remove()
