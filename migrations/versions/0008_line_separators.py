"""U+2028/U+2029 in stored text become newlines (spaces in one-line fields)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

They are valid text, but calendar and spreadsheet tools that split lines on them saw one
meeting's place as a second event. New input is normalised by the forms and the API; this
cleans what was stored before. Minutes revisions are left alone: final ones are hashed, and
their text never reaches a calendar. Meetings whose text changed get a new ``updated_at`` (so
LAST-MODIFIED moves) and every stored feed is dropped, to be rendered again on its next fetch.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SEPARATORS = ("\u2028", "\u2029")
ONE_LINE = {
    "meeting": ("title", "place", "online_url", "cancel_reason"),
    "meeting_type": ("name",),
    "organization": ("name",),
    "person": ("name", "note"),
    "invitation": ("guest_name", "leave_reason", "absence_reason"),
    "campaign": ("title",),
}
MULTI_LINE = {"meeting": ("agenda",), "campaign": ("instructions",), "action_item": ("text", "evidence")}


def upgrade():
    bind = op.get_bind()
    stamp = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    touched = _meetings_to_touch(bind)
    for tables, replacement in ((ONE_LINE, " "), (MULTI_LINE, "\n")):
        for table, columns in tables.items():
            for column in columns:
                _replace(bind, table, column, replacement)
    for meeting_id in touched:
        bind.execute(sa.text("UPDATE meeting SET updated_at = :stamp WHERE id = :id"),
                     {"stamp": stamp, "id": meeting_id})
    bind.execute(sa.text("DELETE FROM calendar_snapshot"))


def downgrade():
    pass  # the separators are not worth bringing back


def _has_separator(column: str) -> str:
    return " OR ".join(f"{column} LIKE :like{n}" for n in range(len(SEPARATORS)))


def _likes() -> dict:
    return {f"like{n}": f"%{s}%" for n, s in enumerate(SEPARATORS)}


def _replace(bind, table: str, column: str, replacement: str) -> None:
    value = column
    for n in range(len(SEPARATORS)):
        value = f"REPLACE({value}, :sep{n}, :replacement)"
    params = {**_likes(), **{f"sep{n}": s for n, s in enumerate(SEPARATORS)}, "replacement": replacement}
    bind.execute(sa.text(f"UPDATE {table} SET {column} = {value} WHERE {_has_separator(column)}"), params)


def _meetings_to_touch(bind) -> list[int]:
    columns = (*ONE_LINE["meeting"], *MULTI_LINE["meeting"])
    where = " OR ".join(f"({_has_separator(c)})" for c in columns)
    own = f"SELECT id FROM meeting WHERE {where}"
    # The calendar also shows the branch's name (ORGANIZER) and the types' names (CATEGORIES).
    branch = ("SELECT m.id FROM meeting m JOIN organization o ON o.id = m.organization_id "
              f"WHERE {_has_separator('o.name')}")
    types = ("SELECT l.meeting_id FROM meeting_meeting_type l JOIN meeting_type t ON t.id = l.meeting_type_id "
             f"WHERE {_has_separator('t.name')}")
    query = f"{own} UNION {branch} UNION {types}"
    return sorted(set(bind.execute(sa.text(query), _likes()).scalars()))
