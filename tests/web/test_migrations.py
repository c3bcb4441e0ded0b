"""The Alembic migrations build exactly the schema the models describe, on this test's database."""
import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from meetings import create_app
from meetings.extensions import db
from tests.builders import RELAXED_LIMITS


@pytest.fixture
def empty_database(tmp_path):
    """A database with no tables: a file for SQLite, a fresh schema on PostgreSQL."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield "sqlite:///" + str(tmp_path / "migrate.db")
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS migrate_check CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA migrate_check"))
    yield url + ("&" if "?" in url else "?") + "options=-csearch_path%3Dmigrate_check"
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS migrate_check CASCADE"))
    engine.dispose()


def test_upgrade_matches_models_and_downgrades_cleanly(empty_database):
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database, "SECRET_KEY": "x",
                      **RELAXED_LIMITS})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
            tables = set(sa.inspect(conn).get_table_names())
        assert {"organization", "person", "meeting", "minutes_revision", "outbox_message"} <= tables
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_stored_line_separators_become_newlines_and_spaces(empty_database):
    """0008: U+2028/U+2029 stored before the forms normalised them (issue 15, client quirks)."""
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database, "SECRET_KEY": "x",
                      **RELAXED_LIMITS})
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO organization (id, name, kind, path, depth, sort_order, is_active, created_at, "
                "updated_at) VALUES (1, :name, 'branch', '/1/', 0, 0, true, '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00')"), {"name": "第一\u2028支部"})
            conn.execute(sa.text(
                "INSERT INTO meeting (id, organization_id, title, agenda, starts_at, ends_at, place, status, "
                "attributed_year, is_late_record, ical_sequence, version, created_at, updated_at) VALUES "
                "(1, 1, '主题党日', :agenda, '2026-11-05 07:00:00', '2026-11-05 09:00:00', :place, "
                "'scheduled', 2026, false, 0, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
                {"agenda": "1. 学习\u20292. 讨论", "place": "三楼\u2028DTSTART:20300101T000000Z"})
        upgrade(revision="0008")
        with db.engine.connect() as conn:
            title, agenda, place, updated = conn.execute(sa.text(
                "SELECT title, agenda, place, updated_at FROM meeting")).one()
            name = conn.execute(sa.text("SELECT name FROM organization")).scalar()
        assert (agenda, place, name) == ("1. 学习\n2. 讨论", "三楼 DTSTART:20300101T000000Z", "第一 支部")
        assert str(updated)[:19] != "2026-01-01 00:00:00"  # LAST-MODIFIED moves
        db.engine.dispose()


def _rows(conn, sql: str) -> list:
    return [tuple(r) for r in conn.execute(sa.text(sql))]


def test_history_is_back_filled_from_the_rows_there_are(empty_database):
    """0011: a dissolved unit gets its date, an accepted transfer splits a person's membership,
    someone transferred out was active until their row last changed, seats keep their 任职日期,
    and each meeting's versions follow its time stamps."""
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database, "SECRET_KEY": "x",
                      **RELAXED_LIMITS})
    stamp = "'2026-01-01 00:00:00'"
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as conn:
            units = ((1, "true", "NULL"), (2, "true", "NULL"), (3, "false", "'2026-05-10 17:00:00'"))
            for org_id, active, deactivated in units:
                conn.execute(sa.text(
                    "INSERT INTO organization (id, name, kind, path, depth, sort_order, is_active, "
                    f"deactivated_at, created_at, updated_at) VALUES ({org_id}, 'u{org_id}', 'branch', "
                    f"'/{org_id}/', 0, 0, {active}, {deactivated}, {stamp}, {stamp})"))
            left = "'2026-08-03 02:00:00'"
            people = ((1, 2, "active", stamp), (2, 1, "transferred_out", left))
            for person_id, branch, status, updated in people:
                conn.execute(sa.text(
                    "INSERT INTO person (id, name, category, status, branch_id, can_sign_in, created_at, "
                    f"updated_at) VALUES ({person_id}, 'p{person_id}', 'full', '{status}', {branch}, true, "
                    f"{stamp}, {updated})"))
            conn.execute(sa.text(
                "INSERT INTO transfer (id, person_id, from_branch_id, to_branch_id, status, requested_at, "
                "decided_at) VALUES (1, 1, 1, 2, 'accepted', '2026-06-14 01:00:00', '2026-06-14 17:30:00')"))
            conn.execute(sa.text("INSERT INTO committee_seat (id, branch_id, person_id, title, since) "
                                 "VALUES (1, 2, 1, 'secretary', '2026-07-01')"))
            conn.execute(sa.text(
                "INSERT INTO meeting (id, organization_id, title, agenda, starts_at, ends_at, place, status, "
                "attributed_year, is_late_record, ical_sequence, version, attendance_recorded_at, "
                "quorum_met, created_at, updated_at) VALUES (1, 1, '主题党日', '', '2026-03-05 07:00:00', "
                "'2026-03-05 09:00:00', '', 'held', 2026, false, 0, 1, '2026-03-05 10:00:00', NULL, "
                "'2026-03-01 00:00:00', '2026-03-05 10:00:00')"))
            conn.execute(sa.text("INSERT INTO meeting_meeting_type (meeting_id, meeting_type_id) "
                                 "SELECT 1, id FROM meeting_type WHERE code = 'theme_day'"))
        upgrade(revision="0011")
        with db.engine.connect() as conn:
            dissolved = _rows(conn, "SELECT id, dissolved_on FROM organization ORDER BY id")
            spans = _rows(conn, "SELECT person_id, branch_id, status, valid_from, valid_to "
                                "FROM membership_span ORDER BY person_id, id")
            seats = _rows(conn, "SELECT branch_id, person_id, valid_from FROM committee_span")
            versions = _rows(conn, "SELECT version, status, attendance_recorded FROM meeting_fact_version")
        db.engine.dispose()
    day = [str(d)[:10] if d is not None else None for row in dissolved for d in row[1:]]
    assert day == [None, None, "2026-05-11"]  # 17:00 UTC is the next day in Beijing
    as_text = [(p, b, s, str(f)[:10] if f else None, str(t)[:10] if t else None)
               for p, b, s, f, t in spans]
    assert as_text == [(1, 1, "active", None, "2026-06-15"), (1, 2, "active", "2026-06-15", None),
                       (2, 1, "active", None, "2026-08-03"), (2, 1, "transferred_out", "2026-08-03", None)]
    assert [(b, p, str(f)[:10]) for b, p, f in seats] == [(2, 1, "2026-07-01")]
    assert [(v, s, bool(a)) for v, s, a in versions] == [(1, "scheduled", False), (2, "held", True)]


