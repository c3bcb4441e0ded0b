"""考核要求: the list for officers, a new version by the root administrator, refusals that write nothing."""
from datetime import date

import pytest
import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import AuditEvent, Requirement
from meetings.services import requirements
from tests.compliance_builders import install_rules


@pytest.fixture
def rules(world):
    install_rules()
    db.session.commit()
    theme_day = next(r for r in requirements.all_versions() if r.meeting_type.code == "theme_day")
    return theme_day.id


@pytest.mark.parametrize(("login", "status"), [("admin", 200), ("liaison", 200), ("secretary", 200),
                                               ("member", 403), ("recorder", 403)])
def test_the_list_is_for_those_who_see_compliance(client, auth, rules, login, status):
    auth.login(login)
    response = client.get("/requirements")
    assert response.status_code == status
    if status == 200:
        html = response.get_data(as_text=True)
        assert "主题党日" in html and "第十六条" in html
        assert (f"/requirements/{rules}/change" in html) is (login == "admin")


@pytest.mark.parametrize("login", ["liaison", "secretary", "member"])
def test_only_the_root_administrator_changes_a_requirement(client, auth, rules, login):
    auth.login(login)
    assert client.get(f"/requirements/{rules}/change").status_code == 403
    assert client.post(f"/requirements/{rules}/change", data={"min_count": 2}).status_code == 403


def test_a_change_is_a_new_version_from_its_date(client, auth, rules):
    auth.login("admin")
    response = client.post(f"/requirements/{rules}/change", data={
        "min_count": "2", "needs_attendance": "y", "needs_final_minutes": "y",
        "effective_from": "2026-09-01"})
    assert response.status_code == 302
    versions = [r for r in requirements.all_versions() if r.meeting_type.code == "theme_day"]
    assert [(v.min_count, v.effective_from, v.effective_to) for v in versions] == [
        (1, date(2018, 1, 1), date(2026, 8, 31)), (2, date(2026, 9, 1), None)]
    assert versions[1].replaces_id == rules
    audited = sa.select(AuditEvent).where(AuditEvent.action == "requirement.change")
    assert db.session.scalar(audited) is not None
    assert "2026年9月1日" in client.get("/requirements").get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    ({"min_count": "0", "effective_from": "2026-09-01"}, "次数须在 1 到 31 之间"),
    ({"min_count": "abc", "effective_from": "2026-09-01"}, "次数"),
    ({"min_count": "2", "effective_from": ""}, "请选择生效日期"),
    ({"min_count": "2", "effective_from": "2026-13-45"}, "生效日期"),
    ({"min_count": "2", "effective_from": "2017-01-01"}, "须晚于现行规定的生效日期"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_written(client, auth, rules, data, message):
    auth.login("admin")
    before = db.session.scalar(sa.select(sa.func.count(Requirement.id)))
    response = client.post(f"/requirements/{rules}/change", data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Requirement.id))) == before


def test_an_ended_version_cannot_be_changed_again(client, auth, rules):
    auth.login("admin")
    client.post(f"/requirements/{rules}/change", data={"min_count": "2", "effective_from": "2026-09-01"})
    response = client.post(f"/requirements/{rules}/change",
                           data={"min_count": "3", "effective_from": "2026-10-01"})
    assert "请修改最新的一版" in response.get_data(as_text=True)
