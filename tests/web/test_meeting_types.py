"""Meeting types (会议类型) through the pages: only a root administrator lists and edits them."""
import pytest
import sqlalchemy as sa

from meetings.domain.terms import InviteeScope, QuorumRule, Role
from meetings.extensions import db
from meetings.models import AuditEvent, MeetingType, Person
from meetings.services import meeting_types, roster
from tests.builders import make_person


@pytest.fixture
def types(world):
    """The nine default types, as the migration installs them."""
    installed = {t.code: t for t in meeting_types.install_defaults()}
    db.session.commit()
    return installed


def fresh(type_id: int) -> MeetingType:
    db.session.expire_all()
    return db.session.get(MeetingType, type_id)


def snapshot(meeting_type: MeetingType) -> tuple:
    return (meeting_type.name, meeting_type.name_en, meeting_type.default_invitees,
            meeting_type.quorum_rule, meeting_type.default_duration_minutes,
            meeting_type.minutes_template, meeting_type.is_active)


def person_id(login: str) -> int:
    return db.session.scalar(sa.select(Person.id).where(Person.login == login))


def type_edits() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "meeting_type.update"))


def form_of(meeting_type: MeetingType, **changes) -> dict:
    """The edit form as the browser would post it unchanged, with ``changes`` applied."""
    data = {
        "name": meeting_type.name,
        "name_en": meeting_type.name_en,
        "default_invitees": meeting_type.default_invitees.value,
        "quorum_rule": meeting_type.quorum_rule.value,
        "default_duration_minutes": str(meeting_type.default_duration_minutes),
        "minutes_template": meeting_type.minutes_template,
        "is_active": "y" if meeting_type.is_active else None,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_sees_every_type_with_its_defaults(client, auth, types):
    auth.login("admin")
    page = client.get("/meeting-types/").get_data(as_text=True)
    for name in ("支部党员大会", "支部委员会", "党小组会", "党课", "主题党日", "组织生活会",
                 "民主评议党员", "专题组织生活会", "其他"):
        assert name in page
    assert "正式党员过半数" in page and "支委过半数" in page and "全支部" in page
    assert "120 分钟" in page and "启用" in page
    assert f'/meeting-types/{types["party_lecture"].id}/edit' in page


def test_edit_page_shows_the_code_read_only(client, auth, types):
    auth.login("admin")
    lecture = types["party_lecture"]
    page = client.get(f"/meeting-types/{lecture.id}/edit").get_data(as_text=True)
    assert "party_lecture" in page and 'name="code"' not in page
    assert "## 主讲人" in page


def test_admin_edits_a_type_and_the_change_is_audited(client, auth, types):
    auth.login("admin")
    lecture = types["party_lecture"]
    response = client.post(f"/meeting-types/{lecture.id}/edit", data=form_of(
        lecture, name="专题党课", name_en="Thematic party lecture", default_invitees="party_group",
        quorum_rule="committee_majority", default_duration_minutes="45",
        minutes_template="## 主讲人\n\n## 心得\n"))
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).get_data(as_text=True).count("已保存") == 1
    saved = fresh(lecture.id)
    assert snapshot(saved) == ("专题党课", "Thematic party lecture", InviteeScope.PARTY_GROUP,
                               QuorumRule.COMMITTEE_MAJORITY, 45, "## 主讲人\n\n## 心得\n", True)
    assert saved.code == "party_lecture"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "meeting_type.update"))
    assert event.actor_id == person_id("admin") and event.object_id == lecture.id
    assert event.before["name"] == "党课" and event.after["name"] == "专题党课"
    assert event.before["default_duration_minutes"] == 90 and event.after["default_duration_minutes"] == 45
    assert event.after["default_invitees"] == "party_group"


def test_saving_without_changes_writes_no_audit_event(client, auth, types):
    auth.login("admin")
    other = types["other"]
    assert client.post(f"/meeting-types/{other.id}/edit", data=form_of(other)).status_code == 302
    assert type_edits() == 0


def test_deactivated_type_is_still_listed_as_stopped(client, auth, types):
    auth.login("admin")
    other = types["other"]
    client.post(f"/meeting-types/{other.id}/edit", data=form_of(other, is_active=None))
    assert fresh(other.id).is_active is False
    page = client.get("/meeting-types/").get_data(as_text=True)
    row = page[page.index(f"/meeting-types/{other.id}/edit"):]
    row = row[:row.index("</tr>")]
    assert "停用" in row and "其他" in row


@pytest.mark.parametrize("login", ["liaison", "secretary", "recorder", "member", "other_secretary",
                                   "b_member"])
def test_only_administrators_may_see_or_edit_types(client, auth, types, login):
    auth.login(login)
    lecture = types["party_lecture"]
    assert client.get("/meeting-types/").status_code == 403
    assert client.get(f"/meeting-types/{lecture.id}/edit").status_code == 403
    assert client.post(f"/meeting-types/{lecture.id}/edit",
                       data=form_of(lecture, name="改名")).status_code == 403
    assert fresh(lecture.id).name == "党课"


