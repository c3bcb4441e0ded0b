"""The record of a meeting in Chromium: the secretary registers attendance, writes the minutes
with a table and finalizes them; a member checks in on a phone with the code shown at the meeting.
"""
import re
from datetime import timedelta

import pytest
import segno
import sqlalchemy as sa

from meetings.domain import minutes as minutes_rules
from meetings.domain.terms import Attendance, CheckInMethod, MeetingStatus, MinutesState
from meetings.extensions import db
from meetings.models import Invitation, Meeting, Minutes, Organization, Person
from meetings.services import minutes as minutes_service
from tests.builders import World
from tests.e2e.test_meeting_flow import BEIJING, assert_fits_a_phone, on_phone
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import make_meeting, make_started_meeting

pytestmark = pytest.mark.e2e

ASSEMBLY = "支部党员大会：选举支部委员"
ABSENCE = "在外地参加培训"
# The type's template (## 议题 / ## 讨论情况 / ## 表决结果 and a vote table), filled in.
MINUTES = (
    "## 议题\n\n选举支部委员。\n\n## 讨论情况\n\n与会党员一致同意候选人名单。\n\n## 表决结果\n\n"
    "| 事项 | 赞成 | 反对 | 弃权 |\n|---|---|---|---|\n| 候选人名单 | 2 | 0 | 0 |\n"
)
VOTE_HEAD = ["事项", "赞成", "反对", "弃权"]
VOTE_ROW = ["候选人名单", "2", "0", "0"]


def seeded_world(seed: dict) -> World:
    """The parts of the seeded world the meeting builders use (branch a1, people by login),
    loaded into the current session."""
    return World(a1=db.session.get(Organization, seed["orgs"]["a1"]),
                 people={login: db.session.get(Person, p["id"]) for login, p in seed["people"].items()})


def build(app, seed: dict, make, **overrides) -> dict:
    """A meeting of a1 made by ``make`` and committed: its id, check-in code and invitation ids."""
    with app.app_context():
        meeting = make(seeded_world(seed), **overrides)
        db.session.commit()
        made = {"id": meeting.id, "code": meeting.check_in_code,
                "invitations": {i.person_id: i.id for i in meeting.invitations}}
        db.session.remove()
    return made


def record_card(page):
    return page.get_by_role("region", name="出勤与会议记录")


def header_row(table, heading: str):
    """The row of the generated 会议记录 header that starts with ``heading``."""
    return table.locator("tr").filter(has=table.page.locator("th:first-child", has_text=re.compile(
        f"^{heading}$")))