def test_unit_versions_are_back_filled_with_the_names_the_audit_trail_kept(empty_database):
    """0012: each unit's current name and place, and its earlier names from the renames."""
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database, "SECRET_KEY": "x",
                      **RELAXED_LIMITS})
    stamp = "'2026-01-01 00:00:00'"
    with app.app_context():
        upgrade(revision="0011")
        with db.engine.begin() as conn:
            for org_id, parent, name in ((1, "NULL", "工委"), (2, "1", "丙支部")):
                path = "/1/" if org_id == 1 else "/1/2/"
                conn.execute(sa.text(
                    "INSERT INTO organization (id, parent_id, name, kind, path, depth, sort_order, "
                    f"is_active, created_at, updated_at) VALUES ({org_id}, {parent}, '{name}', 'branch', "
                    f"'{path}', 0, 0, true, {stamp}, {stamp})"))
            for n, (before, after) in enumerate((("甲支部", "乙支部"), ("乙支部", "丙支部")), start=1):
                conn.execute(sa.text(
                    "INSERT INTO audit_event (action, object_type, object_id, organization_id, before, "
                    "after, created_at) VALUES ('org.rename', 'organization', 2, 2, :before, :after, :at)"),
                    {"before": f'{{"name": "{before}"}}', "after": f'{{"name": "{after}"}}',
                     "at": f"2026-0{n + 2}-01 00:00:00"})
        upgrade(revision="0012")
        with db.engine.connect() as conn:
            versions = _rows(conn, "SELECT organization_id, name, parent_id, path, recorded_at, closed_at "
                                   "FROM unit_version ORDER BY organization_id, id")
        db.engine.dispose()
    day = [(o, n, p, path, str(r)[:10] if r else None, str(c)[:10] if c else None)
           for o, n, p, path, r, c in versions]
    assert day == [(1, "工委", None, "/1/", None, None),
                   (2, "甲支部", 1, "/1/2/", None, "2026-03-01"),
                   (2, "乙支部", 1, "/1/2/", "2026-03-01", "2026-04-01"),
                   (2, "丙支部", 1, "/1/2/", "2026-04-01", None)]
