"""整改事项 on the web: raised at a meeting by its recorders, closed with evidence by the owner,
listed per branch (overdue first) and on the owner's home page; every change audited.
"""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import ActionStatus, MeetingStatus
from meetings.extensions import db
from meetings.models import ActionItem, AuditEvent, Meeting
from meetings.services import actions
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import make_meeting

MISSING = 999_999


@pytest.fixture
def now():
    return TEST_NOW


@pytest.fixture
def meeting(world, now):
    """A 主题党日 of branch a1 held twenty days ago (补录), so due dates may already have passed."""
    held = make_meeting(world, now=now, starts_at=now - timedelta(days=20), late_record=True)
    db.session.commit()
    return held


def add(world, meeting, now, *, owner="member", days=10, text="整改会议记录不规范的问题"):
    """An item raised by the secretary, due ``days`` from today (negative: already overdue)."""
    item = actions.add_action_item(world["secretary"], meeting, text=text, owner_id=world[owner].id,
                                   due_on=local_date(now) + timedelta(days=days), now=now)
    db.session.commit()
    return item


def form(world, *, text="组织委员牵头完善发展党员档案", owner="member", due="2026-12-31") -> dict:
    owner_id = str(world[owner].id) if owner in world.people else owner
    return {"action-text": text, "action-owner_id": owner_id, "action-due_on": due}


def table(name: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(sa.select(db.metadata.tables[name])))


def written() -> tuple:
    return table("action_item"), table("audit_event")


