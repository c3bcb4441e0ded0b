"""审计日志: administrators read the trail of their scope, filtered and paged; the database keeps it
append-only."""
import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from meetings import create_app
from meetings.domain.terms import Role
from meetings.extensions import db
from meetings.models import AuditEvent
from meetings.services import audit, roster
from meetings.services.audit_query import Cursor
from tests.builders import RELAXED_LIMITS, make_person
from tests.sql_counter import statements_of
from tests.web.test_migrations import empty_database  # noqa: F401 (a fixture)

BASE = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)  # 10:00 Beijing
MARK = re.compile(r"标记(\d{3})")


def record_at(at, actor, action, obj, org, mark: int):
    """An audit event written through the service, at a chosen time, showing 标记NNN."""
    event = audit.record(actor, action, obj, organization_id=org.id if org else None,
                         after={"name": f"标记{mark:03d}"})
    event.created_at = at
    return event


def marks(response) -> list[int]:
    assert response.status_code == 200
    return [int(m) for m in MARK.findall(response.get_data(as_text=True))]


def link(response, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', response.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else None


@pytest.fixture
def trail(world):
    """Four events: in branch a1 (by the secretary), in b1 (by the admin), in 党委A, and one
    recorded against no unit (a password set) — on four different days."""
    w = world
    record_at(BASE, w["secretary"], "meeting.update", w.a1, w.a1, 1)
    record_at(BASE + timedelta(days=1), w["admin"], "person.update", w["b_member"], w.b1, 2)
    record_at(BASE + timedelta(days=2), w["admin"], "org.rename", w.pc_a, w.pc_a, 3)
    record_at(BASE + timedelta(days=3), w["admin"], "password.set", w["member"], None, 4)
    pc_admin = make_person(None, "吴管理", login="pc_admin")
    roster.assign_role(None, pc_admin, w.pc_a, Role.ADMIN)
    db.session.commit()
    return w


# ---- who may look --------------------------------------------------------------------------


def test_root_admin_sees_every_event_and_those_of_no_unit(client, auth, trail):
    auth.login("admin")
    assert marks(client.get("/audit")) == [4, 3, 2, 1]


def test_sub_unit_admin_sees_only_their_subtree(client, auth, trail):
    auth.login("pc_admin")
    assert marks(client.get("/audit")) == [3, 1]


def test_sub_unit_admin_cannot_reach_another_unit_by_its_id(client, auth, trail):
    auth.login("pc_admin")
    response = client.get(f"/audit?org={trail.b1.id}")
    assert "不在您的管理范围内" in response.get_data(as_text=True)
    assert marks(response) == [3, 1]


@pytest.mark.parametrize("login", ["liaison", "secretary", "recorder", "member", "other_secretary"])
def test_other_roles_are_refused(client, auth, trail, login):
    auth.login(login)
    assert client.get("/audit").status_code == 403


def test_anonymous_is_sent_to_login(client, trail):
    response = client.get("/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(("login", "shown"), [("admin", True), ("pc_admin", True), ("liaison", False),
                                              ("secretary", False), ("member", False)])
def test_nav_link_only_for_administrators(client, auth, trail, login, shown):
    auth.login(login)
    assert ('href="/audit"' in client.get("/").get_data(as_text=True)) is shown


def test_a_row_names_actor_action_object_and_unit(client, auth, trail):
    auth.login("admin")
    page = client.get("/audit").get_data(as_text=True)
    assert "张书记" in page and "修改会议" in page and "办公室党支部" in page
    assert f'href="/people/{trail["b_member"].id}"' in page  # a person's page
    assert f'href="/orgs/{trail.pc_a.id}"' in page  # an organization's page
    assert "2026年5月10日" in page and "10:00" in page  # Beijing time


# ---- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("who=secretary", [1]),  # a login
    ("who=王", [4, 3, 2]),  # part of a name
    ("who=%25", []),  # LIKE's wildcard is a plain character
    ("action=org.rename", [3]),
    ("object_type=person", [4, 2]),
    ("object_type=organization&object_id={pc_a}", [3]),
    ("from=2026-05-11", [4, 3, 2]),
    ("to=2026-05-11", [2, 1]),  # the whole Beijing day of the 11th
    ("from=2026-05-11&to=2026-05-12", [3, 2]),
    ("org={pc_a}", [3, 1]),  # the unit and everything under it
    ("org={b1}", [2]),
    ("org={pc_a}&action=meeting.update&who=张", [1]),
])
def test_filters(client, auth, trail, query, expected):
    auth.login("admin")
    url = "/audit?" + query.format(pc_a=trail.pc_a.id, b1=trail.b1.id)
    assert marks(client.get(url)) == expected


def test_dates_are_beijing_days(client, auth, world):
    record_at(datetime(2026, 5, 10, 15, 59, tzinfo=UTC), world["admin"], "org.rename", world.a1, world.a1, 1)
    record_at(datetime(2026, 5, 10, 16, 0, tzinfo=UTC), world["admin"], "org.rename", world.a1, world.a1, 2)
    db.session.commit()
    auth.login("admin")
    assert marks(client.get("/audit?from=2026-05-10&to=2026-05-10")) == [1]  # 23:59 Beijing
    assert marks(client.get("/audit?from=2026-05-11&to=2026-05-11")) == [2]  # 00:00 next day


