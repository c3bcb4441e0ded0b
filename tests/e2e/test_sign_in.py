"""Signing in and out, the phone menu, permissions and the language switch, in Chromium."""
import pytest

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 375


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("login", ["admin", "liaison", "secretary", "recorder", "member"])
def test_each_role_signs_in_on_a_phone_and_sees_its_home_in_chinese(site, pages, expect, login):
    page = pages.new("phone")
    site.sign_in(page, login)

    expect(page).to_have_url(site.pages.base_url + "/")
    heading = page.locator("main h1")
    expect(heading).to_contain_text("您好")
    expect(heading).to_contain_text(site.person(login)["name"])
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    # The menu hides behind ☰ on a phone; site.js (external, allowed by the CSP) opens it.
    nav, toggle = page.locator("#site-nav"), page.locator("[data-nav-toggle]")
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="首页")).to_be_visible()
    expect(nav.locator(".who")).to_have_text(site.person(login)["name"])

    nav.get_by_role("button", name="退出").click()
    expect(page).to_have_url(site.pages.base_url + "/login")
    expect(page.locator(".flash")).to_contain_text("您已退出登录。")
    page.goto("/")
    expect(page).to_have_url(site.pages.base_url + "/login?next=%2F")
    pages.assert_clean()


def test_wrong_password_shows_the_error_by_the_field_and_keeps_the_login(site, pages, expect):
    page = pages.new("phone")
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_label("用户名").fill("secretary")
    page.get_by_label("密码", exact=True).fill("not-the-password")
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(site.pages.base_url + "/login")
    error = page.locator("#password-error")
    expect(error).to_have_text("用户名或密码不正确，或该账号已停用。")
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#password")).to_have_attribute("aria-describedby", "password-error")
    expect(page.locator("#password")).to_have_value("")
    expect(page.locator("#login")).to_have_value("secretary")
    # The error sits in the password field's own block, not in a banner elsewhere.
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator(".field.has-error #password-error")).to_be_visible()
    pages.assert_clean()


def test_empty_login_form_asks_for_both_fields(site, pages, expect):
    page = pages.new("phone")
    page.goto("/login")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#login-error")).to_have_text("请输入用户名。")
    expect(page.locator("#password-error")).to_have_text("请输入密码。")
    pages.assert_clean()


def test_member_cannot_open_another_branch(site, pages, expect):
    pages.allow_console(r"status of 404")
    page = pages.new("phone")
    site.sign_in(page, "member")
    response = page.goto(f"/orgs/{site.org('b1')}")
    assert response.status == 404  # another branch: as if it did not exist
    expect(page.locator("main h1")).to_have_text("页面不存在")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    # Their own branch still opens.
    response = page.goto(f"/orgs/{site.org('a1')}")
    assert response.status == 200
    expect(page.locator("main h1")).to_contain_text("办公室党支部")
    pages.assert_clean()


def test_language_switch_persists_across_reload_and_sign_in(site, pages, expect):
    page = pages.new("phone")
    site.sign_in(page, "member")
    html = page.locator("html")
    switch = page.locator("button[name=language]")
    expect(html).to_have_attribute("lang", "zh-CN")

    site.open_menu(page)
    expect(switch).to_have_text("English")
    switch.click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(site.pages.base_url + "/")
    expect(switch).to_have_text("中文")

    page.reload()
    expect(html).to_have_attribute("lang", "en")

    site.sign_out(page)
    expect(html).to_have_attribute("lang", "en")  # the cookie outlives the session
    site.sign_in(page, "member")
    expect(page).to_have_url(site.pages.base_url + "/")
    expect(html).to_have_attribute("lang", "en")

    # The account remembers it too: a fresh browser with no cookie signs in to English.
    other = pages.new("desktop")
    site.sign_in(other, "member")
    expect(other.locator("html")).to_have_attribute("lang", "en")
    expect(other.locator("button[name=language]")).to_have_text("中文")

    site.open_menu(page)
    switch.click()
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(switch).to_have_text("English")
    expect(page.locator("main h1")).to_contain_text("您好")
    page.reload()
    expect(html).to_have_attribute("lang", "zh-CN")
    other.reload()
    expect(other.locator("html")).to_have_attribute("lang", "zh-CN")
    pages.assert_clean()


def test_language_switch_keeps_the_page_you_were_on(site, pages, expect):
    page = pages.new("desktop")
    site.sign_in(page, "secretary")
    page.goto(f"/orgs/{site.org('a1')}")
    page.locator("button[name=language]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{site.pages.base_url}/orgs/{site.org('a1')}")
    page.locator("button[name=language]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    pages.assert_clean()


def test_language_switch_reachable_on_login_page_on_a_phone(site, pages, expect):
    page = pages.new("phone")
    page.goto("/login")
    expect(page.locator("button[name=language]")).to_be_visible(timeout=1000)
    page.locator("button[name=language]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    pages.assert_clean()


@pytest.mark.parametrize("login", ["secretary", "admin", "member"])
def test_no_horizontal_overflow_on_a_phone(site, pages, expect, login):
    page = pages.new("phone")
    site.sign_in(page, login)
    assert page_width(page) <= PHONE_WIDTH + 1, f"home is {page_width(page)}px wide"
    site.open_menu(page)
    assert page_width(page) <= PHONE_WIDTH + 1, f"home with menu open is {page_width(page)}px wide"

    branch = site.org("a1") if login != "admin" else site.org("b1")
    page.goto(f"/orgs/{branch}")
    expect(page.locator("main table")).to_be_visible()
    assert page_width(page) <= PHONE_WIDTH + 1, f"branch page is {page_width(page)}px wide"
    if login == "admin":
        page.goto("/orgs")
        assert page_width(page) <= PHONE_WIDTH + 1, f"org tree is {page_width(page)}px wide"
    pages.assert_clean()


def test_desktop_shows_the_menu_without_the_toggle(site, pages, expect):
    page = pages.new("desktop")
    site.sign_in(page, "admin")
    expect(page.locator("[data-nav-toggle]")).to_be_hidden()
    nav = page.locator("#site-nav")
    expect(nav).to_be_visible()
    nav.get_by_role("link", name="组织架构").click()
    expect(page).to_have_url(site.pages.base_url + "/orgs")
    expect(nav.get_by_role("link", name="组织架构")).to_have_attribute("aria-current", "page")
    # Units below the first level are folded: open 党委B, then its 总支, to reach the branch.
    branch = page.get_by_role("link", name="预算处党支部")
    expect(branch).to_be_hidden()
    for unit in ("省财政厅机关党委", "综合党总支"):
        page.locator("summary", has_text=unit).locator(".count").click()
    expect(branch).to_be_visible()
    pages.assert_clean()
