"""专项行动 pages: launching and changing a campaign, who sees which rows, and the statements it costs."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import OrgKind, Role
from meetings.extensions import db
from meetings.models import AuditEvent, Campaign, MeetingType
from meetings.services import roster
from tests.builders import make_org, make_person
from tests.campaign_builders import campaign_fields, make_campaign
from tests.compliance_builders import add_meeting
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import type_id
from tests.sql_counter import statements_of


@pytest.fixture(autouse=True)
def meeting_types(world):
    """The seeded types (专题组织生活会 among them), committed for the pages to see."""
    type_id("special_org_life_meeting")
    db.session.commit()


def field_error(body: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', body, re.S)
    return match.group(1) if match else ""


def form_data(world, **change) -> dict:
    fields = campaign_fields(world)
    data = {"title": fields.title, "instructions": fields.instructions,
            "meeting_type_id": str(fields.meeting_type_id), "scope_id": str(fields.scope_id),
            "window_start": fields.window_start.isoformat(), "deadline": fields.deadline.isoformat(),
            "report_days": "15"}
    return {**data, **change}


def written() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count(Campaign.id))),
            db.session.scalar(sa.select(sa.func.count(AuditEvent.id))))


def admin_of(world, org, login: str):
    person = make_person(None, "孙管理", login=login)
    roster.assign_role(None, person, org, Role.ADMIN)
    db.session.commit()
    return person


# ---- launching and changing ------------------------------------------------------------------

def test_the_form_defaults_to_a_special_org_life_meeting(client, auth, world):
    auth.login("admin")
    body = client.get("/campaigns/new").get_data(as_text=True)
    assert re.search(r'<option selected value="\d+">专题组织生活会</option>', body)
    assert 'name="report_days" required type="number" value="15"' in body


def test_admin_launches_a_campaign(client, auth, world):
    auth.login("admin")
    response = client.post("/campaigns/new", data=form_data(world, title="  以优良作风   保证“双胜利”  "))
    assert response.status_code == 302
    campaign = db.session.scalar(sa.select(Campaign))
    assert response.headers["Location"].endswith(f"/campaigns/{campaign.id}")
    assert campaign.title == "以优良作风 保证“双胜利”" and campaign.report_days == 15
    assert campaign.created_by_id == world["admin"].id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "campaign.create"))
    assert event.object_id == campaign.id and event.after["scope_id"] == world.root.id


def test_admin_changes_a_campaign(client, auth, world):
    campaign = make_campaign(world)
    db.session.commit()
    auth.login("admin")
    data = form_data(world, title="七一专题组织生活会", report_days="20", scope_id=str(world.pc_a.id))
    assert client.post(f"/campaigns/{campaign.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert (campaign.title, campaign.report_days) == ("七一专题组织生活会", 20)
    assert campaign.scope_id == world.pc_a.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "campaign.update"))
    assert event.before["report_days"] == 15 and event.after["report_days"] == 20


BAD_INPUT = [
    ("title", "", "title", "请填写专项行动名称"),
    ("title", "长" * 201, "title", "200"),
    ("deadline", "earlier", "deadline", "不能早于开始日期"),
    ("deadline", "2026-02-30", "deadline", "有效的日期"),
    ("report_days", "0", "report_days", "1 到 90"),
    ("report_days", "91", "report_days", "1 到 90"),
    ("report_days", "abc", "report_days", "天数"),
    ("scope_id", "party group", "scope_id", "管理范围"),
    ("scope_id", "other unit", "scope_id", "管理范围"),
    ("scope_id", "deactivated", "scope_id", "管理范围"),
    ("meeting_type_id", "inactive", "meeting_type_id", "停用"),
    ("meeting_type_id", "999999", "meeting_type_id", "停用"),
]


@pytest.mark.parametrize(("name", "value", "shown_at", "expected"), BAD_INPUT, ids=lambda v: str(v)[:12])
@pytest.mark.parametrize("page", ["new", "edit"])
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_written(client, auth, world, page, name,
                                                                       value, shown_at, expected):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    pc_admin = admin_of(world, world.pc_a, "pc_admin")
    retired = make_org("已撤销党总支", OrgKind.GENERAL_BRANCH, world.pc_a)
    retired.is_active = False
    db.session.get(MeetingType, type_id("theme_day")).is_active = False
    db.session.commit()
    today = local_date(TEST_NOW)
    value = {"earlier": (today - timedelta(days=11)).isoformat(), "party group": str(world.g1.id),
             "other unit": str(world.pc_b.id), "deactivated": str(retired.id),
             "inactive": str(type_id("theme_day"))}.get(value, value)
    data = form_data(world, **{"scope_id": str(world.pc_a.id), name: value})
    auth.login(pc_admin.login)
    before = written()
    url = "/campaigns/new" if page == "new" else f"/campaigns/{campaign.id}/edit"
    response = client.post(url, data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert expected in field_error(body, shown_at)
    assert written() == before
    db.session.expire_all()
    assert campaign.scope_id == world.pc_a.id and campaign.title == campaign_fields(world).title


# ---- who sees what --------------------------------------------------------------------------

def branch_rows(body: str) -> list[str]:
    return re.findall(r'<td class="name"><a href="/branches/\d+/meetings">(.*?)</a>', body)


def test_admin_sees_every_branch_and_may_launch_and_edit(client, auth, world):
    campaign = make_campaign(world)
    db.session.commit()
    auth.login("admin")
    listing = client.get("/campaigns").get_data(as_text=True)
    assert "发起专项行动" in listing and campaign.title in listing
    body = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert branch_rows(body) == ["办公室党支部", "规划处党支部", "预算处党支部"]
    assert f"/campaigns/{campaign.id}/edit" in body
    assert "<h2>学习内容</h2>" in body  # the instructions, rendered


def test_admin_of_another_unit_is_refused(client, auth, world):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    admin_of(world, world.pc_b, "b_admin")
    auth.login("b_admin")
    assert campaign.title not in client.get("/campaigns").get_data(as_text=True)
    assert client.get(f"/campaigns/{campaign.id}").status_code == 403
    assert client.get(f"/campaigns/{campaign.id}/edit").status_code == 403


def test_admin_of_a_unit_inside_the_scope_sees_only_its_branches(client, auth, world):
    campaign = make_campaign(world)
    admin_of(world, world.pc_b, "b_admin")
    auth.login("b_admin")
    body = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert branch_rows(body) == ["预算处党支部"]
    assert client.get(f"/campaigns/{campaign.id}/edit").status_code == 403


def test_liaison_reads_the_units_assigned(client, auth, world):
    campaign = make_campaign(world)
    db.session.commit()
    auth.login("liaison")
    assert "发起专项行动" not in client.get("/campaigns").get_data(as_text=True)
    body = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert branch_rows(body) == ["办公室党支部", "规划处党支部"]
    assert f"/campaigns/{campaign.id}/edit" not in body
    assert client.get("/campaigns/new").status_code == 403


def test_secretary_of_a_covered_branch_sees_only_its_row(client, auth, world):
    campaign = make_campaign(world, scope_id=world.pc_a.id)
    db.session.commit()
    auth.login("secretary")
    listing = client.get("/campaigns").get_data(as_text=True)
    assert "本支部" in listing and "未开始" in listing
    body = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert branch_rows(body) == ["办公室党支部"]
    assert "规划处党支部" not in body


def test_secretary_of_a_branch_outside_the_scope_is_refused(client, auth, world):
    campaign = make_campaign(world, scope_id=world.pc_b.id)
    db.session.commit()
    auth.login("secretary")
    assert client.get(f"/campaigns/{campaign.id}").status_code == 403


@pytest.mark.parametrize("login", ["member", "recorder"])
def test_members_without_oversight_are_refused(client, auth, world, login):
    campaign = make_campaign(world)
    db.session.commit()
    auth.login(login)
    assert client.get("/campaigns").status_code == 403
    assert client.get(f"/campaigns/{campaign.id}").status_code == 403
    assert "/campaigns" not in client.get("/").get_data(as_text=True)


def test_the_status_filter_keeps_the_rows_of_that_status(client, auth, world):
    campaign = make_campaign(world)
    started = TEST_NOW - timedelta(days=2)
    add_meeting(world.a1, [db.session.get(MeetingType, campaign.meeting_type_id)], started,
                campaign_id=campaign.id, finalized_at=started + timedelta(days=1))
    db.session.commit()
    auth.login("admin")
    reported = client.get(f"/campaigns/{campaign.id}?status=reported").get_data(as_text=True)
    assert branch_rows(reported) == ["办公室党支部"] and "已按时报送" in reported
    assert branch_rows(client.get(f"/campaigns/{campaign.id}?status=not_started").get_data(as_text=True)) == [
        "规划处党支部", "预算处党支部"]
    assert len(branch_rows(client.get(f"/campaigns/{campaign.id}?status=bogus").get_data(as_text=True))) == 3


# ---- statements -----------------------------------------------------------------------------

def unit_with_branches(world, name: str, count: int, campaign_type):
    """A party committee with ``count`` branches, each with a meeting for the campaign."""
    unit = make_org(name, OrgKind.PARTY_COMMITTEE, world.root)
    campaign = make_campaign(world, scope_id=unit.id)
    for n in range(count):
        branch = make_org(f"{name}第{n + 1}党支部", OrgKind.BRANCH, unit)
        started = TEST_NOW - timedelta(days=n + 1)
        add_meeting(branch, [campaign_type], started, campaign_id=campaign.id,
                    finalized_at=started + timedelta(days=n))
    db.session.commit()
    return campaign


def test_the_detail_page_costs_the_same_statements_for_2_and_8_branches(client, auth, world):
    kind = db.session.get(MeetingType, type_id("special_org_life_meeting"))
    small = unit_with_branches(world, "甲委", 2, kind)
    large = unit_with_branches(world, "乙委", 8, kind)
    auth.login("admin")
    statements_of(client, f"/campaigns/{small.id}")  # warm: the first request loads more
    few = statements_of(client, f"/campaigns/{small.id}")
    many = statements_of(client, f"/campaigns/{large.id}")
    assert few == many <= 20
