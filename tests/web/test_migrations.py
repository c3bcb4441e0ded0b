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
