"""Backup and restore of the whole database: SQLite's online backup API, pg_dump / pg_restore.

No Flask here: the caller passes the engine. A backup file says what it is by its first bytes
(``SQLite format 3`` or pg_dump's ``PGDMP``), so a restore never crosses database kinds.
"""
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

SQLITE, POSTGRESQL = "sqlite", "postgresql"
MAGIC = {SQLITE: b"SQLite format 3\x00", POSTGRESQL: b"PGDMP"}
NOT_A_BACKUP = ("不是 OrgLife 备份文件，或文件已损坏，数据库未改动 "
                "Not an OrgLife backup, or a damaged one; the database was not changed")
DAMAGED = ("备份文件已损坏或不完整，数据库未改动 The backup file is damaged or incomplete; "
           "the database was not changed: {path}")
RESTORE_FAILED = ("恢复失败，已全部撤销，数据库未改动 "
                  "The restore failed and was undone; the database was not changed")
# Every migrated OrgLife database has this table; one made by hand or by another app does not.
MARKER_TABLE = "alembic_version"
PG_PARAMS = {"host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
             "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT"}


class BackupError(Exception):
    """The backup or restore did not happen; the message is for the operator (Chinese, English).

    ``detail`` keeps what a tool said (pg_restore's own words, SQLite's error) for whoever
    digs further; the message alone says what happened and what was (not) changed.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True)
class Outcome:
    path: Path
    size: int
    kind: str


def database_kind(engine: sa.Engine) -> str:
    name = engine.dialect.name
    if name not in MAGIC:
        raise BackupError(f"不支持的数据库 Unsupported database: {name}")
    return name


def file_kind(path: Path) -> str | None:
    """``sqlite`` or ``postgresql`` by the file's first bytes; None for anything else."""
    with open(path, "rb") as f:
        head = f.read(16)
    return next((kind for kind, magic in MAGIC.items() if head.startswith(magic)), None)


def backup(engine: sa.Engine, path: Path, *, force: bool = False) -> Outcome:
    """Write a consistent copy of the database to ``path`` while the site keeps running."""
    kind = database_kind(engine)
    path = Path(path)
    if path.exists() and not force:
        raise BackupError(f"文件已存在，加 --force 覆盖 File exists (use --force to overwrite): {path}")
    if not path.parent.is_dir():
        raise BackupError(f"目录不存在 No such directory: {path.parent}")
    writer = _sqlite_backup if kind == SQLITE else _pg_dump
    _write_atomically(path, lambda tmp: writer(engine.url, tmp))
    return Outcome(path, path.stat().st_size, kind)


def restore(engine: sa.Engine, path: Path) -> Outcome:
    """Replace every row of the database with the backup's; on any refusal nothing is touched."""
    kind = database_kind(engine)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件 No such backup file: {path}")
    found = file_kind(path)
    if found is None:
        raise BackupError(f"{NOT_A_BACKUP}: {path}")
    if found != kind:
        raise BackupError(f"这是 {found} 备份，不能恢复到 {kind} 数据库 "
                          f"A {found} backup cannot be restored into a {kind} database")
    (_sqlite_restore if kind == SQLITE else _pg_restore)(engine, path)
    return Outcome(path, path.stat().st_size, kind)


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write into a temp file beside ``path``, then rename: a crash never leaves half a file there."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- SQLite ---------------------------------------------------------------------------------

