"""/worklist (督导工作台) and the overseer's home: ranks, what each branch owes, filters, pages,
XLSX, permissions per role, bad input and a fixed number of statements."""
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from meetings.domain.scheduling import local_date
from meetings.domain.terms import MinutesState, OrgKind
from meetings.domain.worklist import desk_year
from meetings.extensions import db
from tests.builders import make_org
from tests.campaign_builders import make_campaign
from tests.compliance_builders import add_meeting, install_rules
from tests.fixed_time import TEST_NOW
from tests.sql_counter import statements_of

YEAR = 2026  # a year that has begun at every instant CI pins the clock to


@pytest.fixture
def owing(world):
    """A1 held May's 主题党日 (better rate than A2 and B1, which held nothing); A2 holds a
    meeting 20 days ago whose minutes are still a draft, and one 2 days ago (still in its wait)."""
    types = install_rules()
    add_meeting(world.a1, [types["theme_day"]], datetime(YEAR, 5, 8, 7, tzinfo=UTC))
    add_meeting(world.a2, [types["party_lecture"]], TEST_NOW - timedelta(days=20), minutes=MinutesState.DRAFT)
    add_meeting(world.a2, [types["party_lecture"]], TEST_NOW - timedelta(days=2), minutes=None)
    db.session.commit()
    world.types = types
    return world


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def rows_of(html: str) -> list[str]:
    """The branch names of the table, in order."""
    body = html.split('<table class="numbers worklist">', 1)[1].split("</table>", 1)[0]
    cells = body.split('<th scope="row" class="name">')[1:]
    return [cell.split("</a>", 1)[0].rsplit(">", 1)[1] for cell in cells]


def test_the_admin_sees_every_branch_worst_first_with_equal_rates_ranked_equal(client, auth, owing):
    auth.login("admin")
    html = get(client, f"/worklist?period={YEAR}")
    names = rows_of(html)
    assert names[-1] == "办公室党支部" and set(names) == {"办公室党支部", "规划处党支部", "预算处党支部"}
    assert html.count('<td class="num">1</td>') == 2  # 规划处 and 预算处 held nothing: both first
    assert "主题党日" in html and "省发改委机关党委" in html


def test_a_branch_owes_its_minutes_past_the_wait_and_not_those_within_it(client, auth, owing):
    auth.login("admin")
    period = local_date(TEST_NOW - timedelta(days=20)).year
    html = get(client, f"/worklist?period={period}&sort=minutes")
    assert rows_of(html)[0] == "规划处党支部"
    assert f'/branches/{owing.a2.id}/meetings">1</a>' in html


def test_an_overdue_campaign_is_listed_for_each_branch_that_did_not_report(client, auth, owing):
    today = local_date(TEST_NOW)
    make_campaign(owing, title="七一专题组织生活会", scope_id=owing.pc_a.id,
                  window_start=today - timedelta(days=40), deadline=today - timedelta(days=30))
    db.session.commit()
    auth.login("admin")
    html = get(client, f"/worklist?period={local_date(TEST_NOW - timedelta(days=35)).year}&sort=campaigns")
    assert html.count("七一专题组织生活会") == 2  # 办公室 and 规划处; 预算处 is not in its scope
    assert rows_of(html)[2] == "预算处党支部"


def test_the_liaison_sees_only_the_assigned_units_and_may_not_ask_for_others(client, auth, owing):
    auth.login("liaison")
    html = get(client, f"/worklist?period={YEAR}")
    assert set(rows_of(html)) == {"办公室党支部", "规划处党支部"}
    get(client, f"/worklist?org={owing.pc_b.id}", 404)
    get(client, f"/worklist.xlsx?org={owing.pc_b.id}", 404)


def test_a_liaison_of_two_units_sees_both_on_one_page(client, auth, owing):
    from meetings.domain.terms import Role
    from meetings.services import roster
    roster.assign_role(None, owing["liaison"], owing.pc_b, Role.LIAISON)
    db.session.commit()
    auth.login("liaison")
    shown = rows_of(get(client, f"/worklist?period={YEAR}"))
    assert set(shown) == {"办公室党支部", "规划处党支部", "预算处党支部"}


@pytest.mark.parametrize("login", ["secretary", "recorder", "member", "other_secretary", "b_member"])
def test_branch_roles_and_members_have_no_work_list(client, auth, owing, login):
    auth.login(login)
    get(client, "/worklist", 403)
    get(client, "/worklist.xlsx", 403)
    assert "督导工作台" not in get(client, "/")


def test_signed_out_visitors_are_sent_to_sign_in(client, owing):
    assert client.get("/worklist").status_code == 302
    assert client.get("/worklist.xlsx").status_code == 302


def test_a_party_group_or_unknown_unit_has_no_list(client, auth, owing):
    auth.login("admin")
    get(client, f"/worklist?org={owing.g1.id}", 404)
    get(client, "/worklist?org=999999", 404)


def test_narrowing_to_a_party_committee_lists_only_its_branches(client, auth, owing):
    auth.login("admin")
    assert set(rows_of(get(client, f"/worklist?org={owing.pc_b.id}&period={YEAR}"))) == {"预算处党支部"}