def audit(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def reload(item: ActionItem) -> ActionItem:
    db.session.expire_all()
    return db.session.get(ActionItem, item.id)


def error_next_to(body: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', body, re.S)
    return match.group(1) if match else ""


# --- raising an item --------------------------------------------------------------------------

@pytest.mark.parametrize("login", ["secretary", "recorder"])
def test_secretary_and_recorder_raise_an_item_at_the_meeting(client, auth, world, meeting, login):
    auth.login(login)
    response = client.post(f"/meetings/{meeting.id}/actions", data=form(world))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}#actions")
    (item,) = db.session.scalars(sa.select(ActionItem)).all()
    assert (item.text, item.owner_id, item.status, item.organization_id) == (
        "组织委员牵头完善发展党员档案", world["member"].id, ActionStatus.OPEN, world.a1.id)
    assert str(item.due_on) == "2026-12-31" and item.created_by_id == world[login].id
    (event,) = audit("action.add")
    assert event.actor_id == world[login].id and event.object_id == meeting.id
    assert event.after["item"] == item.id and event.after["person"] == "刘党员"
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "组织委员牵头完善发展党员档案" in page and "责任人：刘党员" in page and "待整改" in page


@pytest.mark.parametrize("login", ["member", "liaison", "other_secretary"])
def test_others_may_not_raise_an_item(client, auth, world, meeting, login):
    auth.login(login)
    before = written()
    # 404: another branch's meeting is not theirs to know
    expected = 404 if login == "other_secretary" else 403
    assert client.post(f"/meetings/{meeting.id}/actions", data=form(world)).status_code == expected
    assert written() == before
    assert "新增整改事项" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


BAD_ITEMS = {
    "empty text": ({"text": ""}, "action-text", "请填写整改事项"),
    "10,000 characters": ({"text": "党" * 10_000}, "action-text", "不能超过 500 个字"),
    "unknown owner": ({"owner": str(MISSING)}, "action-owner_id", "本支部在册"),
    "owner of another branch": ({"owner": "other_secretary"}, "action-owner_id", "本支部在册"),
    "no owner": ({"owner": ""}, "action-owner_id", "请选择责任人"),
    "owner not a number": ({"owner": "abc"}, "action-owner_id", "请选择责任人"),
    "impossible date": ({"due": "2026-02-30"}, "action-due_on", "有效的日期"),
    "before the meeting": ({"due": "2020-01-01"}, "action-due_on", "不能早于会议日期"),
}


@pytest.mark.parametrize("case", sorted(BAD_ITEMS))
def test_a_bad_item_is_refused_in_chinese_with_the_typed_values_kept(client, auth, world, meeting, case):
    change, field_id, expected = BAD_ITEMS[case]
    auth.login("secretary")
    before = written()
    data = form(world, **change)
    response = client.post(f"/meetings/{meeting.id}/actions", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert expected in error_next_to(body, field_id)
    if "text" not in change:
        assert "组织委员牵头完善发展党员档案" in body  # what was typed is still there
    assert written() == before


def test_a_cancelled_meeting_takes_no_items(client, auth, world, meeting):
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    auth.login("secretary")
    before = written()
    response = client.post(f"/meetings/{meeting.id}/actions", data=form(world))
    assert response.status_code == 200 and "会议已取消" in response.get_data(as_text=True)
    assert written() == before


def test_a_party_group_meeting_takes_owners_from_its_branch(world, meeting, now):
    group_meeting = Meeting(organization=world.g1, title="党小组学习", starts_at=meeting.starts_at,
                            ends_at=meeting.ends_at, attributed_year=2026, status=MeetingStatus.HELD)
    db.session.add(group_meeting)
    db.session.flush()
    item = add(world, group_meeting, now, owner="recorder")
    assert item.organization_id == world.a1.id
    with pytest.raises(actions.ActionError, match="本支部在册"):
        add(world, group_meeting, now, owner="b_member")


# --- closing, cancelling, reopening --------------------------------------------------------------

def test_the_owner_closes_their_item_with_evidence(client, auth, world, meeting, now):
    item = add(world, meeting, now)
    auth.login("member")
    page = client.get(f"/actions/{item.id}/close?next=/")
    assert page.status_code == 200 and "整改会议记录不规范的问题" in page.get_data(as_text=True)
    response = client.post(f"/actions/{item.id}/close", data={"evidence": "已修订记录模板，见支部档案第 3 册",
                                                               "next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    item = reload(item)
    assert (item.status, item.evidence, item.closed_by_id) == (
        ActionStatus.DONE, "已修订记录模板，见支部档案第 3 册", world["member"].id)
    assert item.closed_at is not None
    (event,) = audit("action.close")
    assert event.actor_id == world["member"].id and event.after["status"] == "done"
    assert event.before == {"item": item.id, "status": "open"}


@pytest.mark.parametrize("evidence", ["", "   \n  "], ids=["empty", "blank"])
def test_closing_without_evidence_is_refused_and_nothing_is_written(client, auth, world, meeting, now,
                                                                    evidence):
    item = add(world, meeting, now)
    auth.login("member")
    before = written()
    response = client.post(f"/actions/{item.id}/close", data={"evidence": evidence})
    assert response.status_code == 200
    assert "请填写整改完成情况" in error_next_to(response.get_data(as_text=True), "evidence")
    assert written() == before


def test_closing_an_item_twice_is_refused(client, auth, world, meeting, now):
    item = add(world, meeting, now)
    actions.close_action_item(world["member"], item, "已完成", now)
    db.session.commit()
    auth.login("secretary")
    before = written()
    response = client.post(f"/actions/{item.id}/close", data={"evidence": "再交一次"})
    assert response.status_code == 200
    assert "已经办结或取消" in error_next_to(response.get_data(as_text=True), "evidence")
    assert written() == before


def test_a_member_may_not_close_someone_elses_item(client, auth, world, meeting, now):
    item = add(world, meeting, now, owner="recorder")
    auth.login("member")
    assert client.get(f"/actions/{item.id}/close").status_code == 403
    assert client.post(f"/actions/{item.id}/close", data={"evidence": "代为办结"}).status_code == 403
    assert reload(item).status == ActionStatus.OPEN


def test_the_secretary_cancels_with_a_reason_and_reopens(client, auth, world, meeting, now):
    item = add(world, meeting, now)
    auth.login("secretary")
    assert client.post(f"/actions/{item.id}/cancel", data={"reason": ""}).status_code == 302
    assert reload(item).status == ActionStatus.OPEN  # no reason, no change
    client.post(f"/actions/{item.id}/cancel", data={"reason": "已并入支部年度整改方案"})
    item = reload(item)
    assert (item.status, item.evidence) == (ActionStatus.CANCELLED, "已并入支部年度整改方案")
    client.post(f"/actions/{item.id}/reopen")
    item = reload(item)
    assert (item.status, item.evidence, item.closed_at) == (ActionStatus.OPEN, None, None)
    assert len(audit("action.cancel")) == 1 and len(audit("action.reopen")) == 1
    history = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "取消整改事项" in history and "重新打开整改事项" in history


def test_the_owner_may_not_cancel_or_edit(client, auth, world, meeting, now):
    item = add(world, meeting, now)
    auth.login("member")
    assert client.post(f"/actions/{item.id}/cancel", data={"reason": "不想做"}).status_code == 403
    assert client.get(f"/actions/{item.id}/edit").status_code == 403


def test_the_secretary_moves_the_due_date(client, auth, world, meeting, now):
    item = add(world, meeting, now)
    auth.login("secretary")
    assert client.get(f"/actions/{item.id}/edit").status_code == 200
    response = client.post(f"/actions/{item.id}/edit", data=form(world, text=item.text, owner="recorder",
                                                                  due="2027-01-15"))
    assert response.status_code == 302
    item = reload(item)
    assert (str(item.due_on), item.owner_id) == ("2027-01-15", world["recorder"].id)
    (event,) = audit("action.update")
    assert event.before["person"] == "刘党员" and event.after["person"] == "赵记录"


# --- lists: the branch's 整改清单 and the owner's home page ------------------------------------

def test_the_branch_list_shows_overdue_items_first(client, auth, world, meeting, now):
    add(world, meeting, now, days=30, text="乙：三十天后到期")
    add(world, meeting, now, days=-3, text="甲：三天前到期")
    done = add(world, meeting, now, days=5, text="丙：已经办结")
    actions.close_action_item(world["member"], done, "已完成整改", now)
    db.session.commit()
    auth.login("liaison")
    page = client.get(f"/branches/{world.a1.id}/actions").get_data(as_text=True)
    order = [page.index(s) for s in ("已逾期", "甲：三天前到期", "进行中", "乙：三十天后到期", "已完成",
                                      "丙：已经办结", "已完成整改")]
    assert order == sorted(order)
    assert "办结</a>" not in page  # the liaison only reads


def test_the_branch_list_is_only_for_those_who_see_the_meetings(client, auth, world):
    auth.login("other_secretary")
    # 404: they cannot see a1's objects at all (no existence oracle)
    assert client.get(f"/branches/{world.a1.id}/actions").status_code == 404
    assert client.get(f"/branches/{world.g1.id}/actions").status_code == 404


def test_home_shows_the_owner_their_open_items(client, auth, world, meeting, now):
    add(world, meeting, now, days=-1, text="甲：昨天到期")
    mine = add(world, meeting, now, days=7, text="乙：下周到期")
    add(world, meeting, now, days=7, owner="recorder", text="丙：别人的")
    auth.login("member")
    page = client.get("/").get_data(as_text=True)
    assert "我的整改事项" in page and "别人的" not in page
    assert page.index("甲：昨天到期") < page.index("已逾期") < page.index("乙：下周到期")
    assert f"/actions/{mine.id}/close?next=/" in page


def test_home_without_items_has_no_action_section(client, auth, world):
    auth.login("member")
    assert "我的整改事项" not in client.get("/").get_data(as_text=True)


def test_the_secretary_desk_counts_open_and_overdue_items(client, auth, world, meeting, now):
    add(world, meeting, now, days=-1)
    add(world, meeting, now, days=3)
    auth.login("secretary")
    page = client.get("/").get_data(as_text=True)
    assert "1 项已逾期" in page and f'/branches/{world.a1.id}/actions"' in page
    assert re.search(r'<span class="stat">2</span> 项待整改', page)
