"""Names with emoji, combining marks, zero-width and bidi characters (恶意输入), end to end.

The rule (``meetings.domain.people.clean_name``): what shows is kept — emoji, ZWJ sequences,
combining marks on a letter — and what does not is dropped (U+200B, U+FEFF, LRM/RLM, Hangul
fillers), so a name of nothing visible is refused as an empty one, with "请填写…". Bidi
embeddings, overrides and isolates (U+202A–E, U+2066–9) could reorder the page around the name:
they are refused with a Chinese message, by the forms, the roster import and the services alike.
"""
import csv
import io
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa
import vobject

from meetings.domain.scheduling import local_date
from meetings.extensions import db
from meetings.models import Meeting, Organization, Person
from meetings.services import calendar, orgs, roster, scheduling
from tests import ical_checks
from tests.builders import roster_xlsx
from tests.fixed_time import TEST_NOW
from tests.html_audit import parse, shown
from tests.meeting_builders import make_meeting, type_id

CONTROL = "包含不可见的控制字符"
KEPT = {  # typed → stored: visible characters are kept as typed
    "emoji": ("张三🎉", "张三🎉"),
    "zwj family": ("👨\u200d👩\u200d👧王家", "👨\u200d👩\u200d👧王家"),
    "combining": ("Zoe\u0308 李", "Zoe\u0308 李"),
    "zero-width inside": ("张\u200b三", "张三"),
    "bom and rlm at the edges": ("\ufeff张三\u200f", "张三"),
    "ideographic spaces": ("\u3000张　三\u3000", "张 三"),
}
EMPTY = {  # nothing visible: refused as empty
    "zwsp": "\u200b\u200b", "bom": "\ufeff", "zwj": "\u200d", "rlm": "\u200f",
    "combining only": "\u0301\u0308",
    "hangul filler": "\u3164", "mixed": " \u200b\ufeff\u2060 ",
}
BIDI = {"rlo": "\u202e三张", "rli": "张三\u2067", "lre": "\u202a张三"}


@pytest.fixture(autouse=True)
def _setup(catalogs_and_import_folder):
    """Meeting types and requirements installed; roster uploads in a folder of the test's own."""


def people_named(name: str) -> list[Person]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Person).where(Person.name == name)))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def error_next_to(body: str, field: str) -> str:
    tree = parse(body)
    found = tree.find(f".//*[@id='{field}-error']")
    return "".join(found.itertext()) if found is not None else ""


# ---- members --------------------------------------------------------------------------------

def add_member(client, world, name: str):
    return client.post(f"/branches/{world.a1.id}/members/new", data={
        "name": name, "category": "full", "status": "active", "party_group_id": "", "note": ""})


@pytest.mark.parametrize("case", KEPT)
def test_member_form_keeps_what_shows(client, auth, world, case):
    typed, stored = KEPT[case]
    auth.login("secretary")
    assert add_member(client, world, typed).status_code == 302
    [person] = people_named(stored)
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert stored in shown(page)


@pytest.mark.parametrize("case", EMPTY)
def test_member_form_refuses_a_name_of_nothing_visible(client, auth, world, case):
    auth.login("secretary")
    before = count(Person)
    response = add_member(client, world, EMPTY[case])
    assert response.status_code == 200
    assert "请填写姓名" in error_next_to(response.get_data(as_text=True), "name")
    assert count(Person) == before


@pytest.mark.parametrize("case", BIDI)
def test_member_form_refuses_bidi_controls(client, auth, world, case):
    auth.login("secretary")
    before = count(Person)
    response = add_member(client, world, BIDI[case])
    assert CONTROL in error_next_to(response.get_data(as_text=True), "name")
    assert count(Person) == before


@pytest.mark.parametrize("case", BIDI)
def test_the_roster_service_refuses_bidi_controls_too(world, case):
    with pytest.raises(roster.RosterError):
        roster.add_member(None, world.a1, roster.MemberFields(name=BIDI[case]))
    with pytest.raises(roster.RosterError):
        roster.update_member(world["admin"], world["member"], roster.MemberFields(name=EMPTY["zwsp"]))
    db.session.rollback()


# ---- units and meetings ---------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "outcome"), [
    (KEPT["zwj family"][0], KEPT["zwj family"][1]), (KEPT["zero-width inside"][0], "张三"),
    (EMPTY["zwsp"], "请填写组织名称"), (BIDI["rlo"], CONTROL)])
def test_org_form(client, auth, world, typed, outcome):
    auth.login("admin")
    before = count(Organization)
    response = client.post(f"/orgs/{world.a1.id}/new", data={"name": typed, "kind": "party_group"})
    if response.status_code == 302:
        newest = sa.select(Organization.name).order_by(Organization.id.desc()).limit(1)
        assert db.session.scalar(newest) == outcome
    else:
        assert outcome in error_next_to(response.get_data(as_text=True), "name")
        assert count(Organization) == before


