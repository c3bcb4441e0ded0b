"""Serializing the writers of one row across requests: a meeting's record (attendance, minutes,
changes), a branch's roster imports.

PostgreSQL takes a row lock (``SELECT … FOR UPDATE``). SQLite has no row locks, and its
reads run outside any transaction until the first write; a write that changes nothing takes
the database's write lock, so whatever the request reads after it is what the last writer
committed.
"""
import sqlalchemy as sa

from meetings.extensions import db
from meetings.models import Meeting


def lock_meeting(meeting_id: int) -> None:
    """Wait for any other writer of this meeting's record to commit, then go on alone."""
    lock_row(Meeting, meeting_id)


def lock_row(model, row_id: int) -> None:
    """Wait for any other transaction holding this row (or, on SQLite, the database's write
    lock) to commit; what this one reads afterwards is what that one left."""
    if db.session.get_bind().dialect.name == "sqlite":
        # Each column set to itself, the ones with an ``onupdate`` too: otherwise taking the
        # lock would stamp updated_at, and a later real change to the same instant is no change.
        table = model.__table__
        unchanged = {c: c for c in table.c if c.primary_key or c.onupdate is not None}
        db.session.execute(sa.update(table).where(table.c.id == row_id).values(unchanged))
    else:
        db.session.execute(sa.select(model.id).where(model.id == row_id).with_for_update())
