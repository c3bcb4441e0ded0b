"""督导记录 (/visits): a liaison records a visit and its findings, a finding becomes the branch's
整改事项 and is carried out there; who may write, who may read, bad input, the print."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import ActionStatus
from meetings.extensions import db
from meetings.models import ActionItem, AuditEvent, Visit, VisitFinding
from tests.fixed_time import TEST_NOW
from tests.races import posts_at_once

TODAY = local_date(TEST_NOW)
VISIT = {"kind": "on_site", "visited_on": (TODAY - timedelta(days=3)).isoformat(),
         "checked": ["minutes", "ledgers"], "summary": "查阅了本年度会议记录和党建台账。"}


def sign_in(auth, login: str) -> None:
    auth.logout()
    assert auth.login(login).status_code == 302


def record(client, unit, **changes):
    return client.post("/visits/new", data={**VISIT, "org": str(unit.id), **changes})


def visits() -> list[Visit]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Visit).order_by(Visit.id)))


@pytest.fixture
def visited(client, auth, world):
    """The liaison's visit to 规划处党支部 (a2), with one finding."""
    sign_in(auth, "liaison")
    assert record(client, world.a2).status_code == 302
    visit = visits()[-1]
    answer = client.post(f"/visits/{visit.id}/findings", data={"finding-branch_id": str(world.a2.id),
                                                                "finding-text": "2026年第三季度党课无记录。"})
    assert answer.status_code == 302
    db.session.expire_all()
    world.visit = db.session.get(Visit, visit.id)
    world.finding = world.visit.findings[0]
    return world


def test_a_liaison_records_a_visit_to_a_branch_in_scope(client, auth, world):
    sign_in(auth, "liaison")
    page = client.get(f"/visits/new?org={world.a2.id}").get_data(as_text=True)
    assert "规划处党支部" in page and "实地督导" in page and "党建工作台账" in page
    answer = record(client, world.a2)
    [visit] = visits()
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/visits/{visit.id}")
    assert visit.checked_items == ["minutes", "ledgers"] and visit.recorded_by_id == world["liaison"].id
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "查阅了本年度会议记录和党建台账。" in html and "会议记录" in html and "李联络" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "visit.record")) == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"visited_on": (TODAY + timedelta(days=1)).isoformat()}, "督导日期不能晚于今天"),
    ({"visited_on": "2020-01-01"}, "不能早于两年以前"),
    ({"visited_on": "2026-02-30"}, "请输入有效的日期"),
    ({"checked": []}, "请至少选择一项督导内容"),
    ({"checked": ["bogus"]}, "督导内容无法识别"),
    ({"summary": "  "}, "请填写督导情况"),
    ({"summary": "长" * 5001}, "不能超过 5000 个字"),
    ({"summary": "a\u202eb"}, "控制字符"),
    ({"kind": "flying"}, "Not a valid choice"),
])
def test_bad_input_is_named_and_nothing_is_written(client, auth, world, changes, message):
    sign_in(auth, "liaison")
    answer = record(client, world.a2, **changes)
    assert answer.status_code == 422 and visits() == []
    html = answer.get_data(as_text=True)
    assert message in html or (message == "Not a valid choice" and "error" in html)


def test_no_unit_chosen_is_asked_for(client, auth, world):
    sign_in(auth, "liaison")
    page = client.get("/visits/new").get_data(as_text=True)
    assert "省发改委机关党委" in page and "省财政厅机关党委" not in page
    answer = client.post("/visits/new", data=VISIT)
    assert answer.status_code == 422 and "请选择被督导的单位" in answer.get_data(as_text=True)
    assert client.post("/visits/new", data={**VISIT, "org": "abc"}).status_code == 400


def test_a_liaison_may_not_record_outside_the_assigned_units(client, auth, world):
    sign_in(auth, "liaison")
    assert client.get(f"/visits/new?org={world.b1.id}").status_code in (403, 404)
    assert record(client, world.b1).status_code in (403, 404)
    assert client.get(f"/visits/new?org={world.g1.id}").status_code == 404  # a party group: no unit to visit
    assert visits() == []


@pytest.mark.parametrize("login", ["secretary", "recorder", "member", "other_secretary", "b_member"])
def test_branch_people_record_no_visits(client, auth, world, login):
    sign_in(auth, login)
    assert client.get("/visits/new").status_code == 403
    assert record(client, world.a2).status_code in (403, 404)
    assert visits() == []


