"""Language switch and locale-aware dates."""
from datetime import UTC, date, datetime

from meetings.web.i18n import date_filter, datetime_filter


def test_chinese_dates_read_the_chinese_way(app):
    with app.test_request_context():
        assert datetime_filter(datetime(2026, 7, 1, 6, 30, tzinfo=UTC)) == "2026年7月1日 星期三 14:30"
        assert date_filter(date(2026, 7, 1)) == "2026年7月1日"


def test_english_dates_after_switching(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert datetime_filter(datetime(2026, 7, 1, 6, 30, tzinfo=UTC)) == "Wed 1 Jul 2026, 14:30"


def test_switch_persists_in_cookie_and_on_the_account(client, auth, world):
    page = client.post("/language", data={"language": "en", "next": "/login"}, follow_redirects=True)
    assert "Sign in" in page.get_data(as_text=True)
    auth.login("member")
    assert "Hello" in client.get("/").get_data(as_text=True)
    client.delete_cookie("lang")
    assert "Hello" in client.get("/").get_data(as_text=True)  # remembered on the account


def test_unknown_language_is_ignored(client, world):
    client.post("/language", data={"language": "xx", "next": "https://evil.example/"})
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page
