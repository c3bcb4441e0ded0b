"""Small helpers shared by views."""
from urllib.parse import urlsplit

from flask import abort, url_for

from meetings.extensions import db
from meetings.policy import Action, can, may_see

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL (the URL converter stops there too)


def id_arg(args, name: str, default: int | None = None) -> int | None:
    """An id from the query string, or ``default`` when absent, not a number, or beyond any id
    the database can hold (which would be an SQL error, not "no such thing")."""
    raw = args.get(name, "")
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
        return default
    return int(raw)


def safe_next(target: str | None) -> str:
    """Only follow ``next`` to a path on this site (no open redirect)."""
    on_site = target and target.startswith("/") and not target.startswith("//")
    if on_site and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("main.home")


def load_or_404(model, object_id: int):
    """The row with this id, or 404."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def authorize(person, action: Action, obj) -> None:
    """Nothing if the policy allows it; else 403 to who may see the object, 404 to the rest."""
    if not can(person, action, obj):
        abort(403 if may_see(person, obj) else 404)
