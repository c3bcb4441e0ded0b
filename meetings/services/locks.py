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
        db.session.execute(sa.update(model).where(model.id == row_id).values(id=model.id)
                           .execution_options(synchronize_session=False))
    else:
        db.session.execute(sa.select(model.id).where(model.id == row_id).with_for_update())
