"""The 考核 dashboard in Chromium: an admin drills down from the province to one meeting,
filters the matrix and exports the 通报 table; a secretary on a phone goes from the home
page's 考核待办 to a pre-filled schedule form and reads the branch's periods.
"""
import re
from datetime import UTC, datetime

import openpyxl
import pytest

from meetings.extensions import db
from meetings.models import Organization
from tests.compliance_builders import add_meeting, install_rules, recorded_at
from tests.e2e.test_meeting_flow import PHONE, assert_fits_a_phone, on_phone

pytestmark = pytest.mark.e2e

AS_OF = "2026-11-20"
DASHBOARD = f"/compliance?period=2026&as_of={AS_OF}"
MAY_MEETING = "五月主题党日：学习新修订的党章"
STATUS_WORDS = ["已完成", "补录完成", "已安排", "待开展", "临期未安排", "未完成"]  # the legend, in order
SHOTS = {"branch": "/tmp/compliance-branch-375.png", "phone": "/tmp/compliance-dashboard-375.png",
         "desktop": "/tmp/compliance-dashboard-1280.png"}


@pytest.fixture
def may_meeting(app, seed) -> int:
    """The rules in force, and a 主题党日 of 办公室党支部 held on 8 May 2026 with final minutes;
    nothing else anywhere, so every other period is missed, at risk or due."""
    with app.app_context(), recorded_at(datetime(2026, 5, 9, 1, tzinfo=UTC)):  # on the record since May
        types = install_rules()
        branch = db.session.get(Organization, seed["orgs"]["a1"])
        meeting = add_meeting(branch, [types["theme_day"]], datetime(2026, 5, 8, 7, tzinfo=UTC))
        meeting.title = MAY_MEETING
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def matrix(page):
    return page.locator("table.matrix")


def unit_row(table, name: str):
    """The matrix row whose first column links to ``name``."""
    return table.locator("tbody tr").filter(has=table.page.get_by_role("link", name=name, exact=True))


def test_admin_drills_down_from_the_province_to_a_meeting(site, pages, expect, may_meeting):
    page = pages.new("desktop")
    site.sign_in(page, "admin")
    page.goto(DASHBOARD)
    expect(page.locator("main h1")).to_contain_text("省直机关工委")
    table = matrix(page)
    for unit in ("省发改委机关党委", "省财政厅机关党委"):
        row = unit_row(table, unit)
        expect(row).to_have_count(1)
        expect(row.locator("td .rate").last).to_have_text(re.compile(r"^(\d+%|—)$"))
    expect(unit_row(table, "省发改委机关党委").locator("td .rate").last).to_have_text(re.compile(r"^\d+%$"))
    expect(table.locator("thead")).to_contain_text("主题党日")
    legend = page.locator(".legend")
    expect(legend.locator(".badge")).to_have_text([re.compile(word) for word in STATUS_WORDS])
    expect(legend).to_contain_text("完成率 = 已完成（含补录）÷（已完成 + 未完成）")
    page.screenshot(path=SHOTS["desktop"], full_page=True)

    table.locator("tbody th.name").get_by_role("link", name="省发改委机关党委", exact=True).click()
    expect(page.locator("main h1")).to_contain_text("省发改委机关党委")
    expect(page.locator(".breadcrumb")).to_contain_text("省直机关工委")
    for branch in ("办公室党支部", "规划处党支部"):
        expect(unit_row(matrix(page), branch)).to_have_count(1)
    expect(matrix(page)).not_to_contain_text("预算处党支部")
    assert "period=2026" in page.url and f"as_of={AS_OF}" in page.url  # the filters travel along

    matrix(page).get_by_role("link", name="办公室党支部", exact=True).click()
    expect(page.locator("main h1")).to_contain_text("办公室党支部")
    periods = page.locator("table.periods")
    theme_row = periods.locator("tbody tr").filter(has=page.locator("th", has_text="主题党日"))
    expect(theme_row.locator(".period-chips li")).to_have_count(11)  # Jan–Nov: December has not begun
    expect(theme_row.locator(".status-met")).to_have_count(1)
    expect(theme_row.locator(".status-met")).to_contain_text("已完成")
    expect(theme_row.locator(".status-missed").first).to_contain_text("未完成")
    # Three full members and a 书记: no 支部委员会 to hold (条例 §9), so no row for it.
    expect(periods.locator("tbody th")).to_contain_text(["支部党员大会", "党小组会", "党课", "主题党日"])
    expect(periods.locator("tbody th", has_text="支部委员会")).to_have_count(0)
    attention = page.locator("section.card", has_text="需要关注")
    expect(attention.get_by_role("link", name="党小组会（第一党小组） · 2026-11")).to_be_visible()
    expect(attention.get_by_role("link", name="主题党日 · 2026-05")).to_have_count(0)  # met

    chip = theme_row.locator(".period-chips li").filter(has_text="2026-05")
    expect(chip.locator(".badge")).to_contain_text("已完成")
    chip.get_by_role("link").click()
    expect(page.locator("main h1")).to_contain_text("主题党日")
    expect(page.locator("main h1")).to_contain_text("2026-05")
    expect(page.locator("main h1 .badge")).to_contain_text("已完成")
    expect(page.locator("dl.facts")).to_contain_text("办公室党支部")
    listed = page.locator("ul.meeting-list li").filter(has_text=MAY_MEETING)
    expect(listed).to_have_count(1)
    expect(listed.locator(".badge")).to_have_text("计入")
    expect(listed.get_by_role("link", name="会议记录")).to_have_attribute(
        "href", f"/meetings/{may_meeting}/minutes")
    expect(page.get_by_role("link", name="安排会议")).to_have_count(0)  # nothing left to do here

    listed.get_by_role("link", name=MAY_MEETING).click()
    expect(page).to_have_url(f"{site.pages.base_url}/meetings/{may_meeting}")
    expect(page.locator("main h1")).to_have_text(MAY_MEETING)


