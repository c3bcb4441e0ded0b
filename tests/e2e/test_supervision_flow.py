"""督导 in Chromium: an administrator finds a lagging branch on the work list, ticks it and sends a
催办; its secretary, on a phone, sees it on the home page, opens it (the read receipt) and answers;
the administrator sees the answer."""
from datetime import timedelta

import pytest

from meetings.domain.scheduling import local_date
from meetings.domain.terms import MinutesState
from meetings.extensions import db
from meetings.models import Organization
from tests.compliance_builders import add_meeting, install_rules
from tests.e2e.test_meeting_flow import assert_fits_a_phone, on_phone
from tests.fixed_time import TEST_NOW

pytestmark = pytest.mark.e2e

WAITING = TEST_NOW - timedelta(days=20)
YEAR = local_date(WAITING).year
SHOTS = {"worklist": "/tmp/worklist-1280.png", "worklist-phone": "/tmp/worklist-375.png",
         "notice-phone": "/tmp/notice-375.png"}


@pytest.fixture
def lagging(app, seed):
    """规划处党支部 held a 党课 20 days ago and its minutes are still a draft."""
    with app.app_context():
        types = install_rules()
        add_meeting(db.session.get(Organization, seed["orgs"]["a2"]), [types["party_lecture"]], WAITING,
                    minutes=MinutesState.DRAFT)
        db.session.commit()
        db.session.remove()


def test_admin_reminds_a_lagging_branch_and_its_secretary_answers_on_a_phone(site, pages, expect, lagging):
    admin = pages.new("desktop")
    site.sign_in(admin, "admin")
    expect(admin.locator("#desk-h")).to_have_text("督导工作台")
    admin.goto(f"/worklist?period={YEAR}")
    table = admin.locator("table.worklist")
    row = table.locator("tbody tr").filter(has=admin.get_by_role("link", name="规划处党支部", exact=True))
    expect(row).to_have_count(1)
    expect(row.locator("td.num").last).to_have_text("1")  # minutes past the wait
    admin.screenshot(path=SHOTS["worklist"], full_page=True)
    row.get_by_role("checkbox").check()
    admin.get_by_role("button", name="向所选党支部催办").click()
    expect(admin.locator("main h1")).to_have_text("发送催办")
    expect(admin.locator(".notice-drafts")).to_contain_text("会议记录逾期未定稿")
    admin.get_by_label("催办内容").fill("请于本周内完成会议记录定稿。")
    admin.get_by_role("button", name="发送").click()
    expect(admin.locator(".flash")).to_contain_text("已向 1 个党支部发送催办")
    expect(admin.locator("table.notices tbody tr")).to_have_count(1)
    expect(admin.locator("table.notices")).to_contain_text("已发送")

    secretary = on_phone(pages)
    site.sign_in(secretary, "other_secretary")
    desk = secretary.locator("section.notice-desk")
    expect(desk).to_contain_text("未读")
    desk.get_by_role("link").first.click()
    expect(secretary.locator("main h1")).to_contain_text("催办通知")
    expect(secretary.locator("main")).to_contain_text("请于本周内完成会议记录定稿。")
    assert_fits_a_phone(secretary, "the notice page")
    secretary.get_by_label("情况说明", exact=True).check()
    secretary.get_by_label("说明", exact=True).fill("记录人出差，周五前定稿。")
    secretary.get_by_role("button", name="提交答复").click()
    expect(secretary.locator(".flash")).to_contain_text("已答复")
    expect(secretary.locator("main")).to_contain_text("记录人出差，周五前定稿。")
    secretary.screenshot(path=SHOTS["notice-phone"], full_page=True)

    admin.reload()
    expect(admin.locator("table.notices")).to_contain_text("已答复")
    phone = on_phone(pages)
    site.sign_in(phone, "admin")
    phone.goto(f"/worklist?period={YEAR}")
    expect(phone.locator("table.worklist")).to_be_visible()
    assert_fits_a_phone(phone, "the work list")
    phone.screenshot(path=SHOTS["worklist-phone"], full_page=True)