def test_a_finding_must_name_a_branch_of_the_visited_unit(client, auth, visited):
    url = f"/visits/{visited.visit.id}/findings"
    outside = client.post(url, data={"finding-branch_id": str(visited.a1.id), "finding-text": "问题"})
    assert outside.status_code == 422 and "请选择被督导单位内的党支部" in outside.get_data(as_text=True)
    empty = client.post(url, data={"finding-branch_id": str(visited.a2.id), "finding-text": ""})
    assert empty.status_code == 422 and "请填写发现的问题" in empty.get_data(as_text=True)
    assert len(db.session.scalars(sa.select(VisitFinding)).all()) == 1


def test_a_visit_to_a_party_committee_names_findings_of_its_branches(client, auth, world):
    sign_in(auth, "liaison")
    record(client, world.pc_a)
    visit = visits()[-1]
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "办公室党支部" in page and "规划处党支部" in page
    url = f"/visits/{visit.id}/findings"

    def note(branch, text):
        return client.post(url, data={"finding-branch_id": str(branch.id), "finding-text": text}).status_code
    assert note(world.a1, "台账不全。") == 302 and note(world.b1, "x") == 422
    sign_in(auth, "secretary")  # 办公室党支部's: a finding names the branch, so its secretary reads it
    assert "台账不全。" in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    sign_in(auth, "other_secretary")  # 规划处: nothing about them
    assert client.get(f"/visits/{visit.id}").status_code == 404


def test_a_finding_becomes_the_branchs_action_item_and_is_closed_there(client, auth, visited):
    prefix = f"f{visited.finding.id}-"
    page = client.get(f"/visits/{visited.visit.id}").get_data(as_text=True)
    assert "列为整改事项" in page and "陈书记" in page  # owners: the branch's people
    url = f"/visits/findings/{visited.finding.id}/action"
    data = {prefix + "text": "补齐第三季度党课记录。",
            prefix + "owner_id": str(visited["other_secretary"].id),
            prefix + "due_on": (TODAY + timedelta(days=14)).isoformat()}
    assert client.post(url, data=data).status_code == 302
    again = client.post(url, data=data)
    assert again.status_code == 422 and "已经列为整改事项" in again.get_data(as_text=True)
    [item] = db.session.scalars(sa.select(ActionItem)).all()
    assert item.meeting_id is None and item.organization_id == visited.a2.id
    sign_in(auth, "other_secretary")
    listing = client.get(f"/branches/{visited.a2.id}/actions").get_data(as_text=True)
    assert "补齐第三季度党课记录。" in listing and "督导记录（" in listing
    closed = client.post(f"/actions/{item.id}/close", data={"evidence": "已补录并定稿。"})
    assert closed.status_code == 302 and closed.headers["Location"].endswith(
        f"/visits/{visited.visit.id}#finding-{visited.finding.id}")
    sign_in(auth, "liaison")
    html = client.get(f"/visits/{visited.visit.id}").get_data(as_text=True)
    assert "已完成" in html and "已补录并定稿。" in html


@pytest.mark.parametrize(("due", "message"), [
    ((TODAY - timedelta(days=10)).isoformat(), "整改时限不能早于督导日期"), ("", "请输入有效的日期")])
def test_an_item_due_before_the_visit_or_without_a_date_is_refused(client, auth, visited, due, message):
    prefix = f"f{visited.finding.id}-"
    answer = client.post(f"/visits/findings/{visited.finding.id}/action", data={
        prefix + "text": "补齐记录。", prefix + "owner_id": str(visited["other_secretary"].id),
        prefix + "due_on": due})
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert db.session.scalars(sa.select(ActionItem)).all() == []


def test_an_owner_from_another_branch_is_refused(client, auth, visited):
    prefix = f"f{visited.finding.id}-"
    answer = client.post(f"/visits/findings/{visited.finding.id}/action", data={
        prefix + "text": "补齐记录。", prefix + "owner_id": str(visited["member"].id),
        prefix + "due_on": (TODAY + timedelta(days=7)).isoformat()})
    assert answer.status_code == 422 and "责任人必须是本支部在册的人员" in answer.get_data(as_text=True)


@pytest.mark.parametrize(("login", "status"), [
    ("admin", 200), ("liaison", 200), ("other_secretary", 200), ("secretary", 404), ("recorder", 404),
    ("member", 404), ("b_member", 404)])
def test_who_reads_a_visit_record(client, auth, visited, login, status):
    sign_in(auth, login)
    assert client.get(f"/visits/{visited.visit.id}").status_code == status
    assert client.get(f"/visits/{visited.visit.id}/print").status_code == status