def _sqlite_file(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("内存数据库无法备份 An in-memory database has no file to back up")
    return Path(url.database)


def _sqlite_copy(source: Path, dest: Path) -> None:
    """SQLite's online backup API: a consistent snapshot even while others write."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()


def _sqlite_backup(url: sa.URL, tmp: Path) -> None:
    source = _sqlite_file(url)
    if not source.is_file():
        raise BackupError(f"数据库文件不存在 No database file: {source}")
    _sqlite_copy(source, tmp)


def _sqlite_restore(engine: sa.Engine, path: Path) -> None:
    """Copy and check the backup beside the database, then swap it in with one rename."""
    target = _sqlite_file(engine.url)
    for suffix in ("-journal", "-wal"):
        if Path(f"{target}{suffix}").exists():
            raise BackupError(f"数据库正被其他进程写入，请先停止网站 The database is being written by "
                              f"another process (found {target.name}{suffix}); stop the site first")

    def install(tmp: Path) -> None:
        try:
            _sqlite_copy(path, tmp)
            _check_sqlite_backup(tmp, shown_as=path)
            if target.exists():
                shutil.copymode(target, tmp)  # mkstemp's 0600 would lock out a site run as another user
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{NOT_A_BACKUP}: {path}", detail=str(exc)) from exc
        # Pooled connections still point at the old file; close them before it is replaced.
        engine.dispose()

    _write_atomically(target, install)


def _check_sqlite_backup(candidate: Path, shown_as: Path) -> None:
    con = sqlite3.connect(f"{candidate.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(DAMAGED.format(path=shown_as))
        has_marker = con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                                 (MARKER_TABLE,)).fetchone()[0]
        if not has_marker or not con.execute(f"SELECT count(*) FROM {MARKER_TABLE}").fetchone()[0]:
            raise BackupError(f"不是 OrgLife 备份文件（没有 {MARKER_TABLE} 表） "
                              f"Not an OrgLife backup (no {MARKER_TABLE} table)")
    finally:
        con.close()


# --- PostgreSQL -----------------------------------------------------------------------------

def _pg_env(url: sa.URL) -> dict[str, str]:
    """libpq environment for the URL: the password travels in PGPASSWORD, never on the command line."""
    env = dict(os.environ)
    values = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
              "PGPASSWORD": url.password, "PGDATABASE": url.database}
    values.update({PG_PARAMS[k]: v for k, v in url.query.items() if k in PG_PARAMS})
    env.update({k: str(v) for k, v in values.items() if v is not None})
    return env


def _pg_run(tool: str, args: list[str], url: sa.URL, failed: str | None = None) -> str:
    """Run a PostgreSQL client tool; when it fails, ``failed`` (or a generic line) is the
    message and the tool's own error text the detail."""
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(f"找不到 {tool}，请安装 postgresql-client {tool} not found: "
                          "install the PostgreSQL client tools")
    # errors="replace": a damaged archive puts its own bytes into the error text.
    done = subprocess.run([exe, *args], env=_pg_env(url), capture_output=True, text=True, errors="replace",
                          check=False)
    if done.returncode != 0:
        raise BackupError(failed or f"{tool} 失败 {tool} failed (exit {done.returncode})",
                          detail=done.stderr.strip() or _silent_failure(tool, done.returncode))
    return done.stdout


def _silent_failure(tool: str, returncode: int) -> str:
    """The detail when a tool said nothing: a damaged archive can make pg_restore die on a
    signal (negative return code) before it writes a word."""
    if returncode < 0:
        return f"{tool} was killed by signal {-returncode} and printed nothing"
    return f"{tool} exited with status {returncode} and printed nothing"


def _pg_dump(url: sa.URL, tmp: Path) -> None:
    _pg_run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={tmp}"], url)


def _pg_restore(engine: sa.Engine, path: Path) -> None:
    """Check the archive lists an OrgLife schema and reads to its end, then restore it in one
    transaction."""
    listing = _pg_run("pg_restore", ["--list", str(path)], engine.url, failed=f"{NOT_A_BACKUP}: {path}")
    if not re.search(rf"\bTABLE \S+ {MARKER_TABLE}\b", listing):
        raise BackupError(f"不是 OrgLife 备份文件（没有 {MARKER_TABLE} 表） "
                          f"Not an OrgLife backup (no {MARKER_TABLE} table)")
    # The table of contents sits at the front; a truncated or damaged archive shows only when
    # its data is read. Read all of it into nothing first, so such a file is refused untouched.
    _pg_run("pg_restore", ["--file=/dev/null", str(path)], engine.url, failed=DAMAGED.format(path=path))
    # DROP TABLE waits for every open transaction on the table (the archive itself sets
    # lock_timeout = 0), so our own pooled connections go first; the site's requests are short.
    engine.dispose()
    _pg_run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                           "--single-transaction", f"--dbname={engine.url.database}", str(path)], engine.url,
            failed=RESTORE_FAILED)
