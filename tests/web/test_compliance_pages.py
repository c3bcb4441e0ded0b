"""/compliance: the dashboard per role, drill-down, filters, bad input, export, statement count."""
import csv
import io
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import openpyxl
import pytest

from meetings.domain.scheduling import local_date
from meetings.domain.terms import CommitteeTitle, OrgKind
from meetings.extensions import db
from meetings.services import requirements, roster
from tests.builders import make_org, make_person
from tests.compliance_builders import add_meeting, install_rules, random_meetings, recorded_at
from tests.fixed_time import TEST_NOW
from tests.sql_counter import statements_of

AS_OF = "2026-11-20"


@pytest.fixture
def judged(world):
    """A 主题党日 in May for branch A1 (met); nothing else anywhere (missed, at risk …)."""
    types = install_rules()
    with recorded_at(datetime(2026, 5, 9, 1, tzinfo=UTC)):  # recorded in May: seen as of AS_OF
        meeting = add_meeting(world.a1, [types["theme_day"]], datetime(2026, 5, 8, 7, tzinfo=UTC))
        db.session.commit()
    world.may_meeting = meeting.id
    return world


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_admin_sees_every_party_committee_with_rates(client, auth, judged):
    auth.login("admin")
    html = page(client, f"/compliance?period=2026&as_of={AS_OF}")
    assert "省发改委机关党委" in html and "省财政厅机关党委" in html
    assert "主题党日" in html and "每月" in html
    assert "各单位完成率" in html and "<svg" in html  # the charts, drawn on the server


def test_drill_down_from_unit_to_branch_to_period_to_meeting(client, auth, judged):
    auth.login("admin")
    html = page(client, f"/compliance?org={judged.pc_a.id}&period=2026&as_of={AS_OF}")
    assert "办公室党支部" in html and "规划处党支部" in html
    html = page(client, f"/compliance?org={judged.a1.id}&period=2026&as_of={AS_OF}")
    requirement = _requirement_id("theme_day")
    period_url = f"/compliance/branches/{judged.a1.id}/{requirement}/2026-05"
    assert period_url in html
    html = page(client, period_url + f"?unit={judged.a1.id}&as_of={AS_OF}")
    assert f"/meetings/{judged.may_meeting}" in html and "计入" in html
    assert f"/meetings/{judged.may_meeting}/minutes" in html


def test_branch_page_lists_what_needs_attention_with_a_prefilled_schedule_link(client, auth, judged):
    auth.login("secretary")
    html = page(client, f"/compliance?period=2026&as_of={AS_OF}")  # the secretary's own branch
    assert "需要关注" in html and "临期未安排" in html
    assert f"/branches/{judged.a1.id}/meetings/new?type=theme_day" in html.replace("&amp;", "&")


def test_schedule_it_invites_the_group_and_keeps_the_date_in_the_period(client, auth, judged):
    """From a 党小组会 to-do: that group's members are invited, on a day inside the period."""
    second = make_person(judged.a1, "第二组党员", group=judged.g2)  # not the first group
    db.session.commit()
    auth.login("secretary")
    by = local_date(TEST_NOW) + timedelta(days=3)
    html = page(client, f"/branches/{judged.a1.id}/meetings/new?type=group_meeting&group={judged.g2.id}"
                        f"&by={by.isoformat()}")
    fields = Inputs(html)
    assert fields.values["date"] == [by.isoformat()]
    assert fields.checked["invitees"] == [str(second.id)]
    html = page(client, f"/branches/{judged.a1.id}/meetings/new?type=group_meeting&by=garbage")
    assert Inputs(html).values["date"] == [(local_date(TEST_NOW) + timedelta(days=7)).isoformat()]


class Inputs(HTMLParser):
    """The values of a page's inputs by name, and which checkboxes are ticked."""

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, list[str]] = defaultdict(list)
        self.checked: dict[str, list[str]] = defaultdict(list)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "input" and "name" in found:
            self.values[found["name"]].append(found.get("value") or "")
            if "checked" in found:
                self.checked[found["name"]].append(found.get("value") or "")


@pytest.mark.parametrize(("login", "org", "status"), [
    ("admin", "pc_b", 200), ("liaison", "pc_a", 200), ("liaison", "a1", 200), ("liaison", "pc_b", 404),
    ("secretary", "a1", 200), ("secretary", "a2", 404), ("secretary", "pc_a", 404),
    ("member", "a1", 403), ("other_secretary", "a1", 404),  # 404: units they cannot see
])
def test_each_role_sees_its_own_scope(client, auth, judged, login, org, status):
    auth.login(login)
    assert client.get(f"/compliance?org={getattr(judged, org).id}").status_code == status
    assert client.get(f"/compliance/export.xlsx?org={getattr(judged, org).id}").status_code == status


