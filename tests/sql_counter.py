"""Count the SQL statements a piece of code sends (DESIGN §7: fixed counts, ≤ 20 per page)."""
from contextlib import contextmanager

import sqlalchemy as sa

from meetings.extensions import db


@contextmanager
def recorded_statements():
    """Yields the list that fills with each statement sent while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def statements_of(client, url: str) -> int:
    """How many statements a GET of ``url`` sends; the page must answer 200."""
    with recorded_statements() as seen:
        assert client.get(url).status_code == 200
    return len(seen)