def test_secretary_records_attendance_writes_and_finalizes_minutes(site, pages, expect, app):
    meeting = build(app, site.seed, make_started_meeting, code="branch_assembly", title=ASSEMBLY)
    assert len(meeting["invitations"]) == 3  # the secretary, the recorder and the member of a1
    member = meeting["invitations"][site.person("member")["id"]]
    page = pages.new("desktop")
    site.sign_in(page, "secretary")
    page.goto(f"/meetings/{meeting['id']}")
    card = record_card(page)
    expect(card).to_contain_text("会议开始后登记出勤")
    expect(card.get_by_role("link", name="显示签到二维码")).to_be_visible()  # the meeting is on
    card.get_by_role("link", name="登记出勤").click()

    expect(page).to_have_url(f"{site.pages.base_url}/meetings/{meeting['id']}/attendance")
    expect(page.locator("main h1")).to_have_text("登记出勤")
    expect(page.locator(".sheet-row")).to_have_count(3)
    expect(page.locator(".attendance-numbers")).to_contain_text("应到 3 人，实到 0 人")
    page.get_by_label("刘党员 的出勤").select_option(label="缺席")
    page.get_by_label("刘党员 的缺席原因").fill(ABSENCE)
    # The whole sheet is posted: the row just changed is saved, the rest become present.
    page.get_by_role("button", name="未登记的全部记为到会").click()

    expect(page.locator(".flash-success")).to_have_text("出勤情况已保存。")
    expect(page.locator(f"#mark-{member}")).to_have_value("absent")
    expect(page.locator(f"#reason-{member}")).to_have_value(ABSENCE)
    for login in ("secretary", "recorder"):
        expect(page.locator(f"#mark-{meeting['invitations'][site.person(login)['id']]}")).to_have_value("present")
    expect(page.locator(".attendance-numbers")).to_contain_text("应到 3 人，实到 2 人 · 请假 0 · 缺席 1")
    expect(page.locator(".attendance-numbers")).not_to_contain_text("未登记")
    page.get_by_role("link", name="返回会议").click()

    card = record_card(page)
    expect(card.locator(".attendance-numbers")).to_contain_text("应到 3 人，实到 2 人 · 缺席 1")
    # 支部党员大会: 2 of 3 full members is more than half.
    expect(card).to_contain_text("符合规定")
    expect(card).to_contain_text("应到 3 人，到会 2 人，须超过半数（至少 2 人）")
    expect(card).not_to_contain_text("不足法定人数")
    expect(card.get_by_role("link", name="出勤表")).to_be_visible()
    card.get_by_role("link", name="撰写会议记录").click()

    expect(page).to_have_url(f"{site.pages.base_url}/meetings/{meeting['id']}/minutes/edit")
    body = page.get_by_label("会议记录", exact=True)
    expect(body).to_have_value(re.compile(r"^## 议题\n\n## 讨论情况\n\n## 表决结果\n\n\| 事项 \| 赞成"))
    body.fill(MINUTES)
    page.get_by_role("button", name="预览").click()
    preview = page.get_by_role("region", name="预览").locator(".markdown")
    expect(preview.locator("h2")).to_have_text(["议题", "讨论情况", "表决结果"])
    expect(preview.locator("table thead th")).to_have_text(VOTE_HEAD)
    expect(preview.locator("table tbody tr td")).to_have_text(VOTE_ROW)
    expect(page.get_by_label("会议记录", exact=True)).to_have_value(MINUTES)  # kept for saving
    page.get_by_role("button", name="保存", exact=True).click()

    expect(page).to_have_url(f"{site.pages.base_url}/meetings/{meeting['id']}/minutes")
    expect(page.locator(".flash-success")).to_have_text("会议记录已保存。")
    expect(page.locator("main h1 .badge")).to_have_text("草稿")
    record = page.locator("article.minutes-record")
    header = record.locator("table.record-header")
    expect(header_row(header, "应到").locator("td")).to_have_text(["3", "2"])
    expect(header_row(header, "缺席")).to_contain_text(f"刘党员（缺席：{ABSENCE}）")
    expect(header_row(header, "法定人数")).to_contain_text("符合规定")
    expect(header_row(header, "主持人").locator("td")).to_have_text(["张书记", "赵记录"])
    expect(record.locator(".markdown table tbody td")).to_have_text(VOTE_ROW)
    with page.expect_event("dialog") as asked:  # the page's dialog handler accepts it
        page.get_by_role("button", name="定稿").click()
    assert "确定定稿吗" in asked.value.message

    expect(page.locator(".flash-success")).to_have_text("会议记录已定稿。")
    expect(page.locator("main h1 .badge")).to_have_text("已定稿")
    expect(page.locator("main .actions").get_by_role("link", name="更正")).to_be_visible()
    expect(page.get_by_role("button", name="定稿")).to_have_count(0)
    expect(page.locator("main p.muted").first).to_contain_text("第 2 版")
    page.goto(f"/meetings/{meeting['id']}")
    expect(record_card(page)).to_contain_text("已定稿")
    expect(record_card(page)).to_contain_text("定稿于")

    with app.app_context():
        held = db.session.get(Meeting, meeting["id"])
        marks = {i.id: (i.attendance, i.absence_reason, i.check_in_method) for i in held.invitations}
        assert marks.pop(member) == (Attendance.ABSENT, ABSENCE, CheckInMethod.SECRETARY)
        assert set(marks.values()) == {(Attendance.PRESENT, None, CheckInMethod.SECRETARY)}
        assert held.status == MeetingStatus.HELD and held.quorum_met is True
        assert (held.expected_count, held.present_count) == (3, 2)
        written = db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == held.id))
        secretary = site.person("secretary")["id"]
        assert written.state == MinutesState.FINAL and written.finalized_by_id == secretary
        assert [(r.number, r.is_final) for r in written.revisions] == [(1, False), (2, True)]
        final = written.current_revision
        assert final.number == 2 and final.body == MINUTES and final.author_id == secretary
        assert re.fullmatch(r"[0-9a-f]{64}", final.hash) and final.prev_hash == minutes_rules.GENESIS
        assert (final.header["expected"], final.header["present"]) == (3, 2)
        assert minutes_rules.verify_chain([minutes_service.facts(final, held.id)]) == []
        db.session.remove()
    pages.assert_clean()