def test_default_scope_per_role(client, auth, judged):
    auth.login("liaison")
    assert "办公室党支部" in page(client, "/compliance")  # pc_a's branches
    auth.logout()
    auth.login("member")
    assert client.get("/compliance").status_code == 403
    auth.logout()
    response = client.get("/compliance")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_period_of_another_branch_is_forbidden(client, auth, judged):
    auth.login("other_secretary")
    url = f"/compliance/branches/{judged.a1.id}/{_requirement_id('theme_day')}/2026-05"
    # 404: they cannot see a1's objects at all (no existence oracle)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    "/compliance/branches/{a1}/{req}/2026-13", "/compliance/branches/{a1}/{req}/garbage",
    "/compliance/branches/{a1}/999999/2026-05", "/compliance/branches/{pc}/{req}/2026-05",
    "/compliance/branches/{a1}/{req}/2030-05",
])
def test_unknown_periods_and_requirements_are_404(client, auth, judged, url):
    auth.login("admin")
    url = url.format(a1=judged.a1.id, pc=judged.pc_a.id, req=_requirement_id("theme_day"))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("query", "warning"), [
    ("period=2026-Q9", "考核周期无法识别"), ("period=1999", "考核周期无法识别"),
    ("period=2017", "2018 年以后"), ("period=2031", "尚未开始"),
    ("as_of=yesterday", "截至日期”无法识别"), ("as_of=2099-01-01", "截至日期”须在"),
    ("type=abc&only=everything", None),
])
def test_bad_filters_fall_back_with_a_message(client, auth, judged, query, warning):
    auth.login("admin")
    html = page(client, "/compliance?" + query)
    if warning:
        assert warning in html


def test_filters_only_missed_and_one_type(client, auth, judged):
    auth.login("admin")
    theme_day = _type_id("theme_day")
    html = page(client, f"/compliance?org={judged.pc_a.id}&period=2026-05&as_of={AS_OF}&type={theme_day}")
    assert "支部党员大会" not in html.split("<table")[1]
    html = page(client, f"/compliance?org={judged.pc_a.id}&period=2026-05&as_of={AS_OF}&type={theme_day}"
                        "&only=missed")
    table = html.split("<table")[1]
    assert "规划处党支部" in table and "办公室党支部" not in table  # A1 met May's 主题党日


def test_export_xlsx_is_the_report_table(client, auth, judged):
    evil = make_org("=HYPERLINK(\"http://evil\",\"x\")", OrgKind.BRANCH, judged.pc_a)
    db.session.commit()
    auth.login("admin")
    response = client.get(f"/compliance/export.xlsx?period=2026&as_of={AS_OF}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "通报" in rows[0][0]
    assert rows[1][:3] == ("序号", "上级单位", "党支部") and "主题党日" in rows[1] and "完成率" in rows[1]
    names = [r[2] for r in rows[2:]]
    assert {"办公室党支部", "规划处党支部", "预算处党支部"} <= set(names)
    assert "'" + evil.name in names  # written as text, never as a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    rate_column = rows[1].index("完成率")
    assert sheet.cell(row=3, column=rate_column + 1).number_format == "0%"


def test_export_csv_has_a_bom_and_neutralized_cells(client, auth, judged):
    make_org("@SUM(1+1)", OrgKind.BRANCH, judged.pc_b)
    db.session.commit()
    auth.login("admin")
    response = client.get(f"/compliance/export.csv?period=2026&as_of={AS_OF}")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][2] == "党支部"
    assert "'@SUM(1+1)" in [r[2] for r in rows[1:]]
    assert client.get("/compliance/export.pdf").status_code == 404


def _grow(world, branches: int, seed: int) -> None:
    """``branches`` more branches, each with two groups, a committee and random meetings."""
    rng = random.Random(seed)
    types = install_rules()
    made = []
    for n in range(branches):
        branch = make_org(f"扩充党支部{n}", OrgKind.BRANCH, world.pc_a if n % 2 else world.pc_b)
        groups = [make_org(f"第{g}党小组", OrgKind.PARTY_GROUP, branch) for g in (1, 2)]
        person = make_person(branch, f"书记{n}")
        roster.set_committee_seat(None, branch, person, CommitteeTitle.SECRETARY)
        made.append((branch, groups))
    random_meetings(rng, [b for b, _ in made], {b.id: g for b, g in made}, types, 30 * branches)
    db.session.commit()


@pytest.mark.parametrize("url", ["/compliance?period=2026&as_of=2026-11-20",
                                 "/compliance/export.xlsx?period=2026-Q2&as_of=2026-11-20"])
def test_statement_count_does_not_grow_with_the_province(app, client, auth, world, url):
    _grow(world, 2, seed=1)
    auth.login("admin")
    small = statements_of(client, url)
    _grow(world, 14, seed=2)
    large = statements_of(client, url)
    assert small == large and small <= 20


def _requirement(code: str):
    return next(r for r in requirements.all_versions() if r.meeting_type.code == code)


def _requirement_id(code: str) -> int:
    found = _requirement(code)
    return found.replaces_id or found.id


def _type_id(code: str) -> int:
    return _requirement(code).meeting_type_id


def test_the_chart_by_month_shows_only_months_that_are_over(judged):
    from meetings.domain.periods import parse
    from meetings.services import compliance
    board = compliance.dashboard(judged.root, parse("2026"), datetime(2026, 11, 20, 2, tzinfo=UTC))
    months = [month for month, _ in board.over_time]
    assert months[0] == "2026-01" and months[-1] == "2026-10"  # November is still open
    may = dict(board.over_time)["2026-05"]
    assert may.done == 1 and may.rate < 1  # A1's 主题党日; the other branches' May was missed
