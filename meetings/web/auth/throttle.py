"""Slowing down password guessing without locking the owner out (ASVS 2.2.1).

Three brakes, counted in the limiter's storage (Redis in production, so every worker counts
together):
- per client address, whatever the login (``LOGIN_IP_RATE_LIMIT``, a flask-limiter limit);
- per address and login, a backoff: after ``LOGIN_FREE_FAILURES`` wrong passwords in a row the next
  try waits 2, 4, 8 … seconds, up to ``MAX_WAIT`` — the owner signing in from another address
  is not slowed at all;
- per login from all addresses together, ``LOGIN_FAILURES_PER_LOGIN`` in ``WINDOW``: past it,
  only a browser this person has signed in with before (a signed 常用设备 cookie) may try.
"""
from __future__ import annotations

import time

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeTimedSerializer

from meetings.extensions import limiter

MAX_WAIT = 15 * 60
WINDOW = 15 * 60
DEVICE_COOKIE = "orglife_device"
DEVICE_DAYS = 365


def login_of_request() -> str:
    """The login the request tries, from a form or a JSON body alike (normalised) — the very
    value the form will check: Flask-WTF reads a JSON list as its first element."""
    value = request.form.get("login")
    if value is None and request.is_json:
        body = request.get_json(silent=True)
        value = body.get("login") if isinstance(body, dict) else None
        if isinstance(value, list) and value:
            value = value[0]
    return value.strip().lower()[:60] if isinstance(value, str) else ""


def json_fields_are_text() -> bool:
    """A JSON sign-in must give login and password as strings (not numbers, lists, objects)."""
    if not request.is_json:
        return True
    body = request.get_json(silent=True)
    fields = ("login", "password")
    return isinstance(body, dict) and all(isinstance(body.get(name, ""), str) for name in fields)


def pair_key() -> str:
    """Address and login together (flask-limiter's key for LOGIN_RATE_LIMIT too)."""
    return f"{get_remote_address()}|{login_of_request()}"


def _storage():
    return limiter.storage


def wait_seconds(login: str) -> int:
    """How long this address must wait before trying ``login`` again (0: it may try now)."""
    expires = _storage().get_expiry(_block_key(login)) if _storage().get(_block_key(login)) else 0
    return max(0, int(expires - time.time() + 0.999))


def login_closed_to_new_devices(login: str) -> bool:
    """Too many failures for this login from everywhere, and this browser is not its owner's."""
    limit = current_app.config["LOGIN_FAILURES_PER_LOGIN"]
    return _storage().get(_login_key(login)) >= limit and not _known_device(login)


def failed(login: str) -> None:
    """Count a wrong password: towards the pair's backoff and the login's total."""
    storage = _storage()
    storage.incr(_login_key(login), WINDOW)
    in_a_row = storage.incr(_pair_key(login), MAX_WAIT * 4)
    free = current_app.config["LOGIN_FREE_FAILURES"]
    if in_a_row >= free:
        storage.clear(_block_key(login))  # a counter keeps its first expiry: start it anew
        storage.incr(_block_key(login), min(2 ** min(in_a_row - free + 1, 20), MAX_WAIT))


def succeeded(login: str, response: Response) -> None:
    """A right password clears this address's backoff and marks the browser as the owner's."""
    _storage().clear(_pair_key(login))
    _storage().clear(_block_key(login))
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(login), max_age=DEVICE_DAYS * 86400,
                        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])


def _known_device(login: str) -> bool:
    try:
        # Timed: a copied cookie stops counting after a year, whatever the browser keeps.
        signed = request.cookies.get(DEVICE_COOKIE, "")
        return _serializer().loads(signed, max_age=DEVICE_DAYS * 86400) == login
    except BadSignature:
        return False


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _pair_key(login: str) -> str:
    return f"orglife-login-fail:{get_remote_address()}|{login}"


def _block_key(login: str) -> str:
    return f"orglife-login-wait:{get_remote_address()}|{login}"


def _login_key(login: str) -> str:
    return f"orglife-login-fail:*|{login}"