@pytest.mark.parametrize(("query", "message"), [
    ("from=2026-02-30", "“起始日期”无法识别"),
    ("to=yesterday", "“截止日期”无法识别"),
    ("from=1900-01-01", "须在 2000 年至 2099 年之间"),
    ("from=9999-12-31", "须在 2000 年至 2099 年之间"),
    ("from=2026-05-12&to=2026-05-10", "起始日期晚于截止日期"),
    ("object_id=abc", "“对象编号”须为正整数"),
    ("object_id=99999999999999999999", "“对象编号”须为正整数"),
    ("object_id=-1", "“对象编号”须为正整数"),
    ("object_id=7", "须同时选择对象类型"),
    ("object_type=superuser", "没有这种对象类型"),
    ("action=superuser", "没有这种操作"),
    ("org=abc", "不在您的管理范围内"),
    ("org=999999", "不在您的管理范围内"),
    ("org=1.5", "不在您的管理范围内"),
    ("who=a%01b", "“人员”须为用户名或姓名"),  # (a NUL is stopped before any view: test_security)
    ("who=" + "党" * 100, "“人员”须为用户名或姓名"),
    ("before=garbage", "翻页参数无法识别"),
    ("after=20261301T000000000000-1", "翻页参数无法识别"),
    ("before=20260101T000000000000-99999999999", "翻页参数无法识别"),
])
def test_bad_filter_gets_a_message_and_the_list(client, auth, trail, query, message):
    auth.login("admin")
    response = client.get("/audit?" + query)
    assert message in response.get_data(as_text=True)
    assert marks(response) == [4, 3, 2, 1]


def test_a_bad_filter_leaves_the_good_ones_applied(client, auth, trail):
    auth.login("admin")
    response = client.get("/audit?action=org.rename&from=2026-02-30")
    assert "无法识别" in response.get_data(as_text=True)
    assert marks(response) == [3]


# ---- pages ---------------------------------------------------------------------------------


def many_events(world, count: int, first: int = 0):
    """``count`` 提醒 events in a1, three to a minute (so the cursor's id breaks ties)."""
    for n in range(first, first + count):
        record_at(BASE + timedelta(minutes=n // 3), world["secretary"], "meeting.nudge", world.a1,
                  world.a1, n)
    db.session.commit()


def test_pages_walk_older_and_back_newer_without_gaps_or_repeats(client, auth, world):
    many_events(world, 120)
    auth.login("admin")
    pages, response = [], client.get("/audit?action=meeting.nudge")
    while True:
        pages.append(marks(response))
        if not (url := link(response, "next")):
            break
        assert "action=meeting.nudge" in url  # the filters travel with the page
        response = client.get(url)
    assert [len(p) for p in pages] == [50, 50, 20]
    assert sum(pages, []) == list(range(119, -1, -1))
    back = []
    while url := link(response, "prev"):
        response = client.get(url)
        back.append(marks(response))
    assert back == pages[-2::-1]
    assert link(response, "prev") is None  # back at the newest


def _cursor_of(mark: int) -> str:
    """The cursor token of the event showing 标记NNN."""
    event = next(e for e in db.session.scalars(sa.select(AuditEvent))
                 if (e.after or {}).get("name") == f"标记{mark:03d}")
    return Cursor.of(event).token


def test_first_page_has_no_newer_link_and_last_no_older(client, auth, world):
    many_events(world, 30)
    auth.login("admin")
    response = client.get("/audit?action=meeting.nudge")
    assert marks(response) == list(range(29, -1, -1))
    assert link(response, "next") is None and link(response, "prev") is None


def test_a_page_costs_the_same_statements_for_10_and_120_events(client, auth, world):
    many_events(world, 10)
    auth.login("admin")
    statements_of(client, "/audit")  # warm: the first request loads more
    few = statements_of(client, "/audit")
    few_filtered = statements_of(client, f"/audit?who=张&org={world.a1.id}&from=2026-05-01")
    many_events(world, 110, first=10)
    many = statements_of(client, "/audit")
    many_filtered = statements_of(client, f"/audit?who=张&org={world.a1.id}&from=2026-05-01")
    older = statements_of(client, "/audit?before=" + _cursor_of(60))
    assert few == many == older <= 20
    assert few_filtered == many_filtered <= 20


# ---- append-only in the database -----------------------------------------------------------


@pytest.fixture
def stored_event(world):
    event = record_at(BASE, world["admin"], "org.rename", world.a1, world.a1, 1)
    db.session.commit()
    return event.id


def _row(event_id):
    with db.engine.connect() as conn:
        return conn.execute(sa.select(AuditEvent.__table__).where(AuditEvent.id == event_id)).one()


def test_an_audit_row_cannot_be_updated(ctx, stored_event):
    kept = _row(stored_event)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(sa.update(AuditEvent.__table__).where(AuditEvent.id == stored_event)
                     .values(action="org.create", after={"name": "改写"}))
    assert _row(stored_event) == kept


def test_an_audit_row_cannot_be_deleted(ctx, stored_event):
    kept = _row(stored_event)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(sa.delete(AuditEvent.__table__).where(AuditEvent.id == stored_event))
    assert _row(stored_event) == kept


def test_the_orm_cannot_edit_an_event_either(ctx, stored_event):
    event = db.session.get(AuditEvent, stored_event)
    event.action = "org.create"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, stored_event).action == "org.rename"


def test_migration_0005_installs_the_triggers_and_downgrade_removes_them(empty_database):  # noqa: F811
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database, "SECRET_KEY": "x", **RELAXED_LIMITS})
    insert = sa.text("INSERT INTO audit_event (action, object_type, created_at) "
                     "VALUES ('org.rename', 'organization', CURRENT_TIMESTAMP)")
    change = sa.text("UPDATE audit_event SET action = 'org.create'")
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(insert)
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(change)
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM audit_event"))
        downgrade(revision="0004")
        with db.engine.begin() as conn:
            conn.execute(change)
            conn.execute(sa.text("DELETE FROM audit_event"))
        downgrade(revision="base")
        db.engine.dispose()
