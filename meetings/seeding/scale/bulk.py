"""Writing the scale province: Core inserts in chunks (COPY on PostgreSQL), SQLite settings for
the load, and what a bulk load owes the app afterwards (current revisions, id sequences).

The caller owns the connection and commits; the writer only writes.
"""
from __future__ import annotations

import operator
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from meetings.domain.terms import OrgKind
from meetings.extensions import db
from meetings.models.base import UTCDateTime
from meetings.seeding.scale.data import ROOT_NAME, Province, ScaleOptions
from meetings.seeding.scale.rows import BranchYear, YearRows

# Tables whose primary key the generator hands out (max(id) + 1 onwards).
KEYED_TABLES = ("organization", "person", "committee_seat", "meeting", "invitation", "minutes",
                "minutes_revision")
YEAR_TABLES = ("meeting", "meeting_meeting_type", "invitation", "minutes", "minutes_revision")
CHUNK = 5_000  # rows per executemany
FLUSH_INVITATIONS = 100_000  # write (and let the caller commit) after about this many invitations


def table(name: str) -> sa.Table:
    return db.metadata.tables[name]


def next_ids(conn: sa.Connection) -> dict[str, int]:
    """The first free id of each keyed table."""
    return {name: (conn.scalar(sa.select(sa.func.max(table(name).c.id))) or 0) + 1 for name in KEYED_TABLES}


@contextmanager
def load_settings(conn: sa.Connection) -> Iterator[None]:
    """On SQLite, skip fsync and give the index pages room for the load; restored afterwards."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("synchronous", "cache_size")}
    conn.exec_driver_sql("PRAGMA synchronous=OFF")
    conn.exec_driver_sql("PRAGMA cache_size=-512000")  # 500 MB: the invitation indexes stay in memory
    try:
        yield
    finally:
        for name, value in before.items():
            conn.exec_driver_sql(f"PRAGMA {name}={int(value)}")


class BulkWriter:
    """Inserts lists of row dicts into a table: executemany in chunks, or COPY on PostgreSQL."""

    def __init__(self, conn: sa.Connection, *, copy: bool | None = None):
        self.conn = conn
        self.copy = conn.dialect.name == "postgresql" if copy is None else copy

    def insert(self, name: str, rows: list[dict]) -> None:
        if not rows:
            return
        if self.copy:
            self._copy(table(name), rows)
            return
        for start in range(0, len(rows), CHUNK):
            self.conn.execute(table(name).insert(), rows[start:start + CHUNK])

    def _copy(self, target: sa.Table, rows: list[dict]) -> None:
        """COPY … FROM STDIN; timestamps go in as naive UTC, as UTCDateTime stores them."""
        columns = list(rows[0])
        values = operator.itemgetter(*columns)
        stamps = [i for i, c in enumerate(columns) if isinstance(target.c[c].type, UTCDateTime)]
        cursor = self.conn.connection.dbapi_connection.cursor()
        with cursor, cursor.copy(f"COPY {target.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                record = list(values(row))
                for i in stamps:
                    if record[i] is not None:
                        record[i] = record[i].replace(tzinfo=None)
                copy.write_row(record)

    def write_tree(self, province: Province) -> None:
        for name, rows in (("organization", province.organizations), ("person", province.people),
                           ("committee_seat", province.seats)):
            self.insert(name, rows)

    def write_years(self, province: Province, options: ScaleOptions, ids, type_ids: dict[str, int]
                    ) -> Iterator[int]:
        """Generate and write every branch's year; after each batch yields how many branches it
        held, so the caller can commit and move its progress bar."""
        rows, done = YearRows(), 0
        for branch in province.branches:
            BranchYear(branch, options, ids, type_ids, rows).generate()
            done += 1
            if len(rows.invitation) >= FLUSH_INVITATIONS:
                self.write_year_rows(rows)
                yield done
                rows, done = YearRows(), 0
        self.write_year_rows(rows)
        yield done

    def write_year_rows(self, rows: YearRows) -> None:
        """Insert one batch of generated years and link each minutes to its revision."""
        for name in YEAR_TABLES:
            self.insert(name, getattr(rows, name))
        if rows.minutes:
            self._link_current_revisions(rows.minutes[0]["id"], rows.minutes[-1]["id"])

    def _link_current_revisions(self, first: int, last: int) -> None:
        """Minutes went in before their revisions (each references the other): point them now."""
        minutes, revision = table("minutes"), table("minutes_revision")
        latest = (sa.select(sa.func.max(revision.c.id)).where(revision.c.minutes_id == minutes.c.id)
                  .scalar_subquery())
        # updated_at named explicitly, or Core would stamp the wall clock's time on every row.
        self.conn.execute(minutes.update().where(minutes.c.id.between(first, last))
                          .values(current_revision_id=latest, updated_at=minutes.c.updated_at))

    def finish(self, province: Province) -> None:
        """Name the root (the province is complete); on PostgreSQL move the id sequences past the
        new rows and refresh the planner's statistics."""
        org = table("organization")
        root_id = province.organizations[0]["id"]
        self.conn.execute(org.update().where(org.c.id == root_id)
                          .values(name=ROOT_NAME, updated_at=org.c.updated_at))
        if self.conn.dialect.name == "postgresql":
            reset_sequences(self.conn, KEYED_TABLES)
            # Fresh statistics now, so the first queries on the new rows are not planned blind
            # while autovacuum catches up.
            self.conn.exec_driver_sql(f"ANALYZE {', '.join((*KEYED_TABLES, 'meeting_meeting_type'))}")


def reset_sequences(conn: sa.Connection, names) -> None:
    """Move PostgreSQL's id sequences past rows inserted with explicit ids (a no-op elsewhere)."""
    if conn.dialect.name != "postgresql":
        return
    for name in names:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))")


def find_root(conn: sa.Connection, name: str) -> int | None:
    org = table("organization")
    return conn.scalar(sa.select(org.c.id).where(org.c.parent_id.is_(None), org.c.name == name))


def has_organizations(conn: sa.Connection) -> bool:
    return conn.scalar(sa.select(table("organization").c.id).limit(1)) is not None


def counts(conn: sa.Connection) -> dict[str, int]:
    """What the database holds, by the names the command prints."""
    org = table("organization")
    kinds = dict(conn.execute(sa.select(org.c.kind, sa.func.count()).group_by(org.c.kind)).all())
    found = {key: kinds.get(kind.value, 0) for key, kind in (
        ("units", OrgKind.PARTY_COMMITTEE), ("branches", OrgKind.BRANCH), ("groups", OrgKind.PARTY_GROUP))}
    for key, name in (("people", "person"), ("meetings", "meeting"), ("invitations", "invitation"),
                      ("minutes", "minutes")):
        found[key] = conn.scalar(sa.select(sa.func.count()).select_from(table(name)))
    return found
