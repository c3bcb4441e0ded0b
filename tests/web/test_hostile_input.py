"""Hostile input beyond markup (恶意输入): roster CSV as Chinese Excel writes it, bodies over the
limit, single fields far too long, and dates that do not exist or make no sense.

Each refusal is a Chinese message with nothing written (row counts before and after), never a
500; with ``TESTING`` on, a view's exception would reach the test instead of becoming one.
"""
import io
import re

import pytest
import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import Person
from tests.hostile_builders import meeting_form
from tests.meeting_builders import make_meeting

CHINESE = re.compile(r"[\u4e00-\u9fff]")
TABLES = ("person", "organization", "meeting", "invitation", "minutes_revision", "action_item", "campaign",
          "api_token", "audit_event", "outbox_message")
CLAIMS = "一二三四五六七八九十" * 10_000  # 100,000 characters


@pytest.fixture(autouse=True)
def _setup(catalogs_and_import_folder):
    """Meeting types and requirements installed; roster uploads in a folder of the test's own."""


def counts() -> dict:
    with db.engine.connect() as conn:
        return {t: conn.scalar(sa.select(sa.func.count()).select_from(db.metadata.tables[t])) for t in TABLES}


def messages(body: str) -> list[str]:
    """Field errors and flashed messages of a page."""
    return re.findall(r'<(?:p|div) class="(?:error|flash flash-(?:error|warning))"[^>]*>(.*?)</', body, re.S)


