"""Small helpers shared by views."""
from urllib.parse import urlsplit

from flask import abort, url_for

from meetings.extensions import db
from meetings.policy import Action, can


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
    """403 unless the policy allows it."""
    if not can(person, action, obj):
        abort(403)
