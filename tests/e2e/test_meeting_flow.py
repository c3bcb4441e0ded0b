"""The meeting flow in Chromium: the secretary schedules, a member asks for leave on a phone,
the secretary approves it from home; and a monthly series previewed with one date skipped.
"""
import email
import email.policy
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from meetings.domain.terms import Rsvp
from meetings.extensions import db
from meetings.models import Invitation, Meeting, OutboxMessage
from tests.fixed_time import TEST_NOW

pytestmark = pytest.mark.e2e

BEIJING = ZoneInfo("Asia/Shanghai")
PHONE = {"width": 375, "height": 812}
TITLE = "学习党章主题党日"
REASON = "出差在外，无法到会"

# The elements sticking out past the viewport, widest first, to name in a failure.
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll("body *")]
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.right > limit && r.width > 0)
    .sort((a, b) => b[1].right - a[1].right).slice(0, 5)
    .map(([e, r]) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}`
         + `${e.className ? "." + String(e.className).trim().replace(/\\s+/g, ".") : ""}`
         + ` right=${Math.round(r.right)}`);
}"""


def beijing_today() -> date:
    return TEST_NOW.astimezone(BEIJING).date()


def assert_fits_a_phone(page, what: str) -> None:
    """No horizontal scroll at 375 px; otherwise name the elements that stick out."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"] + 1:
        pytest.fail(f"{what} is {width}px wide at {PHONE['width']}px: {page.evaluate(OVERFLOWING)}")


def on_phone(pages):
    """A fresh browser context at the 375×812 of a common phone."""
    page = pages.new("phone")
    page.set_viewport_size(PHONE)
    return page


def test_secretary_schedules_member_asks_leave_secretary_approves(site, pages, expect, app, types,
                                                                   tmp_path):
    day = beijing_today() + timedelta(days=10)
    secretary = on_phone(pages)
    site.sign_in(secretary, "secretary")
    assert_fits_a_phone(secretary, "the secretary's home")
    secretary.locator("main").get_by_role("link", name="安排会议").click()
    expect(secretary).to_have_url(f"{site.pages.base_url}/branches/{site.org('a1')}/meetings/new")
    expect(secretary.locator("main h1")).to_have_text("安排会议")

    types_box = secretary.locator("ul#type_ids")
    types_box.get_by_label("主题党日", exact=True).check()
    expect(types_box.locator("input:checked")).to_have_count(1)
    secretary.get_by_label("会议主题").fill(TITLE)
    secretary.get_by_label("日期", exact=True).fill(day.isoformat())
    secretary.get_by_label("开始时间").fill("14:30")
    secretary.get_by_label("结束时间").fill("16:30")
    secretary.get_by_label("地点").fill("三楼会议室")

    invitees = secretary.locator("[data-invitees] input[type=checkbox]")
    expect(invitees).to_have_count(3)
    secretary.get_by_role("button", name="清空").click()
    expect(secretary.locator("[data-invitees] input:checked")).to_have_count(0)
    secretary.get_by_role("button", name="全支部").click()
    expect(secretary.locator("[data-invitees] input:checked")).to_have_count(3)
    secretary.get_by_label("主持人").select_option(label="张书记")
    assert_fits_a_phone(secretary, "the schedule form")
    secretary.screenshot(path=str(tmp_path / "schedule-form.png"), full_page=True)
    secretary.locator("form.meeting-form .actions").get_by_role("button", name="安排会议").click()

    expect(secretary.locator("main h1")).to_have_text(TITLE)
    expect(secretary.locator(".flash-success")).to_have_text("会议已安排，邀请已发送给 3 人。")
    expect(secretary.locator("main .badge", has_text="已安排")).to_be_visible()
    expect(secretary.locator("dl.facts")).to_contain_text("三楼会议室")
    expect(secretary.locator("dl.facts")).to_contain_text("张书记")
    meeting_url = secretary.url
    assert_fits_a_phone(secretary, "the meeting page")
    secretary.screenshot(path=str(tmp_path / "meeting.png"), full_page=True)

    member = on_phone(pages)
    site.sign_in(member, "member")
    mine = member.locator(".meeting-list li", has_text=TITLE)
    expect(mine).to_have_count(1)
    expect(mine.locator(".badge")).to_have_text("未回复")
    assert_fits_a_phone(member, "the member's home")
    mine.get_by_role("link", name=TITLE).click()
    expect(member).to_have_url(meeting_url)
    answer = member.locator("section.my-answer")
    answer.locator("summary", has_text="请假").click()
    answer.get_by_label("请假事由").fill(REASON)
    answer.get_by_role("button", name="提交请假").click()
    expect(member.locator(".flash-success")).to_have_text("已提交请假申请，等待书记审批。")
    expect(member.locator("section.my-answer .badge")).to_have_text("请假待批")
    assert_fits_a_phone(member, "the meeting page as the member sees it")

    secretary.goto("/")
    leave = secretary.locator(".card", has_text="待审批的请假").locator("li", has_text="刘党员")
    expect(leave).to_contain_text(REASON)
    expect(leave).to_contain_text(TITLE)
    leave.get_by_role("button", name="准假", exact=True).click()
    expect(secretary).to_have_url(site.pages.base_url + "/")
    expect(secretary.locator(".flash-success")).to_have_text("已准假：刘党员。")
    expect(secretary.locator(".card", has_text="待审批的请假")).to_contain_text("没有待审批的请假。")
    secretary.goto(meeting_url)
    row = secretary.locator("table.invitees tbody tr", has_text="刘党员")
    expect(row.locator(".badge")).to_have_text("已准假")

    with app.app_context():
        meeting = db.session.scalar(sa.select(Meeting).where(Meeting.title == TITLE))
        mine = db.session.scalar(sa.select(Invitation).where(
            Invitation.meeting_id == meeting.id, Invitation.person_id == site.person("member")["id"]))
        assert mine.rsvp == Rsvp.LEAVE_APPROVED and mine.leave_reason == REASON
        emails = sorted(i.email for i in meeting.invitations if i.email)
        invites = db.session.scalars(sa.select(OutboxMessage.recipient).where(
            OutboxMessage.meeting_id == meeting.id, OutboxMessage.kind == "invite")).all()
        assert len(emails) == 3 and sorted(invites) == emails
        db.session.remove()
    pages.assert_clean()


def first_week_day_next_month() -> date:
    """A date in the first seven days of next month: the first of its weekday in that month."""
    today = beijing_today()
    return (today.replace(day=1) + timedelta(days=32)).replace(day=3)


def test_secretary_previews_a_monthly_series_and_skips_a_date(site, pages, expect, app, types):
    first = first_week_day_next_month()
    page = on_phone(pages)
    site.sign_in(page, "secretary")
    page.goto(f"/branches/{site.org('a1')}/meetings/new")
    page.get_by_label("会议主题").fill("支部例会")
    page.get_by_label("日期", exact=True).fill(first.isoformat())
    repeat = page.get_by_label("重复", exact=True)
    expect(repeat.locator("option")).to_have_count(4)
    repeat.select_option(index=2)  # 每月第N个星期X, named after the prefilled date until the preview
    page.get_by_label("共几次").fill("3")
    page.get_by_role("button", name="预览").click()

    preview = page.locator(".series-preview")
    expect(preview).to_contain_text("共 3 个日期")
    expect(preview).to_contain_text("每月第一个")
    expect(page.get_by_label("重复", exact=True).locator("option:checked")).to_contain_text("每月第一个")
    dates = preview.locator("input[type=checkbox]")
    expect(dates).to_have_count(3)
    expect(preview.locator("input:checked")).to_have_count(3)
    skipped = dates.nth(1).get_attribute("value")
    dates.nth(1).uncheck()
    assert_fits_a_phone(page, "the schedule form with a series preview")
    page.locator("form.meeting-form .actions").get_by_role("button", name="安排会议").click()

    expect(page).to_have_url(f"{site.pages.base_url}/branches/{site.org('a1')}/meetings")
    expect(page.locator(".flash-success")).to_contain_text("已安排 2 次会议")
    upcoming = page.locator("section.card", has_text="即将召开").locator(".meeting-list li")
    expect(upcoming.filter(has_text="支部例会")).to_have_count(2)
    assert_fits_a_phone(page, "the branch's meetings")

    with app.app_context():
        rows = db.session.scalars(sa.select(Meeting).where(Meeting.title == "支部例会")
                                  .order_by(Meeting.starts_at)).all()
        days = [m.starts_at.astimezone(BEIJING).date() for m in rows]
        # Exactly the dates left ticked: no date the secretary did not see is added.
        assert len(rows) == 2 and len({m.series_id for m in rows}) == 1
        assert days[0] == first and skipped not in {d.isoformat() for d in days}
        assert all(d.day <= 7 and d.weekday() == first.weekday() for d in days)
        # One recurring invite per invitee, not one per date; the skipped date an EXDATE.
        sent = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.series_id == rows[0].series_id)).all()
        invitees = {i.email for i in rows[0].invitations if i.email}
        assert sorted(m.recipient for m in sent) == sorted(invitees) and {m.kind for m in sent} == {"invite"}
        message = email.message_from_bytes(sent[0].message, policy=email.policy.default)
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        ics = part.get_payload(decode=True)
        assert b"RRULE:FREQ=MONTHLY" in ics and b"EXDATE;TZID=Asia/Shanghai:" in ics
        db.session.remove()
    pages.assert_clean()