def test_an_administrator_below_the_root_may_not_edit_types(client, auth, world, types):
    officer = make_person(None, "孙管理", login="pc_admin")
    roster.assign_role(None, officer, world.pc_a, Role.ADMIN)
    db.session.commit()
    auth.login("pc_admin")
    assert client.get("/meeting-types/").status_code == 403
    assert client.get(f"/meeting-types/{types['other'].id}/edit").status_code == 403


@pytest.mark.parametrize("path", ["/meeting-types/", "/meeting-types/1/edit"])
def test_anonymous_visitors_are_sent_to_login(client, types, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_type_is_404(client, auth, types):
    auth.login("admin")
    assert client.get("/meeting-types/99999/edit").status_code == 404
    assert client.post("/meeting-types/99999/edit", data={"name": "x"}).status_code == 404


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "请填写会议类型名称"),
    ({"name": "   "}, "请填写会议类型名称"),
    ({"name": "长" * 10_000}, "名称不能超过 60 个字"),
    ({"name": "党小组会"}, "已有同名的会议类型"),
    ({"name_en": "x" * 81}, "英文名称不能超过 80 个字符"),
    ({"default_duration_minutes": "0"}, "默认时长应在 15 到 720 分钟之间"),
    ({"default_duration_minutes": "10000"}, "默认时长应在 15 到 720 分钟之间"),
    ({"default_duration_minutes": "-30"}, "默认时长应在 15 到 720 分钟之间"),
    ({"default_duration_minutes": "abc"}, "请用整数填写分钟数"),
    ({"default_duration_minutes": ""}, "请填写默认时长"),
    ({"default_invitees": "everyone"}, "不是有效的选择"),
    ({"quorum_rule": "two_thirds"}, "不是有效的选择"),
    ({"minutes_template": "#" * 20_001}, "模板不能超过 20000 个字符"),
    ({"name": "党课\x00"}, "包含不可见的控制字符"),
    ({"name_en": "Lecture\x1b[31m"}, "包含不可见的控制字符"),
    ({"minutes_template": "## 主讲人\x07\n"}, "包含不可见的控制字符"),
])
def test_bad_input_explains_and_changes_nothing(client, auth, types, changes, message):
    auth.login("admin")
    lecture = types["party_lecture"]
    before = snapshot(lecture)
    response = client.post(f"/meeting-types/{lecture.id}/edit", data=form_of(lecture, **changes))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "Not a valid" not in page
    assert snapshot(fresh(lecture.id)) == before
    assert type_edits() == 0


def test_duration_message_counts_once_when_unreadable(client, auth, types):
    auth.login("admin")
    lecture = types["party_lecture"]
    page = client.post(f"/meeting-types/{lecture.id}/edit", data=form_of(
        lecture, default_duration_minutes="1e3")).get_data(as_text=True)
    assert "请用整数填写分钟数" in page and "默认时长应在" not in page


def test_duplicate_names_are_compared_ignoring_case(client, auth, types):
    auth.login("admin")
    lecture = types["party_lecture"]
    client.post(f"/meeting-types/{types['other'].id}/edit", data=form_of(types["other"], name="Other"))
    page = client.post(f"/meeting-types/{lecture.id}/edit", data=form_of(lecture, name="OTHER"))
    assert "已有同名的会议类型" in page.get_data(as_text=True)


def test_keeping_its_own_name_is_not_a_duplicate(client, auth, types):
    auth.login("admin")
    lecture = types["party_lecture"]
    response = client.post(f"/meeting-types/{lecture.id}/edit", data=form_of(lecture, name=" 党课 "))
    assert response.status_code == 302 and fresh(lecture.id).name == "党课"


def test_html_in_a_name_is_shown_as_text(client, auth, types):
    auth.login("admin")
    lecture = types["party_lecture"]
    script = "<script>alert(1)</script>"
    rejected = client.post(f"/meeting-types/{lecture.id}/edit", data=form_of(
        lecture, name=script, default_duration_minutes="0")).get_data(as_text=True)
    assert script not in rejected and "&lt;script&gt;" in rejected
    assert fresh(lecture.id).name == "党课"

    client.post(f"/meeting-types/{lecture.id}/edit", data=form_of(lecture, name=script))
    listed = client.get("/meeting-types/").get_data(as_text=True)
    assert script not in listed and "&lt;script&gt;alert(1)&lt;/script&gt;" in listed


def test_navigation_offers_types_to_the_root_administrator_only(client, auth, types):
    auth.login("admin")
    assert 'href="/meeting-types/"' in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("liaison")
    assert "/meeting-types/" not in client.get("/").get_data(as_text=True)
