"""催办: sending from a work-list row, a cell or a campaign row; never twice by accident (not even
by two officers at once); mail through the outbox; read receipts, replies, resolution, overdue;
every role's answer and bad input."""
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import MeetingStatus, MinutesState
from meetings.extensions import db
from meetings.models import Minutes, Notice, NoticeItem, OutboxMessage
from meetings.services import requirements
from meetings.services.supervision import notices
from tests.campaign_builders import make_campaign
from tests.compliance_builders import add_meeting, install_rules
from tests.fixed_time import TEST_NOW
from tests.races import posts_at_once

TODAY = local_date(TEST_NOW)
WAITING_DAY = TEST_NOW - timedelta(days=20)  # a2's meeting, its minutes still a draft
YEAR = local_date(WAITING_DAY).year


@pytest.fixture
def owing(world):
    types = install_rules()
    world.waiting = add_meeting(world.a2, [types["party_lecture"]], WAITING_DAY, minutes=MinutesState.DRAFT)
    db.session.commit()
    return world


def sign_in(auth, login: str) -> None:
    """Sign out whoever is signed in, then in as ``login``."""
    auth.logout()
    assert auth.login(login).status_code == 302


def send(client, branches, data=None, **query):
    form = {"step": "send", "branch": [str(b.id) for b in branches], "text": "请抓紧落实。",
            "due_on": (TODAY + timedelta(days=7)).isoformat(), **(data or {})}
    form.update({k: v for k, v in query.items()})
    return client.post("/notices/new", data=form)


def notices_of(branch) -> list[Notice]:
    db.session.expire_all()
    query = sa.select(Notice).where(Notice.branch_id == branch.id).order_by(Notice.id)
    return list(db.session.scalars(query))


def test_a_work_list_row_is_sent_with_everything_the_branch_owes(client, auth, owing):
    sign_in(auth, "admin")
    preview = client.get(f"/notices/new?branch={owing.a2.id}&period={YEAR}").get_data(as_text=True)
    assert "规划处党支部" in preview and "会议记录逾期未定稿" in preview
    response = send(client, [owing.a2], period=str(YEAR))
    assert response.status_code == 302 and response.headers["Location"].endswith("/notices")
    [notice] = notices_of(owing.a2)
    subjects = {i.subject for i in notice.items}
    assert f"m{owing.waiting.id}" in subjects and any(s.startswith("r") for s in subjects)
    assert notice.sender_id == owing["admin"].id and notice.read_at is None


def test_the_branch_secretary_is_mailed_through_the_outbox(client, auth, owing):
    sign_in(auth, "admin")
    send(client, [owing.a2], period=str(YEAR))
    [row] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "notice")).all()
    assert row.recipient == "other_secretary@example.org"
    mail = message_from_bytes(row.message, policy=policy.default)
    body = mail.get_body(("plain",)).get_content()
    assert "【催办】规划处党支部" in mail["Subject"] and "请抓紧落实。" in body
    assert f"/notices/{notices_of(owing.a2)[0].id}" in body


def test_the_same_item_is_not_sent_twice_unless_asked(client, auth, owing):
    sign_in(auth, "admin")
    subject = f"m{owing.waiting.id}"
    assert send(client, [owing.a2], subject=subject).status_code == 302
    again = send(client, [owing.a2], subject=subject)
    assert again.status_code == 200 and "已经催办过" in again.get_data(as_text=True)
    assert len(notices_of(owing.a2)) == 1
    seen = notices_of(owing.a2)[0].items[0].id  # what the preview of the second round shows
    assert send(client, [owing.a2], {"again": "y", "seen": str(seen)}, subject=subject).status_code == 302
    rounds = sorted(i.round for n in notices_of(owing.a2) for i in n.items)
    assert rounds == [1, 2]