def qr_modules(svg: str) -> str:
    """The modules of a QR drawn by segno as SVG: its path after the first move, which is the
    only part that depends on the border (the scale is a transform)."""
    return re.search(r' d="M[\d.]+ [\d.]+([^"]+)"', svg).group(1)


def encodes(svg: str, text: str) -> bool:
    """Whether the QR in this SVG says ``text``, at whichever error-correction level."""
    return any(qr_modules(svg) == qr_modules(segno.make(text, error=level).svg_inline()) for level in "lmqh")


def test_member_checks_in_on_a_phone(site, pages, expect, app):
    now = TEST_NOW
    meeting = build(app, site.seed, make_meeting, now=now - timedelta(days=1),
                    starts_at=now + timedelta(minutes=10))
    mine = meeting["invitations"][site.person("member")["id"]]
    check_in = f"/meetings/{meeting['id']}/check-in"

    screen = pages.new("desktop")
    site.sign_in(screen, "secretary")
    screen.goto(f"/meetings/{meeting['id']}")
    record_card(screen).get_by_role("link", name="显示签到二维码").click()
    expect(screen).to_have_url(f"{site.pages.base_url}{check_in}/display")
    code = screen.locator(".check-in-code").inner_text().strip()
    assert code == meeting["code"] and re.fullmatch(r"[A-Z0-9]{6}", code)
    expect(screen.locator(".check-in-display")).to_contain_text("已签到 0 / 应到 3")
    expect(screen.locator(".check-in-display")).not_to_contain_text("现在不在签到时间内")
    drawn = screen.locator(".qr svg").evaluate("svg => svg.outerHTML")
    assert encodes(drawn, f"{site.pages.base_url}{check_in}?code={code}")

    phone = on_phone(pages)
    site.sign_in(phone, "member")
    phone.goto(f"/meetings/{meeting['id']}")
    assert_fits_a_phone(phone, "the meeting page before check-in")
    record_card(phone).get_by_role("link", name="签到", exact=True).click()
    expect(phone).to_have_url(f"{site.pages.base_url}{check_in}")
    expect(phone.locator("main h1")).to_have_text("签到")
    expect(phone.locator(".check-in")).not_to_contain_text("签到时间为会议开始前")
    phone.get_by_label("签到码").fill(code.lower())  # typed by hand: case is forgiven
    assert_fits_a_phone(phone, "the check-in page")
    phone.get_by_role("button", name="确认签到").click()

    expect(phone).to_have_url(f"{site.pages.base_url}{check_in}")
    expect(phone.locator(".flash-success")).to_have_text("签到成功。")
    with app.app_context():
        invitation = db.session.get(Invitation, mine)
        assert invitation.attendance == Attendance.PRESENT
        assert invitation.check_in_method == CheckInMethod.SELF
        at = invitation.checked_in_at.astimezone(BEIJING).strftime("%H:%M")
        others = db.session.scalars(sa.select(Invitation.attendance).where(
            Invitation.meeting_id == meeting["id"], Invitation.id != mine)).all()
        assert others == [None, None]
        db.session.remove()
    expect(phone.locator(".checked-in")).to_contain_text(f"出席 已于 {at} 签到。")
    expect(phone.get_by_role("button", name="确认签到")).to_have_count(0)
    assert_fits_a_phone(phone, "the check-in page after checking in")
    phone.get_by_role("link", name="查看会议详情").click()
    expect(record_card(phone).locator(".badge", has_text="已签到")).to_be_visible()
    expect(record_card(phone).get_by_role("link", name="签到", exact=True)).to_have_count(0)
    assert_fits_a_phone(phone, "the meeting page after check-in")

    screen.reload()
    expect(screen.locator(".check-in-display")).to_contain_text("已签到 1 / 应到 3")
    pages.assert_clean()
