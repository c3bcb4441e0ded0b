"""``flask backup`` / ``restore``: a round trip loses nothing; a file that is no backup changes nothing."""
import os
import sqlite3
import subprocess

import pytest
import sqlalchemy as sa
from flask_migrate import stamp

from meetings.extensions import db
from meetings.models import Organization
from meetings.services import audit
from meetings.services import backup as service
from tests.builders import make_person
from tests.meeting_builders import held_meeting_with_final_minutes

NOT_A_BACKUP = "Not an OrgLife backup"
WRONG_KIND = "cannot be restored into"


@pytest.fixture
def stamped(ctx):
    """Real databases are migrated and carry alembic_version; the test schema (create_all) gets one
    here, and loses it afterwards so the other tests find the schema as they left it."""
    stamp()
    yield ctx
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def filled(stamped, world):
    """Organizations, people, roles, a held meeting with final minutes, audit events, mail queued;
    returns the ids the tests change things by (the objects go stale once the session is removed)."""
    meeting = held_meeting_with_final_minutes(world)
    audit.record(world["admin"], "note", meeting, organization_id=world.a1.id, after={"说明": "备份测试"})
    db.session.commit()
    return {"meeting": meeting.id, "branch": world.a2.id}


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, all columns, in primary-key order."""
    db.session.remove()
    with db.engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(
                    sa.select(t).order_by(*(t.primary_key.columns or t.columns)))]
                for t in db.metadata.sorted_tables}


def change_everything(ids: dict) -> None:
    """Rows added, changed and removed across several tables."""
    person, invitation = db.metadata.tables["person"], db.metadata.tables["invitation"]
    branch = db.session.get(Organization, ids["branch"])
    make_person(branch, "新党员", login="newcomer")
    audit.record(None, "note", branch, after={"after": "the backup"})
    db.session.execute(sa.update(person).values(name="改名").where(person.c.login == "member"))
    db.session.execute(sa.delete(db.metadata.tables["outbox_message"]))
    db.session.execute(sa.delete(invitation).where(invitation.c.meeting_id == ids["meeting"]))
    db.session.commit()


def test_round_trip_brings_back_every_row(app, filled, tmp_path):
    before = snapshot()
    for table in ("person", "meeting", "invitation", "minutes_revision", "audit_event", "outbox_message"):
        assert before[table], f"the test data has no {table} rows"
    path = tmp_path / "orglife.backup"
    result = cli(app, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert str(path) in result.output.splitlines()[-1]
    assert list(tmp_path.iterdir()) == [path]  # no temp file left beside it

    change_everything(filled)
    assert snapshot() != before
    result = cli(app, "restore", "--yes", str(path))
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output.splitlines()[-1]

    after = snapshot()
    for table in before:
        assert after[table] == before[table], table


def test_restore_without_yes_only_says_what_it_would_do(app, filled, tmp_path):
    path = tmp_path / "orglife.backup"
    assert cli(app, "backup", str(path)).exit_code == 0
    before = snapshot()
    db.session.execute(sa.delete(db.metadata.tables["outbox_message"]))
    db.session.commit()
    result = cli(app, "restore", str(path))
    assert result.exit_code != 0
    assert "--yes" in result.output
    assert snapshot() != before


def sqlite_without_marker(path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()


# (what the file is, how to write it, the kind its first bytes claim)
GARBAGE = [
    ("random bytes", lambda p: p.write_bytes(os.urandom(8192)), None),
    ("empty file", lambda p: p.write_bytes(b""), None),
    ("sqlite without alembic_version", sqlite_without_marker, service.SQLITE),
    ("damaged sqlite", lambda p: p.write_bytes(service.MAGIC[service.SQLITE] + os.urandom(8192)),
     service.SQLITE),
    ("damaged pg_dump", lambda p: p.write_bytes(service.MAGIC[service.POSTGRESQL] + os.urandom(8192)),
     service.POSTGRESQL),
]


@pytest.mark.parametrize(("case", "write", "claims"), GARBAGE, ids=[g[0] for g in GARBAGE])
def test_restoring_garbage_is_refused_and_changes_nothing(app, filled, tmp_path, case, write, claims):
    path = tmp_path / "garbage"
    write(path)
    before = snapshot()
    result = cli(app, "restore", "--yes", str(path))
    assert result.exit_code != 0
    # A file of the other kind is refused for its kind before anything looks inside.
    wrong_kind = claims is not None and claims != db.engine.dialect.name
    assert (WRONG_KIND if wrong_kind else NOT_A_BACKUP) in result.output
    assert snapshot() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["garbage"]


def test_pg_dump_of_another_database_is_refused(app, filled, tmp_path):
    """A real pg_dump archive without OrgLife's alembic_version table is not ours to restore."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip(reason="needs PostgreSQL (TEST_DATABASE_URL)")
    path = tmp_path / "person-only.dump"
    subprocess.run(["pg_dump", "--format=custom", "--table=person", f"--file={path}"],
                   env=service._pg_env(db.engine.url), check=True)
    before = snapshot()
    result = cli(app, "restore", "--yes", str(path))
    assert result.exit_code != 0
    assert NOT_A_BACKUP in result.output
    assert snapshot() == before


