"""The tree as it was, in Chromium on a phone: the branch page says why the 支委会 requirement
does not bind a small branch, a 党员大会 planned for part of the branch is saved with a warning
that the quorum counts the whole branch, a dissolved party group keeps the month it missed, and
a renamed branch keeps its old name in the reports of before.
"""
from datetime import timedelta

import pytest

from meetings.extensions import db
from meetings.models import Organization
from meetings.services import orgs
from tests.compliance_builders import install_rules
from tests.e2e.test_meeting_flow import assert_fits_a_phone, beijing_today, on_phone

pytestmark = pytest.mark.e2e

TITLE = "第四季度支部党员大会"


def test_a_secretary_on_a_phone_sees_the_rules_of_the_tree(site, pages, expect, app, types):
    page = on_phone(pages)
    site.sign_in(page, "secretary")
    page.goto(f"/orgs/{site.org('a1')}")
    rule = page.locator("#committee-rule")
    expect(rule).to_contain_text("本支部有正式党员 3 人，不足 7 人")
    expect(rule).to_contain_text("支部委员会会议不纳入考核")
    assert_fits_a_phone(page, "the branch page")

    page.goto(f"/branches/{site.org('a1')}/meetings/new")
    page.locator("ul#type_ids").get_by_label("支部党员大会", exact=True).check()
    expect(page.locator("#type-quorum-help")).to_contain_text("法定人数按全支部有表决权的正式党员计算")
    page.get_by_label("会议主题").fill(TITLE)
    page.get_by_label("日期", exact=True).fill((beijing_today() + timedelta(days=12)).isoformat())
    page.get_by_label("开始时间").fill("14:30")
    page.get_by_label("结束时间").fill("16:30")
    page.get_by_label("地点").fill("三楼会议室")
    page.get_by_role("button", name="全支部").click()
    page.locator("[data-invitees] input:checked").first.uncheck()  # one full member left out
    expect(page.locator("[data-invitees] input:checked")).to_have_count(2)
    page.locator("form.meeting-form .actions").get_by_role("button", name="安排会议").click()

    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator(".flashes .flash-warning")).to_contain_text("只邀请了 2/3 名有表决权的正式党员")
    expect(page.locator(".assembly-notice")).to_contain_text("法定人数按全支部 3 人计算")
    expect(page.locator("main")).to_contain_text("未邀请的有表决权的正式党员")
    assert_fits_a_phone(page, "the meeting page with the quorum notice")
    page.screenshot(path="/tmp/history-assembly-375.png", full_page=True)


def test_a_dissolved_group_keeps_last_months_miss(site, pages, expect, app, seed):
    with app.app_context():
        install_rules()
        group = db.session.get(Organization, seed["orgs"]["g2"])
        orgs.deactivate(None, group)  # today: last month was judged with the group in it
        db.session.commit()
        db.session.remove()
    today = beijing_today()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    page = on_phone(pages)
    site.sign_in(page, "admin")
    page.goto(f"/compliance?org={site.org('a1')}&period={last_month}")
    groups = page.locator("table.periods tbody tr").filter(has=page.locator("th", has_text="党小组会"))
    expect(groups).to_contain_text("第二党小组（已撤销）")
    expect(groups.locator(".status-missed")).to_have_count(2)  # both groups missed it; neither erased
    assert_fits_a_phone(page, "a branch's periods with a dissolved group")


def test_a_renamed_branch_keeps_its_name_in_yesterdays_report(site, pages, expect, app, types):
    """An administrator renames a branch in the browser; as of yesterday the 机关党委's matrix
    and the branch's page still call it by its old name, and today's by the new one."""
    with app.app_context():
        install_rules()
        db.session.commit()
        db.session.remove()
    yesterday = (beijing_today() - timedelta(days=1)).isoformat()
    page = on_phone(pages)
    site.sign_in(page, "admin")
    page.goto(f"/orgs/{site.org('a1')}/edit")
    page.get_by_label("名称", exact=True).fill("综合处党支部")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main h1")).to_contain_text("综合处党支部")

    year = (beijing_today() - timedelta(days=1)).year  # yesterday's year, on 1 January too
    page.goto(f"/compliance?org={site.org('pc_a')}&period={year}&as_of={yesterday}")
    names = page.locator("table tbody th.name")
    expect(names.filter(has_text="办公室党支部")).to_have_count(1)
    expect(names.filter(has_text="综合处党支部")).to_have_count(0)
    page.goto(f"/compliance?org={site.org('a1')}&period={year}&as_of={yesterday}")
    expect(page.locator("main h1 .name-then")).to_contain_text("时称“办公室党支部”")
    assert_fits_a_phone(page, "a renamed branch's page as of yesterday")
    page.screenshot(path="/tmp/history-renamed-375.png", full_page=True)
    page.goto(f"/compliance?org={site.org('pc_a')}&period={year}")
    expect(page.locator("table tbody th.name").filter(has_text="综合处党支部")).to_have_count(1)