@pytest.mark.parametrize("login", ["other_secretary", "secretary", "member"])
def test_branch_people_write_nothing_in_a_visit_record(client, auth, visited, login):
    sign_in(auth, login)
    url = f"/visits/{visited.visit.id}/findings"
    answer = client.post(url, data={"finding-branch_id": str(visited.a2.id), "finding-text": "x"})
    assert answer.status_code in (403, 404)
    prefix = f"f{visited.finding.id}-"
    answer = client.post(f"/visits/findings/{visited.finding.id}/action", data={
        prefix + "text": "x", prefix + "owner_id": str(visited["other_secretary"].id),
        prefix + "due_on": (TODAY + timedelta(days=7)).isoformat()})
    assert answer.status_code in (403, 404)
    assert len(db.session.scalars(sa.select(VisitFinding)).all()) == 1
    assert db.session.scalars(sa.select(ActionItem)).all() == []


def test_the_list_shows_each_reader_their_own(client, auth, visited):
    assert "规划处党支部" in client.get("/visits").get_data(as_text=True)
    sign_in(auth, "other_secretary")
    assert "规划处党支部" in client.get("/visits").get_data(as_text=True)
    sign_in(auth, "secretary")
    assert "规划处党支部" not in client.get("/visits").get_data(as_text=True)
    sign_in(auth, "member")
    assert client.get("/visits").status_code == 403
    sign_in(auth, "admin")
    year = visited.visit.visited_on.year
    mine = client.get(f"/visits?org={visited.pc_a.id}&year={year}").get_data(as_text=True)
    assert "规划处党支部" in mine
    assert "规划处党支部" not in client.get(f"/visits?org={visited.pc_b.id}").get_data(as_text=True)
    assert "年份无法识别" in client.get("/visits?year=abc").get_data(as_text=True)


def test_the_print_is_the_record_with_its_findings_and_their_items(client, auth, visited):
    html = client.get(f"/visits/{visited.visit.id}/print").get_data(as_text=True)
    assert "党建工作督导记录" in html and "2026年第三季度党课无记录。" in html and "督导人（签字）" in html
    assert "<form" not in html.split("<main", 1)[1]


def test_signed_out_visitors_are_sent_to_sign_in(client, auth, visited):
    auth.logout()
    for url in ("/visits", "/visits/new", f"/visits/{visited.visit.id}"):
        assert client.get(url).status_code == 302


def test_the_item_closes_on_the_same_terms_as_any_other(client, auth, visited):
    prefix = f"f{visited.finding.id}-"
    client.post(f"/visits/findings/{visited.finding.id}/action", data={
        prefix + "text": "补齐记录。", prefix + "owner_id": str(visited["other_secretary"].id),
        prefix + "due_on": (TODAY + timedelta(days=7)).isoformat()})
    item = db.session.scalars(sa.select(ActionItem)).one()
    assert client.post(f"/actions/{item.id}/close", data={"evidence": "done"}).status_code in (403, 404)
    sign_in(auth, "other_secretary")
    assert client.post(f"/actions/{item.id}/close", data={"evidence": ""}).status_code == 200
    db.session.expire_all()
    assert db.session.get(ActionItem, item.id).status == ActionStatus.OPEN


@pytest.mark.parametrize("round_", range(3))
def test_two_liaisons_raising_the_same_finding_at_once_make_one_item(app, client, auth, visited, monkeypatch,
                                                                      round_):
    from meetings.domain.terms import Role
    from meetings.services import actions, roster
    roster.assign_role(None, visited["admin"], visited.pc_a, Role.LIAISON)
    db.session.commit()
    prefix = f"f{visited.finding.id}-"
    form = {prefix + "text": "补齐记录。", prefix + "owner_id": str(visited["other_secretary"].id),
            prefix + "due_on": (TODAY + timedelta(days=7)).isoformat()}
    url = f"/visits/findings/{visited.finding.id}/action"
    answers = posts_at_once(app, monkeypatch, actions, ["raise_from_finding"],
                            [("liaison", url, form), ("admin", url, form)])
    assert sorted(status for status, _ in answers) == [302, 422]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem)) == 1


def test_the_list_is_paged_fifty_at_a_time(client, auth, world):
    from meetings.domain.visits import VisitKind
    from meetings.services.supervision import visits as service
    for n in range(51):
        service.record_visit(world["liaison"], world.a2, visited_on=TODAY - timedelta(days=n),
                             kind=VisitKind.DESK, checked=["minutes"], summary=f"第{n}次", now=TEST_NOW)
    db.session.commit()
    sign_in(auth, "liaison")
    first = client.get("/visits").get_data(as_text=True)
    assert first.count('class="when"') == 50 and "第 1 / 2 页，共 51 个" in first
    last = client.get("/visits?page=2").get_data(as_text=True)
    assert last.count('class="when"') == 1 and "第 2 / 2 页" in last
