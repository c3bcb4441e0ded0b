"""Security headers on every response: a strict CSP with no inline script or style; and no NUL
byte in a URL ever reaches a query."""
from flask import Flask, Response, abort, current_app, request

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
    seconds = current_app.config.get("HSTS_SECONDS")
    if seconds:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={seconds}; includeSubDomains")
    return response


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