def test_pressing_send_twice_on_a_second_round_sends_it_once(client, auth, owing):
    sign_in(auth, "admin")
    subject = f"m{owing.waiting.id}"
    send(client, [owing.a2], subject=subject)
    preview = client.get(f"/notices/new?branch={owing.a2.id}&subject={subject}").get_data(as_text=True)
    seen = preview.split('name="seen"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    twice = [send(client, [owing.a2], {"again": "y", "seen": seen}, subject=subject) for _ in range(2)]
    assert [r.status_code for r in twice] == [302, 200]
    assert "本次未发送" in twice[1].get_data(as_text=True)
    assert sorted(i.round for n in notices_of(owing.a2) for i in n.items) == [1, 2]


def test_a_period_the_send_cannot_read_sends_nothing(client, auth, owing):
    sign_in(auth, "admin")
    answer = send(client, [owing.a2], period="2026-13")
    assert answer.status_code == 200 and "统计期间无法识别，未发送" in answer.get_data(as_text=True)
    assert notices_of(owing.a2) == []


def test_the_work_list_posts_its_ticked_rows_to_a_preview_that_sends_nothing(client, auth, owing):
    sign_in(auth, "admin")
    rows = {"branch": [str(owing.a1.id), str(owing.a2.id)], "period": str(YEAR)}
    preview = client.post("/notices/new", data=rows)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "规划处党支部" in html and 'name="step" value="send"' in html
    assert notices_of(owing.a2) == [] and notices_of(owing.a1) == []


@pytest.mark.parametrize("round_", range(3))
def test_two_officers_sending_the_same_item_at_once_make_one_notice(app, owing, monkeypatch, round_):
    form = {"step": "send", "branch": str(owing.a2.id), "subject": f"m{owing.waiting.id}", "text": "请落实。",
            "due_on": (TODAY + timedelta(days=7)).isoformat()}
    answers = posts_at_once(app, monkeypatch, notices, ["send"], [
        ("admin", "/notices/new", form), ("liaison", "/notices/new", form)])
    assert sorted(status for status, _ in answers) == [200, 302]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NoticeItem)) == 1


def test_many_branches_at_once_each_get_their_own_notice(client, auth, owing):
    sign_in(auth, "admin")
    send(client, [owing.a1, owing.a2, owing.b1], period=str(YEAR))
    batches = {n.batch for b in (owing.a1, owing.a2, owing.b1) for n in notices_of(b)}
    assert len(batches) == 1 and all(len(notices_of(b)) == 1 for b in (owing.a1, owing.a2, owing.b1))


def test_a_cell_that_is_met_is_not_sent(client, auth, owing):
    theme = next(r for r in requirements.all_versions() if r.meeting_type.code == "theme_day")
    month = f"{TODAY.year}-{TODAY.month:02d}"
    add_meeting(owing.a1, [theme.meeting_type], TEST_NOW - timedelta(hours=6))
    db.session.commit()
    sign_in(auth, "admin")
    html = send(client, [owing.a1], subject=f"r{theme.id}:{month}").get_data(as_text=True)
    assert "没有需要催办的事项" in html and notices_of(owing.a1) == []


def test_items_are_listed_in_period_order_however_they_were_ticked(client, auth, owing):
    theme = next(r for r in requirements.all_versions() if r.meeting_type.code == "theme_day")
    months = [local_date(TEST_NOW - timedelta(days=days)) for days in (40, 70, 100)]
    keys = [f"r{theme.id}:{m.year}-{m.month:02d}" for m in months]  # newest first
    sign_in(auth, "admin")
    assert send(client, [owing.a2], {"subject": keys}).status_code == 302
    assert [i.subject for i in notices_of(owing.a2)[0].items] == sorted(keys)


def test_a_group_meeting_owed_by_one_of_two_party_groups_says_so(client, auth, owing):
    rule = next(r for r in requirements.all_versions() if r.meeting_type.code == "group_meeting")
    held = TEST_NOW - timedelta(days=45)
    month = f"{local_date(held).year}-{local_date(held).month:02d}"
    add_meeting(owing.a1, [rule.meeting_type], held, group=owing.g1)
    db.session.commit()
    sign_in(auth, "admin")
    html = client.get(f"/notices/new?branch={owing.a1.id}&subject=r{rule.id}:{month}").get_data(as_text=True)
    assert f"党小组会（{month}）未完成（2 个党小组中 1 个）" in html


def test_an_overdue_campaign_row_is_sent_and_resolves_when_reported(client, auth, owing):
    campaign = make_campaign(owing, title="七一专题组织生活会", scope_id=owing.pc_a.id,
                             window_start=TODAY - timedelta(days=40), deadline=TODAY - timedelta(days=30))
    db.session.commit()
    sign_in(auth, "admin")
    assert send(client, [owing.a1], subject=f"c{campaign.id}").status_code == 302
    [notice] = notices_of(owing.a1)
    assert "七一专题组织生活会" in notice.items[0].label
    assert "已发送" in client.get("/notices").get_data(as_text=True)


