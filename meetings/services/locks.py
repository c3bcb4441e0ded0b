"""Serializing the writers of one meeting's record (attendance, minutes) across requests.

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
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.update(Meeting).where(Meeting.id == meeting_id).values(id=Meeting.id)
                           .execution_options(synchronize_session=False))
    else:
        db.session.execute(sa.select(Meeting.id).where(Meeting.id == meeting_id).with_for_update())
