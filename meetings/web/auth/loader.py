"""Flask-Login wiring: who is signed in, and when their session stops being valid.

The session cookie and the remember-me cookie both carry ``<person id>:<token>``; the token
names a live ``sign_in`` row (services/sign_ins). A session without 记住我 also ends after
SESSION_IDLE_MINUTES without a request: the last request's time travels in the signed session
cookie, so an old copy of the cookie is as stale as the time it was taken.
"""
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app, flash, g, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from meetings.extensions import db
from meetings.models import Person, RoleAssignment, SignIn, utcnow
from meetings.services import sign_ins

SEEN_KEY = "_seen"  # session cookie: Unix time of the last request, for the idle timeout
SEEN_GRAIN = 60  # rewritten (a new Set-Cookie) at most once a minute


def load_person(user_id: str) -> Person | None:
    """Resolve a cookie's id to a person who may still sign in, roles loaded in one go.

    Person, sign-in, branch and party group come in one statement, roles in a second: every
    page reads them, and each page has a budget of 20 statements (DESIGN §7)."""
    person_id, _colon, token = user_id.partition(":")
    if not person_id.isdigit() or not token or len(token) > 100:
        return None
    now = utcnow()
    sign_in = db.session.scalar(
        sa.select(SignIn)
        .join(SignIn.person)
        .where(SignIn.token_hash == sign_ins.digest(token), SignIn.person_id == int(person_id),
               sign_ins.live_clause(now))
        .options(
            contains_eager(SignIn.person).options(
                selectinload(Person.roles).selectinload(RoleAssignment.organization),
                joinedload(Person.branch),
                joinedload(Person.party_group),
            )
        )
    )
    if sign_in is None or not sign_in.person.may_sign_in:
        return None
    if _idle_too_long(sign_in, now):
        session.pop("_user_id", None)  # said once; the next request is simply anonymous
        flash(_("您已超过 %(n)s 分钟未操作，为安全起见已自动退出，请重新登录。",
                n=current_app.config["SESSION_IDLE_MINUTES"]), "info")
        return None
    person = sign_in.person
    person.sign_in_token = token
    g.sign_in = sign_in
    _note_activity(now)
    return person


def _idle_too_long(sign_in: SignIn, now: datetime) -> bool:
    """A session without 记住我 that saw no request for SESSION_IDLE_MINUTES is over.

    Only the session cookie knows the last request; a remembered session (whose cookie
    outlives the browser) ends at its row's expiry instead."""
    if sign_in.remember:
        return False
    seen = session.get(SEEN_KEY)
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    return not isinstance(seen, int) or now.timestamp() - seen > idle.total_seconds()


def _note_activity(now: datetime) -> None:
    stamp = int(now.timestamp())
    if abs(stamp - (session.get(SEEN_KEY) or 0)) >= SEEN_GRAIN:
        session[SEEN_KEY] = stamp


def current_sign_in() -> SignIn | None:
    """The session this request was signed in by (None for the anonymous, and for the API)."""
    if not current_user.is_authenticated:  # resolves the cookie (load_person) if not done yet
        return None
    return g.get("sign_in")


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("请先登录。")
    manager.login_message_category = "info"
    manager.user_loader(load_person)