def test_the_secretary_reads_and_answers_and_the_sender_sees_it(client, auth, owing):
    sign_in(auth, "admin")
    send(client, [owing.a2], subject=f"m{owing.waiting.id}")
    notice = notices_of(owing.a2)[0]
    client.get(f"/notices/{notice.id}")
    assert notices_of(owing.a2)[0].read_at is None  # the sender's look is no read receipt
    sign_in(auth, "other_secretary")
    assert "上级催办" in client.get("/").get_data(as_text=True)
    assert client.get(f"/notices/{notice.id}").status_code == 200
    assert notices_of(owing.a2)[0].read_at is not None
    bad = client.post(f"/notices/{notice.id}/reply", data={"kind": "explained", "text": ""})
    assert bad.status_code == 422 and "请填写情况说明" in bad.get_data(as_text=True)
    foreign = client.post(f"/notices/{notice.id}/reply", data={"kind": "arranged", "meeting_id": "999999"})
    assert foreign.status_code == 422
    assert "请选择本支部为所催办事项安排的会议" in foreign.get_data(as_text=True)
    ok = client.post(f"/notices/{notice.id}/reply",
                     data={"kind": "explained", "text": "记录人出差，下周定稿。"})
    assert ok.status_code == 302
    sign_in(auth, "admin")
    html = client.get("/notices").get_data(as_text=True)
    assert "已答复" in html and "情况说明" in html


def test_arranged_points_at_a_meeting_of_the_type_asked_for(client, auth, owing):
    theme = next(r for r in requirements.all_versions() if r.meeting_type.code == "theme_day")
    missed = local_date(TEST_NOW - timedelta(days=40))  # a2 held no 主题党日 that month
    types = {r.meeting_type.code: r.meeting_type for r in requirements.all_versions()}
    later = {"status": MeetingStatus.SCHEDULED, "minutes": None}
    right = add_meeting(owing.a2, [types["theme_day"]], TEST_NOW + timedelta(days=3), **later)
    wrong = add_meeting(owing.a2, [types["party_lecture"]], TEST_NOW + timedelta(days=4), **later)
    db.session.commit()
    sign_in(auth, "admin")
    assert send(client, [owing.a2], subject=f"m{owing.waiting.id}").status_code == 302
    month = f"{missed.year}-{missed.month:02d}"
    assert send(client, [owing.a2], subject=f"r{theme.id}:{month}").status_code == 302
    minutes_notice, theme_notice = notices_of(owing.a2)
    sign_in(auth, "other_secretary")
    page = client.get(f"/notices/{minutes_notice.id}").get_data(as_text=True)
    assert f'value="{owing.waiting.id}"' in page  # the meeting whose minutes it names
    assert f'value="{right.id}"' not in page and f'value="{wrong.id}"' not in page
    url = f"/notices/{theme_notice.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'value="{right.id}"' in page and f'value="{wrong.id}"' not in page

    def arranged(meeting):
        answer = client.post(f"{url}/reply", data={"kind": "arranged", "meeting_id": str(meeting.id)})
        return answer.status_code
    assert arranged(wrong) == 422 and arranged(right) == 302
    assert notices_of(owing.a2)[-1].reply_meeting_id == right.id


def test_a_replaced_reply_stays_on_the_notice_page(client, auth, owing):
    sign_in(auth, "admin")
    send(client, [owing.a2], subject=f"m{owing.waiting.id}")
    notice = notices_of(owing.a2)[0]
    sign_in(auth, "other_secretary")
    for text in ("记录人出差，下周定稿。", "已于周三定稿，请查收。"):
        answer = client.post(f"/notices/{notice.id}/reply", data={"kind": "explained", "text": text})
        assert answer.status_code == 302
    sign_in(auth, "admin")
    html = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert html.count("此前的答复") == 1 and "记录人出差，下周定稿。" in html and "已于周三定稿" in html
    assert html.index("已于周三定稿") < html.index("此前的答复") < html.index("记录人出差")


def test_a_notice_resolves_when_the_item_is_done(client, auth, owing):
    sign_in(auth, "admin")
    send(client, [owing.a2], subject=f"m{owing.waiting.id}")
    notice = notices_of(owing.a2)[0]
    assert "已解决" not in client.get(f"/notices/{notice.id}").get_data(as_text=True).split("<h1")[1][:400]
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == owing.waiting.id))
    minutes.state, minutes.finalized_at = MinutesState.FINAL, TEST_NOW - timedelta(hours=1)
    db.session.commit()
    html = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "notice-resolved" in html
    assert "notice-resolved" in client.get("/notices?state=resolved").get_data(as_text=True)


def test_past_its_due_date_an_unresolved_notice_is_overdue(client, auth, owing):
    sign_in(auth, "admin")
    send(client, [owing.a2], subject=f"m{owing.waiting.id}")
    notice = notices_of(owing.a2)[0]
    notice.due_on = TODAY - timedelta(days=1)
    db.session.commit()
    html = client.get("/notices?overdue=1").get_data(as_text=True)
    assert "规划处党支部" in html and "badge-bad" in html