def test_backup_keeps_an_existing_file_unless_forced(app, filled, tmp_path):
    path = tmp_path / "orglife.backup"
    path.write_text("keep me")
    result = cli(app, "backup", str(path))
    assert result.exit_code != 0
    assert "--force" in result.output
    assert path.read_text() == "keep me"
    result = cli(app, "backup", "--force", str(path))
    assert result.exit_code == 0, result.output
    assert service.file_kind(path) == db.engine.dialect.name


def truncated(path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def scribbled(path) -> None:
    """A block overwritten, as a bad disk or an interrupted copy leaves it: in SQLite, over the
    header of a table's page (SQLite keeps no checksums, so bytes changed inside a stored
    value cannot be told from data); in a pg_dump archive, inside its compressed data."""
    data = bytearray(path.read_bytes())
    if service.file_kind(path) == service.SQLITE:
        page_size = int.from_bytes(data[16:18], "big")
        start = page_size  # page 2: the root page of a table
    else:
        start = len(data) // 2
    data[start:start + 512] = b"\xff" * 512
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [truncated, scribbled], ids=["truncated", "scribbled"])
def test_a_damaged_real_backup_is_refused_in_plain_words(app, filled, tmp_path, damage):
    """A real backup of this database, then damaged: refused before anything is replaced, with
    one line that says so; the tool's own words only with --verbose."""
    path = tmp_path / "orglife.backup"
    assert cli(app, "backup", str(path)).exit_code == 0
    damage(path)
    before = snapshot()
    result = cli(app, "restore", "--yes", str(path))
    assert result.exit_code != 0
    assert "数据库未改动" in result.output and "the database was not changed" in result.output
    assert "pg_restore:" not in result.output and "--verbose" in result.output
    assert snapshot() == before
    verbose = cli(app, "restore", "--yes", "--verbose", str(path))
    assert verbose.exit_code != 0 and set(verbose.output.splitlines()) - set(result.output.splitlines())
    assert snapshot() == before


@pytest.mark.parametrize("script, said", [("kill -SEGV $$", "signal 11"), ("exit 3", "status 3")])
def test_a_tool_that_dies_without_a_word_still_leaves_a_detail(script, said):
    """pg_restore dies on SIGSEGV, printing nothing, for some damaged tables of contents (seen
    in CI): the refusal still points at --verbose, and --verbose says how the tool ended."""
    with pytest.raises(service.BackupError) as refused:
        service._pg_run("sh", ["-c", script], sa.make_url("postgresql://nobody@127.0.0.1/none"),
                        failed=service.NOT_A_BACKUP)
    assert str(refused.value) == service.NOT_A_BACKUP
    assert said in refused.value.detail and "printed nothing" in refused.value.detail
