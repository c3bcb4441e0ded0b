"""Error pages in the reader's language; a 500 rolls the session back first."""
from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from meetings.extensions import db

PAGES = {400: "errors/400.html", 403: "errors/403.html", 404: "errors/404.html",
         413: "errors/413.html", 429: "errors/429.html"}


def render_http_error(error: HTTPException):
    """Known codes get their own page; others share the 400 page."""
    template = PAGES.get(error.code or 500, "errors/400.html")
    return render_template(template, error=error), error.code


def render_csrf_error(error: CSRFError):
    """An expired or missing form token: ask to reload rather than blame the user."""
    return render_template("errors/csrf.html", error=error), 400


def render_server_error(error: Exception):
    """Undo whatever the request half-wrote, then apologise."""
    db.session.rollback()
    return render_template("errors/500.html"), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, render_csrf_error)
    app.register_error_handler(HTTPException, render_http_error)
    app.register_error_handler(500, render_server_error)
