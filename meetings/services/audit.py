"""Writing and reading the audit trail (who did what to which object)."""
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from meetings.extensions import db
from meetings.models import AuditEvent, Person


def record(
    actor: Person | None,
    action: str,
    obj: object,
    *,
    organization_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add an audit event for ``obj`` (flushed so the object has its id)."""
    db.session.flush()
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=getattr(obj, "id", None),
        organization_id=organization_id,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def record_sign_in_failure(login: str, address: str | None) -> AuditEvent:
    """A wrong password (or unknown login) at the sign-in form, against the person when the
    login exists, so their card and the audit log show who was tried and from where."""
    login = login.strip()[:60]
    person = db.session.scalar(sa.select(Person).where(Person.login == login)) if login else None
    event = AuditEvent(actor_id=None, action="auth.sign_in_failed", object_type="person",
                       object_id=person.id if person else None,
                       organization_id=person.branch_id if person else None,
                       after={"login": login, "address": address})
    db.session.add(event)
    return event


def changes(obj: object, fields: dict) -> tuple[dict, dict]:
    """Apply ``fields`` to ``obj`` and return (before, after) for the fields that changed."""
    before, after = {}, {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            before[name], after[name] = plain(old), plain(value)
            setattr(obj, name, value)
    return before, after


def plain(value):
    """JSON-friendly form of a column value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def history(*, person_id: int | None = None, organization_id: int | None = None,
            meeting_id: int | None = None, limit: int = 20) -> list[AuditEvent]:
    """Latest events about one person or meeting, or recorded against one unit, newest first."""
    query = sa.select(AuditEvent).options(selectinload(AuditEvent.actor))
    if person_id is not None:
        query = query.where(AuditEvent.object_type == "person", AuditEvent.object_id == person_id)
    if meeting_id is not None:
        query = query.where(AuditEvent.object_type == "meeting", AuditEvent.object_id == meeting_id)
    if organization_id is not None:
        query = query.where(AuditEvent.organization_id == organization_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