@pytest.mark.parametrize("name", [BIDI["rlo"], EMPTY["zwsp"]])
def test_the_org_service_refuses_what_the_form_refuses(world, name):
    with pytest.raises(orgs.TreeError):
        orgs.create(None, name=name, kind=world.g1.kind, parent=world.a1)
    with pytest.raises(orgs.TreeError):
        orgs.rename(world["admin"], world.g1, name, TEST_NOW)
    db.session.rollback()


def meeting_form(world, title: str) -> dict:
    day = local_date(TEST_NOW + timedelta(days=10)).isoformat()
    return {"type_ids": [str(type_id("theme_day"))], "title": title, "agenda": "", "date": day,
            "start_time": "15:00", "end_time": "17:00", "place": "", "online_url": "",
            "invitees": [str(world["secretary"].id)], "host_id": "", "recorder_id": "", "guests": "",
            "reminder": "", "repeat": ""}


@pytest.mark.parametrize(("typed", "outcome"), [
    ("七月主题党日🇨🇳", "七月主题党日🇨🇳"), ("七月\u200b主题党日\ufeff", "七月主题党日"),
    (EMPTY["mixed"], "请填写会议主题"), (BIDI["rli"], CONTROL)])
def test_meeting_form(client, auth, world, typed, outcome):
    auth.login("secretary")
    response = client.post(f"/branches/{world.a1.id}/meetings/new", data=meeting_form(world, typed))
    titles = list(db.session.scalars(sa.select(Meeting.title)))
    if response.status_code == 302:
        assert titles == [outcome]
    else:
        assert outcome in error_next_to(response.get_data(as_text=True), "title")
        assert titles == []


@pytest.mark.parametrize("title", [BIDI["rlo"], EMPTY["zwsp"]])
def test_the_scheduling_service_refuses_what_the_form_refuses(world, title):
    with pytest.raises(scheduling.SchedulingError):
        make_meeting(world, now=TEST_NOW, starts_at=TEST_NOW + timedelta(days=3), title=title)
    db.session.rollback()


# ---- the roster import ----------------------------------------------------------------------

def upload(client, world, data: bytes, filename: str = "名册.xlsx"):
    return client.post(f"/branches/{world.a1.id}/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def test_import_keeps_emoji_and_drops_zero_width(client, auth, world):
    auth.login("secretary")
    data = roster_xlsx([KEPT["zwj family"][0]], [KEPT["zero-width inside"][0]], [KEPT["combining"][0]],
                       header=["姓名"])
    preview = upload(client, world, data).headers["Location"]
    assert client.post(preview).status_code == 302
    for case in ("zwj family", "zero-width inside", "combining"):
        assert len(people_named(KEPT[case][1])) == 1, case


@pytest.mark.parametrize(("name", "message"), [(BIDI["rlo"], CONTROL), (EMPTY["zwsp"], "请填写姓名"),
                                               (EMPTY["hangul filler"], "请填写姓名")])
def test_import_refuses_invisible_and_bidi_names_row_by_row(client, auth, world, name, message):
    auth.login("secretary")
    before = count(Person)
    data = roster_xlsx(["孙一"], [name], header=["姓名"])
    preview = upload(client, world, data).headers["Location"]
    page = client.get(preview).get_data(as_text=True)
    assert message in shown(page)
    client.post(preview)
    assert count(Person) == before


# ---- what comes out: pages, .ics, exports ---------------------------------------------------

NAMES = [KEPT["zwj family"][1], KEPT["combining"][1], "阿依古丽·买买提"]


def test_unusual_names_come_out_of_the_ics_feed_intact(client, world):
    now = TEST_NOW
    title = "学习🇨🇳 Zoe\u0308 " + "长" * 30  # folding at 75 octets must not split a character
    meeting = make_meeting(world, now=now, starts_at=now + timedelta(days=2), title=title, place=NAMES[0])
    token = calendar.issue_feed_token(world["member"], now)
    db.session.commit()
    body = client.get(f"/calendar/{token}.ics").data
    assert ical_checks.problems(body) == []
    event = vobject.readOne(body.decode()).vevent
    assert event.summary.value == meeting.title == title and event.location.value == NAMES[0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_unusual_unit_names_come_out_of_the_exports_intact(client, auth, world, fmt):
    for name in NAMES:
        orgs.create(None, name=name + "党支部", kind=world.a1.kind, parent=world.pc_a)
    db.session.commit()
    auth.login("admin")
    response = client.get(f"/compliance/export.{fmt}?org={world.pc_a.id}")
    assert response.status_code == 200
    if fmt == "csv":
        cells = {c for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig"))) for c in row}
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
        cells = {c for row in book.active.iter_rows(values_only=True) for c in row}
    assert {n + "党支部" for n in NAMES} <= cells


def test_unusual_names_show_on_the_roster_and_in_the_meeting_form(client, auth, world):
    for name in NAMES:
        roster.add_member(None, world.a1, roster.MemberFields(name=name))
    db.session.commit()
    auth.login("secretary")
    for url in (f"/orgs/{world.a1.id}", f"/branches/{world.a1.id}/meetings/new"):
        text = shown(client.get(url).get_data(as_text=True))
        assert all(name in text for name in NAMES), url