def test_admin_filters_by_type_and_missed_and_a_bad_date_falls_back(site, pages, expect, may_meeting):
    page = pages.new("desktop")
    site.sign_in(page, "admin")
    page.goto(DASHBOARD)
    page.get_by_label("会议类型").select_option(label="主题党日")
    page.get_by_label("只看有未完成的单位").check()
    page.get_by_role("button", name="查看").click()

    expect(page).to_have_url(re.compile(r"[?&]type=\d+"))
    expect(page).to_have_url(re.compile(r"[?&]only=missed"))
    assert f"as_of={AS_OF}" in page.url and "period=2026" in page.url
    head = matrix(page).locator("thead th")
    expect(head).to_have_count(3)  # 单位, 主题党日, 合计
    expect(head.nth(1)).to_contain_text("主题党日")
    for unit in ("省发改委机关党委", "省财政厅机关党委"):  # each has branches that missed months
        expect(unit_row(matrix(page), unit)).to_have_count(1)
    expect(page.get_by_label("会议类型").locator("option:checked")).to_have_text("主题党日")
    expect(page.get_by_label("只看有未完成的单位")).to_be_checked()

    page.goto(page.url.replace(f"as_of={AS_OF}", "as_of=2099-01-01"))
    expect(page.locator(".flash-warning")).to_contain_text("截至日期")
    expect(page.locator("main h1")).to_contain_text("组织生活考核")
    expect(matrix(page)).to_be_visible()
    expect(page.get_by_label("截至日期")).not_to_have_value("2099-01-01")  # fell back to today


def todo_type(item) -> str:
    """The requirement's name in a 考核待办 line: "党小组会（第一党小组） · 2026-11" → 党小组会."""
    text = item.locator("> span:not(.badge):not(.muted)").first.inner_text()
    return re.split(r"[（ ·]", text.strip(), maxsplit=1)[0]


def test_secretary_on_a_phone_goes_from_the_todo_to_a_prefilled_form(site, pages, expect, may_meeting):
    page = on_phone(pages)
    site.sign_in(page, "secretary")
    card = page.locator(".card.todo")
    expect(card.locator("h3")).to_contain_text("考核待办")
    schedulable = card.locator(".todo-list li").filter(has=page.get_by_role("link", name="安排会议"))
    expect(schedulable.first).to_be_visible()
    assert_fits_a_phone(page, "the secretary's home with the 考核待办")
    # 主题党日 is also the form's default; prefer a line whose pre-selection the link must carry.
    items = schedulable.all()
    item = next((i for i in items if todo_type(i) != "主题党日"), items[0])
    wanted = todo_type(item)
    item.get_by_role("link", name="安排会议").tap()

    # The type, then a party group and the period's last day ("by") as the to-do item carries them.
    expect(page).to_have_url(re.compile(rf"/branches/{site.org('a1')}/meetings/new\?type=\w+(&|$)"))
    expect(page.locator("main h1")).to_have_text("安排会议")
    types_box = page.locator("ul#type_ids")
    expect(types_box.get_by_label(wanted, exact=True)).to_be_checked()
    expect(types_box.locator("input:checked")).to_have_count(1)
    assert_fits_a_phone(page, "the pre-filled schedule form")

    page.goto(f"/compliance?as_of={AS_OF}")
    expect(page.locator("main h1")).to_contain_text("办公室党支部")
    expect(page.locator("table.periods")).to_contain_text("主题党日")
    expect(page.locator("table.periods .status-met")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    assert_fits_a_phone(page, "the branch's 考核 page")
    page.screenshot(path=SHOTS["branch"], full_page=True)

    admin = on_phone(pages)
    site.sign_in(admin, "admin")
    admin.goto(DASHBOARD)
    expect(unit_row(matrix(admin), "省发改委机关党委")).to_have_count(1)
    assert_fits_a_phone(admin, "the admin's dashboard")
    admin.screenshot(path=SHOTS["phone"], full_page=True)


def test_admin_exports_the_report_table(site, pages, expect, may_meeting, tmp_path):
    page = pages.new("desktop")
    site.sign_in(page, "admin")
    page.goto(DASHBOARD)
    with page.expect_download() as started:
        page.get_by_role("link", name="导出通报表（Excel）").click()
    download = started.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert "通报" in rows[0][0]
    header = rows[1]
    assert "党支部" in header and "完成率" in header and "主题党日" in header
    branches = {row[header.index("党支部")] for row in rows[2:]}
    assert {"办公室党支部", "规划处党支部", "预算处党支部"} <= branches
