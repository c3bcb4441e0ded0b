"""督导记录 in Chromium: a liaison, on a phone, records a visit to a branch from its 考核 page,
notes a problem and lists it as the branch's 整改事项; the branch's secretary finds it in the
branch's 整改清单 and closes it; the liaison sees it done on the record, and prints it."""
from datetime import timedelta
from urllib.parse import urlparse

import pytest

from meetings.domain.scheduling import local_date
from meetings.extensions import db
from tests.compliance_builders import install_rules
from tests.e2e.test_meeting_flow import assert_fits_a_phone, on_phone
from tests.fixed_time import TEST_NOW

pytestmark = pytest.mark.e2e

SHOTS = {"visit-phone": "/tmp/visit-375.png", "visit-print": "/tmp/visit-print-1280.png"}


@pytest.fixture
def rules(app):
    with app.app_context():
        install_rules()
        db.session.commit()
        db.session.remove()


def test_liaison_records_a_visit_and_the_branch_closes_its_action_item(site, pages, expect, seed, rules):
    a2 = seed["orgs"]["a2"]
    liaison = on_phone(pages)
    site.sign_in(liaison, "liaison")
    liaison.goto(f"/compliance?org={a2}")
    liaison.get_by_role("link", name="记录对本支部的督导").click()
    expect(liaison.locator("main h1")).to_contain_text("规划处党支部")
    liaison.get_by_label("查阅检查").check()
    liaison.get_by_label("会议记录", exact=True).check()
    liaison.get_by_label("党建工作台账").check()
    liaison.get_by_label("督导情况").fill("查阅了第四季度的会议记录和党建台账。")
    assert_fits_a_phone(liaison, "the new visit form")
    liaison.get_by_role("button", name="保存").click()
    expect(liaison.locator(".flash")).to_contain_text("已保存督导记录")
    expect(liaison.locator("main")).to_contain_text("查阅了第四季度的会议记录和党建台账。")

    liaison.get_by_role("textbox", name="发现的问题").fill("十一月党小组会未上传签到表。")
    liaison.get_by_role("button", name="记录问题").click()
    expect(liaison.locator("ol.findings")).to_contain_text("十一月党小组会未上传签到表。")
    finding = liaison.locator("ol.findings > li").first
    finding.locator("summary").click()
    finding.get_by_label("责任人").select_option(label=seed["people"]["other_secretary"]["name"])
    due = local_date(TEST_NOW) + timedelta(days=14)
    finding.get_by_label("整改时限").fill(due.isoformat())
    finding.get_by_role("button", name="列为整改事项").click()
    expect(liaison.locator(".flash")).to_contain_text("已列为 规划处党支部 的整改事项")
    expect(liaison.locator("ol.findings")).to_contain_text("待整改")
    assert_fits_a_phone(liaison, "the visit record")
    liaison.screenshot(path=SHOTS["visit-phone"], full_page=True)

    secretary = on_phone(pages)
    site.sign_in(secretary, "other_secretary")
    secretary.goto(f"/branches/{a2}/actions")
    expect(secretary.locator("main")).to_contain_text("十一月党小组会未上传签到表。")
    expect(secretary.get_by_role("link", name="督导记录（")).to_have_count(1)
    secretary.get_by_role("link", name="办结").first.click()
    secretary.get_by_label("整改完成情况及佐证").fill("签到表已补传。")
    secretary.get_by_role("button", name="确认办结").click()
    expect(secretary.locator(".flash")).to_contain_text("整改事项已办结")

    liaison.reload()
    expect(liaison.locator("ol.findings")).to_contain_text("已完成")
    expect(liaison.locator("ol.findings")).to_contain_text("签到表已补传。")
    desk = pages.new("desktop")
    site.sign_in(desk, "liaison")
    desk.goto(urlparse(liaison.url).path + "/print")
    expect(desk.locator("main h1")).to_have_text("党建工作督导记录")
    expect(desk.locator("main table").last).to_contain_text("十一月党小组会未上传签到表。")
    expect(desk.locator("main table").last).to_contain_text("已完成")
    desk.screenshot(path=SHOTS["visit-print"], full_page=True)
