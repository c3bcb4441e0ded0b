"""A branch secretary keeps the roster on a phone: add a member, then mark them 流动党员."""
import pytest

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 375


def test_secretary_adds_a_member_and_marks_them_away(site, pages, expect):
    page = pages.new("phone")
    site.sign_in(page, "secretary")
    branch_url = f"{site.pages.base_url}/orgs/{site.org('a1')}"

    site.open_menu(page)
    page.locator("#site-nav").get_by_role("link", name="我的支部").click()
    expect(page).to_have_url(branch_url)
    expect(page.locator("main h1")).to_contain_text("办公室党支部")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH + 1

    page.get_by_role("link", name="添加党员").click()
    expect(page).to_have_url(f"{site.pages.base_url}/branches/{site.org('a1')}/members/new")
    expect(page.locator("main h1")).to_have_text("添加党员到“办公室党支部”")

    # An empty form comes back with the error beside 姓名, nothing saved.
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#name-error")).to_have_text("请填写姓名。")
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator(".field.has-error label")).to_have_text("姓名")

    page.get_by_label("姓名", exact=True).fill("测试党员")
    page.get_by_label("类别").select_option(label="预备党员")
    page.get_by_label("手机").fill("13912345678")
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(branch_url)
    expect(page.locator(".flash-success")).to_have_text("已添加 测试党员。")
    row = page.locator("main table tbody tr", has_text="测试党员")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("预备党员")
    expect(row).to_contain_text("13912345678")
    expect(row).to_contain_text("正常")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH + 1

    # The member's card: one click marks them 流动党员.
    row.get_by_role("link", name="测试党员").click()
    expect(page.locator("main h1")).to_contain_text("测试党员")
    expect(page.locator("main h1")).to_contain_text("预备党员")
    expect(page.locator("dl.facts")).to_contain_text("13912345678")
    page.get_by_role("button", name="流动党员").click()
    expect(page.locator(".flash-success")).to_have_text("测试党员 的状态已改为“流动党员”。")
    expect(page.locator("main h1 .badge-warn")).to_have_text("流动党员")
    # The button for the current status is gone; the way back to 正常 is offered.
    expect(page.get_by_role("button", name="流动党员")).to_have_count(0)
    expect(page.get_by_role("button", name="正常")).to_be_visible()

    page.get_by_role("link", name="办公室党支部").click()
    expect(page).to_have_url(branch_url)
    row = page.locator("main table tbody tr", has_text="测试党员")
    expect(row.locator(".badge-warn")).to_have_text("流动党员")
    pages.assert_clean()


def test_secretary_edits_a_member_and_sees_phone_error_in_chinese(site, pages, expect):
    page = pages.new("phone")
    site.sign_in(page, "secretary")
    page.goto(f"/people/{site.person('member')['id']}")
    page.get_by_role("link", name="编辑").click()
    expect(page.locator("main h1")).to_have_text("编辑：刘党员")
    page.get_by_label("手机").fill("12345")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#phone-error")).to_contain_text("手机号码格式不正确")
    expect(page.locator("#phone")).to_have_value("12345")
    page.get_by_label("手机").fill("139 1234 5679")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_have_text("已保存 刘党员 的信息。")
    expect(page.locator("dl.facts")).to_contain_text("13912345679")
    pages.assert_clean()


def test_other_branch_secretary_cannot_add_members_here(site, pages, expect):
    pages.allow_console(r"status of 404")
    page = pages.new("phone")
    site.sign_in(page, "other_secretary")
    response = page.goto(f"/branches/{site.org('a1')}/members/new")
    assert response.status == 404  # another branch: as if it did not exist
    expect(page.locator("main h1")).to_have_text("页面不存在")
    pages.assert_clean()