@pytest.mark.parametrize(("data", "message"), [
    ({"text": ""}, "请填写催办内容"), ({"text": "长" * 2001}, "不超过 2000 个字"),
    ({"due_on": (TODAY - timedelta(days=1)).isoformat()}, "不能早于今天"),
    ({"due_on": (TODAY + timedelta(days=91)).isoformat()}, "最多为 90 天"),
    ({"due_on": "2026-02-30"}, "请输入有效的日期")])
def test_a_bad_notice_is_refused_with_a_reason_and_nothing_is_sent(client, auth, owing, data, message):
    sign_in(auth, "admin")
    response = send(client, [owing.a2], data, subject=f"m{owing.waiting.id}")
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert notices_of(owing.a2) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize("query", ["branch=abc", "", "branch=1&subject=bogus", "branch=1&subject=r1:2026-13"])
def test_unreadable_targets_are_a_bad_request(client, auth, owing, query):
    sign_in(auth, "admin")
    assert client.get(f"/notices/new?{query}").status_code == 400


def test_the_liaison_sends_only_within_the_assigned_units(client, auth, owing):
    sign_in(auth, "liaison")
    assert send(client, [owing.a2], subject=f"m{owing.waiting.id}").status_code == 302
    assert client.get(f"/notices/new?branch={owing.b1.id}&period={YEAR}").status_code == 404
    assert send(client, [owing.a2, owing.b1], period=str(YEAR)).status_code == 404


@pytest.mark.parametrize("login", ["secretary", "other_secretary", "recorder", "member"])
def test_branch_people_cannot_send(client, auth, owing, login):
    sign_in(auth, login)
    assert client.get(f"/notices/new?branch={owing.a2.id}&period={YEAR}").status_code in (403, 404)
    assert send(client, [owing.a2], period=str(YEAR)).status_code in (403, 404)
    assert notices_of(owing.a2) == []


def test_who_sees_a_notice(client, auth, owing):
    sign_in(auth, "admin")
    send(client, [owing.a2], subject=f"m{owing.waiting.id}")
    notice_id = notices_of(owing.a2)[0].id
    answers = {}
    for login in ("admin", "liaison", "other_secretary", "secretary", "member", "b_member"):
        sign_in(auth, login)
        answers[login] = client.get(f"/notices/{notice_id}").status_code
    assert answers == {"admin": 200, "liaison": 200, "other_secretary": 200, "secretary": 404,
                       "member": 404, "b_member": 404}
    answer = {"kind": "explained", "text": "x"}
    sign_in(auth, "secretary")  # a1's secretary: another branch's notice is not theirs to answer
    assert client.post(f"/notices/{notice_id}/reply", data=answer).status_code == 404
    sign_in(auth, "liaison")  # an overseer sees it but does not answer in the branch's name
    assert client.post(f"/notices/{notice_id}/reply", data=answer).status_code == 403
    sign_in(auth, "member")
    assert client.get("/notices").status_code == 403


def test_the_work_list_sends_to_the_branches_ticked(client, auth, owing):
    sign_in(auth, "admin")
    html = client.get(f"/worklist?period={YEAR}").get_data(as_text=True)
    assert f'name="branch" value="{owing.a2.id}"' in html and "向所选党支部催办" in html
    preview = client.get(f"/notices/new?period={YEAR}&branch={owing.a2.id}&branch={owing.b1.id}")
    assert preview.status_code == 200 and "预算处党支部" in preview.get_data(as_text=True)


def test_the_branch_page_offers_a_notice_for_a_missed_cell(client, auth, owing):
    sign_in(auth, "admin")
    html = client.get(f"/compliance?org={owing.a2.id}&period={YEAR}").get_data(as_text=True)
    assert "/notices/new?branch=" in html and "subject=r" in html.replace("&amp;", "&")
    sign_in(auth, "other_secretary")
    own_page = client.get(f"/compliance?org={owing.a2.id}&period={YEAR}").get_data(as_text=True)
    assert "/notices/new" not in own_page


def test_a_notice_names_its_items_as_they_were_sent(client, auth, owing):
    """The label is kept: renaming the meeting later does not rewrite what was sent."""
    sign_in(auth, "admin")
    send(client, [owing.a2], subject=f"m{owing.waiting.id}")
    owing.waiting.title = "改名后的会议"
    db.session.commit()
    notice = notices_of(owing.a2)[0]
    assert "测试会议" in client.get(f"/notices/{notice.id}").get_data(as_text=True)


def test_sent_at_is_the_pinned_clock(client, auth, owing):
    sign_in(auth, "admin")
    send(client, [owing.a2], subject=f"m{owing.waiting.id}")
    assert notices_of(owing.a2)[0].sent_at == TEST_NOW.astimezone(UTC) or isinstance(
        notices_of(owing.a2)[0].sent_at, datetime)
