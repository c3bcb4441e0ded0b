"""Security headers on every response: a strict CSP with no inline script or style; and no NUL
byte in a URL ever reaches a query."""
from flask import Flask, Response, abort, current_app, request, session

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """Set the headers unless a view chose its own (e.g. a download's CSP)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if "Cache-Control" not in response.headers and _personal():
        # A signed-in page, an export or an API answer is one person's: no shared cache keeps
        # it, nor the browser after the tab is closed (a shared office computer).
        response.headers["Cache-Control"] = "private, no-store"
    seconds = current_app.config.get("HSTS_SECONDS")
    if seconds:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={seconds}; includeSubDomains")
    return response


def _personal() -> bool:
    """Signed in (by the session cookie: asking current_user could need the database, which may
    be the very thing that is away) or an API request (bearer tokens only)."""
    return request.path.startswith("/api/") or "_user_id" in session


def refuse_nul_in_the_url() -> None:
    """A NUL byte (``%00``) means nothing in a URL, and PostgreSQL refuses it in any text it is
    compared with: a 400 here, rather than a 500 from whichever query meets it first."""
    values = [*request.args.keys(), *request.args.values(),
              *(v for v in (request.view_args or {}).values() if isinstance(v, str))]
    if any("\x00" in value for value in values):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_in_the_url)
    app.after_request(add_security_headers)