def flashed(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def assert_refused_in_chinese(client, response) -> None:
    """A page with a Chinese message (or a redirect flashing one); never a 500."""
    assert response.status_code < 500
    said = flashed(client) if response.status_code == 302 else messages(response.get_data(as_text=True))
    assert said and all(CHINESE.search(m) for m in said), (response.status_code, said)


# ---- roster CSV in the encodings Chinese Excel writes ---------------------------------------

CSV_FILES = {  # a header line and members whose names each encoding can hold
    "utf-8 with BOM (Excel: CSV UTF-8)": ("utf-8-sig", ",", ["王䶮", "𠮷野", "Zoë"]),
    "utf-8 without BOM": ("utf-8", ",", ["王䶮", "张三"]),
    "GBK (Excel: CSV)": ("gbk", ",", ["欧阳喆", "张三"]),
    "GB18030 beyond GBK": ("gb18030", ",", ["王䶮", "𠮷野"]),
    "UTF-16 with BOM, tabs (Excel: Unicode text)": ("utf-16", "\t", ["王䶮", "张三"]),
    "utf-8 with BOM, semicolons": ("utf-8-sig", ";", ["王䶮", "张三"]),
}


def upload(client, world, data: bytes, filename: str):
    return client.post(f"/branches/{world.a1.id}/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("case", CSV_FILES)
def test_roster_csv_in_each_excel_encoding_imports_the_names_exactly(client, auth, world, case):
    encoding, separator, names = CSV_FILES[case]
    # A title row above the header, its empty cells kept as Excel writes them.
    lines = [["2026年支部党员名册", "", ""], ["姓名", "党小组", "备注"],
             *([name, "第一党小组", "在职"] for name in names)]
    text = "".join(separator.join(cells) + "\r\n" for cells in lines)
    auth.login("secretary")
    response = upload(client, world, text.encode(encoding), "名册.csv")
    assert response.status_code == 302, messages(response.get_data(as_text=True))
    assert client.post(response.headers["Location"]).status_code == 302
    stored = set(db.session.scalars(sa.select(Person.name).where(Person.branch_id == world.a1.id)))
    assert set(names) <= stored and not any("\ufeff" in n for n in stored)


def test_a_gbk_file_named_xlsx_is_refused_in_chinese(client, auth, world):
    auth.login("secretary")
    before = counts()
    response = upload(client, world, "姓名\r\n张三\r\n".encode("gbk"), "名册.xlsx")
    assert response.status_code == 200 and "Excel" in " ".join(messages(response.get_data(as_text=True)))
    assert counts() == before


# ---- bodies over MAX_CONTENT_LENGTH ---------------------------------------------------------

def big_posts(world, meeting) -> dict:
    return {"member": ("secretary", f"/branches/{world.a1.id}/members/new", "name"),
            "org": ("admin", f"/orgs/{world.a1.id}/new", "name"),
            "meeting": ("secretary", f"/branches/{world.a1.id}/meetings/new", "title"),
            "minutes": ("recorder", f"/meetings/{meeting.id}/minutes/edit", "body"),
            "action item": ("secretary", f"/meetings/{meeting.id}/actions", "action-text"),
            "campaign": ("admin", "/campaigns/new", "title"),
            "token": ("secretary", "/account/tokens", "name"),
            "login": (None, "/login", "login")}


@pytest.mark.parametrize("case", ["member", "org", "meeting", "minutes", "action item", "campaign", "token",
                                  "login"])
def test_a_body_over_the_limit_is_413_in_chinese_and_writes_nothing(app, client, auth, world, monkeypatch,
                                                                    case):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    meeting = make_meeting(world)
    db.session.commit()
    role, url, field = big_posts(world, meeting)[case]
    if role:
        auth.login(role)
    before = counts()
    body = f"{field}=".encode() + b"x" * (64 * 1024)
    response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "提交的内容太大" in response.get_data(as_text=True)
    assert counts() == before


# ---- one field far too long, under the body limit -------------------------------------------

def long_fields(world, meeting) -> dict:
    """(role, url, form data) with one field of 100,000 characters (1,000,000 for minutes)."""
    new_meeting = f"/branches/{world.a1.id}/meetings/new"
    return {
        "meeting title": ("secretary", new_meeting, meeting_form(world, title=CLAIMS)),
        "meeting place": ("secretary", new_meeting, meeting_form(world, place=CLAIMS)),
        "minutes body": ("recorder", f"/meetings/{meeting.id}/minutes/edit",
                         {"body": "x" * 1_000_000, "base": "0"}),
        "member name": ("secretary", f"/branches/{world.a1.id}/members/new",
                        {"name": CLAIMS, "category": "full", "status": "active"}),
        "org name": ("admin", f"/orgs/{world.a1.id}/new", {"name": CLAIMS, "kind": "party_group"}),
        "campaign title": ("admin", "/campaigns/new", {"title": CLAIMS, "scope_id": str(world.root.id)}),
        "cancel reason": ("secretary", f"/meetings/{meeting.id}/cancel", {"reason": CLAIMS}),
        "leave reason": ("member", f"/meetings/{meeting.id}/answer", {"action": "leave", "reason": CLAIMS}),
        "action item": ("secretary", f"/meetings/{meeting.id}/actions",
                        {"action-text": CLAIMS, "action-owner_id": str(world["member"].id),
                         "action-due_on": "2026-12-31"}),
        "token name": ("secretary", "/account/tokens", {"name": CLAIMS}),
        "transfer note": ("secretary", f"/people/{world['recorder'].id}/transfer",
                          {"to_branch_id": str(world.a2.id), "note": CLAIMS}),
    }


@pytest.mark.parametrize("case", ["meeting title", "meeting place", "minutes body", "member name", "org name",
                                  "campaign title", "cancel reason", "leave reason", "action item",
                                  "token name", "transfer note"])
def test_a_field_far_too_long_is_refused_in_chinese(client, auth, world, started, case):
    meeting = started if case in ("minutes body", "action item") else make_meeting(world)
    db.session.commit()
    role, url, data = long_fields(world, meeting)[case]
    auth.login(role)
    before = counts()
    assert_refused_in_chinese(client, client.post(url, data=data))
    assert counts() == before


# ---- dates that do not exist or make no sense -----------------------------------------------

MEETING_DATES = {
    "30 February": {"date": "2026-02-30"},
    "year 0": {"date": "0000-01-01"},
    "year 1, just after midnight (补录)": {"date": "0001-01-01", "start_time": "00:30", "end_time": "01:30",
                                          "late_record": "y"},
    "1900 (补录)": {"date": "1900-01-01", "late_record": "y"},
    "31 December 9999": {"date": "9999-12-31", "start_time": "23:00", "end_time": "23:59"},
    "a weekly series from 9999": {"date": "9999-12-31", "repeat": "weekly", "count": "3"},
    "month 13": {"date": "2026-13-01"},
    "full-width digits": {"date": "１２３"},
    "a full-width date": {"date": "２０２６-０７-０１"},
    "25 o'clock": {"start_time": "25:00"},
    "no date": {"date": ""},
}


@pytest.mark.parametrize("case", MEETING_DATES)
def test_meeting_form_refuses_impossible_dates_in_chinese(client, auth, world, case):
    auth.login("secretary")
    before = counts()
    data = meeting_form(world, **MEETING_DATES[case])
    response = client.post(f"/branches/{world.a1.id}/meetings/new", data=data)
    assert response.status_code == 200
    assert_refused_in_chinese(client, response)
    assert counts() == before


@pytest.mark.parametrize("due_on", ["2026-02-30", "0000-01-01", "0001-01-01", "9999-12-31", "１２３", ""])
def test_action_item_due_date_is_checked(client, auth, world, started, due_on):
    auth.login("secretary")
    before = counts()
    data = {"action-text": "完善支部档案", "action-owner_id": str(world["member"].id),
            "action-due_on": due_on}
    response = client.post(f"/meetings/{started.id}/actions", data=data)
    assert response.status_code == 200
    assert_refused_in_chinese(client, response)
    assert counts() == before


@pytest.mark.parametrize(("joined", "expected"), [
    ("9999-12-31", "不能晚于今天"), ("0001-01-01", "1921"), ("2026-02-30", "")])
def test_member_joined_date_is_checked_as_the_import_checks_it(client, auth, world, joined, expected):
    auth.login("secretary")
    before = counts()
    data = {"name": "孙一", "category": "full", "status": "active", "joined_party_on": joined}
    response = client.post(f"/branches/{world.a1.id}/members/new", data=data)
    assert response.status_code == 200
    assert expected in " ".join(messages(response.get_data(as_text=True)))
    assert_refused_in_chinese(client, response)
    assert counts() == before


BAD_DAYS = ["2026-02-30", "0000-01-01", "0001-01-01", "9999-12-31", "2026-13-01", "１２３", "yesterday"]


@pytest.mark.parametrize("day", BAD_DAYS)
def test_compliance_as_of_date_falls_back_to_today_and_says_so(client, auth, world, day):
    """Pages fall back to today with a note; the export, which has nowhere to say so, refuses."""
    auth.login("admin")
    for url in (f"/compliance?as_of={day}", f"/compliance/absences?as_of={day}"):
        response = client.get(url)
        assert response.status_code == 200, url
    refused = client.get(f"/compliance/export.csv?as_of={day}")
    assert refused.status_code == 422 and "截至日期" in refused.text
    said = messages(client.get(f"/compliance?as_of={day}").get_data(as_text=True))
    assert any("截至日期" in m for m in said), said


@pytest.mark.parametrize("day", BAD_DAYS)
def test_audit_date_filters_are_ignored_with_a_chinese_note(client, auth, world, day):
    auth.login("admin")
    response = client.get(f"/audit?from={day}&to={day}")
    assert response.status_code == 200
    said = messages(response.get_data(as_text=True))
    assert any("起始日期" in m for m in said) and any("截止日期" in m for m in said), said


@pytest.mark.parametrize("period", ["2026-Q5", "2026-13", "0000", "9999", "１２３"])
def test_compliance_period_that_cannot_be_read_is_said_so(client, auth, world, period):
    auth.login("admin")
    response = client.get(f"/compliance?period={period}")
    assert response.status_code == 200
    assert any("周期" in m for m in messages(response.get_data(as_text=True)))
