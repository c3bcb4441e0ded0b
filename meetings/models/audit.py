"""Audit trail: who did what to which object, when, with before/after for edits."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.models.base import Base, utcnow
from meetings.models.person import Person


class AuditEvent(Base):
    """One recorded action; written by services, never edited (the database refuses it)."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[Person | None] = relationship()


# Append-only in the database itself, so no code path (nor a hand-typed UPDATE) rewrites the
# trail. Migration 0005 installs the same triggers; a table built by ``create_all`` (tests,
# fresh databases) gets them here.
APPEND_ONLY_MESSAGE = "audit_event is append-only"
SQLITE_TRIGGERS = {
    name: f"CREATE TRIGGER {name} BEFORE {verb} ON audit_event "
          f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    for name, verb in (("audit_event_no_update", "UPDATE"), ("audit_event_no_delete", "DELETE"))
}
POSTGRESQL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$"
)
POSTGRESQL_TRIGGER = (
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
)


def _refuse_changes(table: sa.Table) -> None:
    """Create the triggers right after ``table`` is created, on either database."""
    for ddl in SQLITE_TRIGGERS.values():
        sa.event.listen(table, "after_create", sa.DDL(ddl).execute_if(dialect="sqlite"))
    for ddl in (POSTGRESQL_FUNCTION, POSTGRESQL_TRIGGER):
        sa.event.listen(table, "after_create", sa.DDL(ddl).execute_if(dialect="postgresql"))
    drop_function = sa.DDL("DROP FUNCTION IF EXISTS audit_event_append_only()")
    sa.event.listen(table, "after_drop", drop_function.execute_if(dialect="postgresql"))


_refuse_changes(AuditEvent.__table__)
