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
