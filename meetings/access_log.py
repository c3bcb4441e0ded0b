"""Access-log lines without credentials: feed and RSVP tokens, import tokens, check-in codes.

A calendar feed URL or an RSVP link is a password of its own (whoever has it reads the feed or
answers for the person); an access log is read by more people, and kept longer, than the
database. ``gunicorn.conf.py`` installs ``RedactingLogger``; this module imports no Flask.
"""
from __future__ import annotations

import re
from urllib.parse import quote, unquote

from gunicorn.glogging import Logger

HIDDEN = "[redacted]"
# Path segments that are credentials, and query parameters that are.
SECRET_PATHS = (
    re.compile(r"(/calendar/)[^/?\s]+(?=\.ics|/branches/)"),
    re.compile(r"(/rsvp/)[^/?\s]+"),
    re.compile(r"(/branches/\d+/import/)[^/?\s]+"),
)
SECRET_QUERY = re.compile(r"([?&](?:code|token)=)[^&\s]*", re.IGNORECASE)
# The sign-in page's ?next= carries the page asked for, credentials and all (percent-encoded).
NEXT = re.compile(r"([?&]next=)([^&\s]*)")


def redact(text: str) -> str:
    """``text`` (a request line, a path or a query) with every credential in it replaced."""
    text = NEXT.sub(lambda m: m[1] + quote(redact(unquote(m[2])), safe="/"), text)
    for pattern in SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{HIDDEN}", text)
    return SECRET_QUERY.sub(rf"\g<1>{HIDDEN}", text)


class RedactingLogger(Logger):
    """gunicorn's logger, whose access-log atoms (%(r)s, %(U)s, %(q)s, %(f)s …) hide credentials."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        if atoms.get("q"):  # the bare query string: give it the "?" the pattern looks for
            atoms["q"] = redact("?" + atoms["q"])[1:]
        return atoms