def test_the_name_filter_and_only_lagging(client, auth, owing):
    auth.login("admin")
    assert rows_of(get(client, f"/worklist?period={YEAR}&q=预算")) == ["预算处党支部"]
    assert rows_of(get(client, f"/worklist?period={YEAR}&q=发改委")) != []  # the parent's name too
    assert len(rows_of(get(client, f"/worklist?period={YEAR}&only=lagging"))) == 3


def test_headers_sort_and_a_second_click_reverses(client, auth, owing):
    auth.login("admin")
    html = get(client, f"/worklist?period={YEAR}")
    assert "sort=name" in html
    ascending = rows_of(get(client, f"/worklist?period={YEAR}&sort=name"))
    descending = rows_of(get(client, f"/worklist?period={YEAR}&sort=name&dir=desc"))
    assert ascending == ["办公室党支部", "规划处党支部", "预算处党支部"]  # 按拼音: ban, gui, yu
    assert descending == list(reversed(ascending))
    assert rows_of(get(client, f"/worklist?period={YEAR}&sort=name&dir=asc")) == ascending
    worst_first = rows_of(get(client, f"/worklist?period={YEAR}"))
    assert rows_of(get(client, f"/worklist?period={YEAR}&dir=desc"))[0] == worst_first[-1] == "办公室党支部"


@pytest.mark.parametrize(("query", "message"), [
    ("sort=bogus", "无法按"), ("page=abc", "页码无法识别"), ("page=0", "页码无法识别"),
    ("q=" + "长" * 61, "不超过 60 个字"), ("period=2017", "2018"), ("period=2026-13", "考核周期无法识别"),
    ("q=%01", "不超过 60 个字"), ("org=abc", "单位无法识别"), ("dir=zzz", "排序方向只能是")])
def test_bad_input_is_named_and_the_list_still_shows(client, auth, owing, query, message):
    auth.login("admin")
    html = get(client, f"/worklist?{query}")
    assert message in html and "worklist" in html
    assert client.get(f"/worklist.xlsx?{query}").status_code == 422


def test_a_page_past_the_end_shows_the_last_and_says_so(client, auth, owing):
    auth.login("admin")
    html = get(client, f"/worklist?period={YEAR}&page=9999")
    assert "共 1 页，已显示最后一页" in html and len(rows_of(html)) == 3


def test_pages_of_fifty(client, auth, owing):
    for i in range(60):
        make_org(f"新设第{i:02d}党支部", OrgKind.BRANCH, owing.pc_b)
    db.session.commit()
    auth.login("admin")
    first = get(client, f"/worklist?period={YEAR}")
    assert len(rows_of(first)) == 50 and "第 1 / 2 页，共 63 个" in first and 'rel="next"' in first
    second = get(client, f"/worklist?period={YEAR}&page=2")
    assert len(rows_of(second)) == 13 and 'rel="prev"' in second
    assert len(rows_of(get(client, f"/worklist?period={YEAR}&page=9"))) == 13  # past the end: the last


def test_the_xlsx_holds_every_listed_row_in_the_page_order(client, auth, owing):
    auth.login("admin")
    response = client.get(f"/worklist.xlsx?period={YEAR}")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[2]]
    assert header[:4] == ["排名", "上级单位", "党支部", "完成率"]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [r[2] for r in body] == rows_of(get(client, f"/worklist?period={YEAR}"))
    assert [r[0] for r in body] == [1, 1, 3]
    assert body[-1][3] > body[0][3]


def test_a_branch_named_like_a_formula_is_text_in_the_xlsx(client, auth, owing):
    make_org("=HYPERLINK(\"http://x\")", OrgKind.BRANCH, owing.pc_a)
    db.session.commit()
    auth.login("admin")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/worklist.xlsx?period={YEAR}").data)).active
    names = [row[2].value for row in sheet.iter_rows(min_row=3)]
    assert "'=HYPERLINK(\"http://x\")" in names


def test_the_admins_home_is_the_desk_with_the_worst_branches(client, auth, owing):
    auth.login("admin")
    html = get(client, "/")
    assert "督导工作台" in html and "规划处党支部" in html and "/worklist" in html


def test_from_the_home_to_a_lagging_branchs_record_in_one_click(client, auth, owing):
    auth.login("admin")
    html = get(client, "/")
    link = f'/compliance?org={owing.a2.id}&amp;period={desk_year(local_date(TEST_NOW))}'
    assert link in html
    assert "规划处党支部" in get(client, link.replace("&amp;", "&"))


def test_the_statement_count_does_not_grow_with_the_branches(client, auth, owing):
    auth.login("admin")
    url = f"/worklist?period={YEAR}"
    small = statements_of(client, url)
    for i in range(20):
        branch = make_org(f"扩充第{i}党支部", OrgKind.BRANCH, owing.pc_a if i % 2 else owing.pc_b)
        add_meeting(branch, [owing.types["theme_day"]], datetime(YEAR, 3, 3, 7, tzinfo=UTC),
                    minutes=MinutesState.DRAFT)
    db.session.commit()
    assert statements_of(client, url) == small
