"""A secretary's script, end to end in Chromium: a read-write token made on a phone, a meeting
scheduled through /api/v1 that then shows on the branch page, and the token revoked on the page
so the next call is refused."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.builders import PASSWORD
from tests.fixed_time import TEST_NOW

pytestmark = pytest.mark.e2e

BEIJING = ZoneInfo("Asia/Shanghai")
TITLE = "接口安排的主题党日"


def _make_token(site, page, expect) -> str:
    """On 访问令牌, reached from the menu: a read-write token, shown once, copied from its field."""
    site.open_menu(page)
    page.locator("#site-nav").get_by_role("link", name="访问令牌").click()
    expect(page.locator("main h1")).to_have_text("访问令牌")
    page.get_by_label("名称").fill("排会脚本")
    page.get_by_label("只读", exact=False).uncheck()
    page.get_by_label("登录密码").fill(PASSWORD)  # asked again before a token is made
    page.get_by_role("button", name="创建令牌").click()
    expect(page.locator("#new-h")).to_contain_text("排会脚本")
    token = page.locator("#new-token").input_value()
    assert token.startswith("olt_")
    expect(page.locator("tbody tr", has_text="排会脚本")).to_contain_text("读写")
    return token


def test_secretary_makes_a_token_schedules_through_the_api_and_revokes_it(site, pages, expect, types):
    page = pages.new("phone")
    site.sign_in(page, "secretary")
    token = _make_token(site, page, expect)
    # The browser context's own HTTP client: it sends the signed-in session cookie too, which
    # the API ignores (the last call below is refused although the cookie is still valid).
    api = page.context.request
    headers = {"Authorization": f"Bearer {token}"}
    people = api.get(f"/api/v1/people?org={site.org('a1')}", headers=headers).json()["items"]
    in_five_days = TEST_NOW.astimezone(BEIJING) + timedelta(days=5)
    start = in_five_days.replace(hour=14, minute=30, second=0, microsecond=0)
    created = api.post("/api/v1/meetings", headers=headers, data={
        "organization_id": site.org("a1"), "title": TITLE, "types": ["theme_day"],
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
        "invitee_ids": [p["id"] for p in people if p["organization_id"] == site.org("a1")]})
    assert created.status == 201, created.text()
    meeting = created.json()

    page.goto(meeting["html_url"])
    expect(page.locator("main h1")).to_contain_text(TITLE)
    expect(page.locator("main")).to_contain_text("14:30")

    page.goto("/account/tokens")
    page.locator("tbody tr", has_text="排会脚本").get_by_role("button", name="撤销").click()
    expect(page.locator("tbody tr", has_text="排会脚本")).to_contain_text("已撤销")
    refused = api.get(meeting["url"], headers=headers)
    assert refused.status == 401 and refused.json()["type"].endswith("/invalid-token")
